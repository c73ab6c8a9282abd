/*
 * tests/unit/test_ldisc.c — kernel/lib/ldisc.c: echo, editing, signals, EOF,
 * raw mode and bounded buffers. The output and signal callbacks record
 * into a buffer the tests compare.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include "check.h"
#include "kernel/lib/ldisc.h"

static char echoed[8192];
static size_t echoed_len;
static int signals[8], nsignals;

static void out(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    if (echoed_len + n < sizeof echoed) {
        memcpy(echoed + echoed_len, s, n);
        echoed_len += n;
        echoed[echoed_len] = 0;
    }
}

static void sig(void *ctx, int s)
{
    (void)ctx;
    if (nsignals < 8)
        signals[nsignals++] = s;
}

static void fresh(struct ldisc *ld)
{
    echoed_len = 0;
    echoed[0] = 0;
    nsignals = 0;
    ldisc_init(ld, out, sig, NULL);
}

static void in(struct ldisc *ld, const char *s)
{
    ldisc_input(ld, s, strlen(s));
}

/* Read into a string; returns the read's result. */
static long rd(struct ldisc *ld, char *buf, size_t n)
{
    long r = ldisc_read(ld, buf, n);
    buf[r > 0 ? r : 0] = 0;
    return r;
}

TEST(canonical_line_with_echo)
{
    struct ldisc ld;
    fresh(&ld);
    char buf[64];
    in(&ld, "ls -l");
    CHECK(!ldisc_readable(&ld));
    CHECK_EQ(rd(&ld, buf, sizeof buf), -EAGAIN);
    CHECK_STR(echoed, "ls -l");
    in(&ld, "\r"); /* CR becomes NL */
    CHECK(ldisc_readable(&ld));
    CHECK_STR(echoed, "ls -l\n");
    CHECK_EQ(rd(&ld, buf, sizeof buf), 6);
    CHECK_STR(buf, "ls -l\n");
    CHECK(!ldisc_readable(&ld));
    /* Two lines queued: one read returns one line; small reads split it. */
    in(&ld, "one\ntwo\n");
    CHECK_EQ(rd(&ld, buf, sizeof buf), 4);
    CHECK_STR(buf, "one\n");
    CHECK_EQ(rd(&ld, buf, 2), 2);
    CHECK_STR(buf, "tw");
    CHECK_EQ(rd(&ld, buf, sizeof buf), 2);
    CHECK_STR(buf, "o\n");
    CHECK_EQ(rd(&ld, buf, sizeof buf), -EAGAIN);
    /* Control characters echo as ^X. */
    echoed_len = 0;
    in(&ld, "\x1b[A");
    CHECK_STR(echoed, "^[[A");
}

TEST(backspace_and_kill)
{
    struct ldisc ld;
    fresh(&ld);
    char buf[64];
    in(&ld, "cat\x7f\x7fp\b");
    CHECK_STR(echoed, "cat\b \b\b \bp\b \b");
    in(&ld, "\x7f\x7f\x7f"); /* more erases than characters */
    CHECK_STR(echoed, "cat\b \b\b \bp\b \b\b \b");
    in(&ld, "x\n");
    CHECK_EQ(rd(&ld, buf, sizeof buf), 2);
    CHECK_STR(buf, "x\n");
    /* A UTF-8 character and a ^X are erased as one; ^U kills the line. */
    echoed_len = 0;
    in(&ld, "a\xc3\xa9\x01\x7f");
    CHECK_STR(echoed, "a\xc3\xa9^A\b \b\b \b");
    in(&ld, "\x7f");
    CHECK_EQ(ld.line_len, 1);
    echoed_len = 0;
    in(&ld, "bc\x15");
    CHECK_STR(echoed, "bc\b \b\b \b\b \b");
    in(&ld, "ok\n");
    CHECK_EQ(rd(&ld, buf, sizeof buf), 3);
    CHECK_STR(buf, "ok\n");
}

TEST(ctrl_c_signals_and_discards)
{
    struct ldisc ld;
    fresh(&ld);
    char buf[64];
    in(&ld, "sleep 100\x03");
    CHECK_EQ(nsignals, 1);
    CHECK_EQ(signals[0], LDISC_SIGINT);
    CHECK_STR(echoed, "sleep 100^C\n");
    CHECK(!ldisc_readable(&ld));
    in(&ld, "y\n");
    CHECK_EQ(rd(&ld, buf, sizeof buf), 2);
    CHECK_STR(buf, "y\n");
    /* Without ISIG, ^C is an ordinary character. */
    ldisc_set_flags(&ld, LDISC_ICANON);
    in(&ld, "\x03\n");
    CHECK_EQ(nsignals, 1);
    CHECK_EQ(rd(&ld, buf, sizeof buf), 2);
    CHECK_EQ(buf[0], 3);
}

TEST(ctrl_d_eof_and_partial_line)
{
    struct ldisc ld;
    fresh(&ld);
    char buf[64];
    in(&ld, "\x04");
    CHECK(ldisc_readable(&ld));
    CHECK_EQ(rd(&ld, buf, sizeof buf), 0); /* EOF */
    CHECK_EQ(rd(&ld, buf, sizeof buf), -EAGAIN);
    in(&ld, "abc\x04");
    CHECK_EQ(rd(&ld, buf, sizeof buf), 3);
    CHECK_STR(buf, "abc");
    CHECK_STR(echoed, "abc");
    /* Line, EOF, line: delivered in order, EOF between. */
    in(&ld, "1\n\x04" "2\n");
    CHECK_EQ(rd(&ld, buf, sizeof buf), 2);
    CHECK_EQ(rd(&ld, buf, sizeof buf), 0);
    CHECK_EQ(rd(&ld, buf, sizeof buf), 2);
    CHECK_STR(buf, "2\n");
}

TEST(raw_mode)
{
    struct ldisc ld;
    fresh(&ld);
    char buf[64];
    ldisc_set_flags(&ld, 0);
    in(&ld, "q\x7f\x03\x04\r");
    CHECK_STR(echoed, "");
    CHECK_EQ(nsignals, 0);
    CHECK(ldisc_readable(&ld));
    CHECK_EQ(rd(&ld, buf, 2), 2);
    CHECK_EQ(buf[0], 'q');
    CHECK_EQ(buf[1], 0x7f);
    CHECK_EQ(rd(&ld, buf, sizeof buf), 3);
    CHECK_EQ(buf[2], '\r'); /* no ICRNL */
    CHECK_EQ(rd(&ld, buf, sizeof buf), -EAGAIN);
    ldisc_set_flags(&ld, LDISC_ECHO);
    in(&ld, "ab");
    CHECK_STR(echoed, "ab");
    /* Back to canonical: what was waiting is one record. */
    ldisc_set_flags(&ld, LDISC_DEFAULT_FLAGS);
    CHECK(ldisc_readable(&ld));
    CHECK_EQ(rd(&ld, buf, sizeof buf), 2);
    CHECK_STR(buf, "ab");
    /* Leaving canonical mode hands over the half-typed line. */
    in(&ld, "half");
    ldisc_set_flags(&ld, 0);
    CHECK_EQ(rd(&ld, buf, sizeof buf), 4);
    CHECK_STR(buf, "half");
}

TEST(overflow_drops_and_counts)
{
    struct ldisc ld;
    fresh(&ld);
    static char big[3000], buf[LDISC_BUF_SIZE + 8];
    memset(big, 'a', sizeof big);
    ldisc_input(&ld, big, sizeof big);
    CHECK_EQ(ld.line_len, LDISC_LINE_MAX - 1);
    CHECK_EQ(ld.dropped, sizeof big - (LDISC_LINE_MAX - 1));
    in(&ld, "\n"); /* the newline still fits */
    CHECK_EQ(rd(&ld, buf, sizeof buf), LDISC_LINE_MAX);
    CHECK_EQ(buf[LDISC_LINE_MAX - 1], '\n');
    /* Queue full of completed lines: the next line is dropped whole. */
    fresh(&ld);
    for (int i = 0; i < 200; i++)
        in(&ld, "0123456789\n");
    CHECK(ld.dropped > 0);
    CHECK(ld.q_len <= LDISC_BUF_SIZE);
    long r;
    int lines = 0;
    while ((r = rd(&ld, buf, sizeof buf)) > 0) {
        CHECK_STR(buf, "0123456789\n");
        lines++;
    }
    CHECK_EQ(lines, LDISC_BUF_SIZE / 11 < LDISC_MAX_RECORDS
                        ? LDISC_BUF_SIZE / 11 : LDISC_MAX_RECORDS);
    CHECK_EQ(ld.dropped, (uint64_t)(200 - lines) * 11);
    /* Raw: the queue fills, the rest is dropped, nothing overwritten. */
    fresh(&ld);
    ldisc_set_flags(&ld, 0);
    for (int i = 0; i < 2000; i++) {
        char c = (char)('a' + i % 26);
        ldisc_input(&ld, &c, 1);
    }
    CHECK_EQ(ld.q_len, LDISC_BUF_SIZE);
    CHECK_EQ(ld.dropped, 2000 - LDISC_BUF_SIZE);
    CHECK_EQ(rd(&ld, buf, sizeof buf), LDISC_BUF_SIZE);
    CHECK_EQ(buf[0], 'a');
    CHECK_EQ(buf[LDISC_BUF_SIZE - 1], 'a' + (LDISC_BUF_SIZE - 1) % 26);
}

TEST(write_passes_through)
{
    struct ldisc ld;
    fresh(&ld);
    CHECK_EQ(ldisc_write(&ld, "hi\n", 3), 3);
    CHECK_STR(echoed, "hi\n");
}

int main(void)
{
    RUN(canonical_line_with_echo);
    RUN(backspace_and_kill);
    RUN(ctrl_c_signals_and_discards);
    RUN(ctrl_d_eof_and_partial_line);
    RUN(raw_mode);
    RUN(overflow_drops_and_counts);
    RUN(write_passes_through);
    return check_summary();
}
