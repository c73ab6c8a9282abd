/*
 * kernel/lib/ldisc.c — line discipline (interface and rules in kernel/lib/ldisc.h).
 *
 * Two buffers: line[] is what the user is still editing (canonical mode
 * only), queue[] a byte ring of what readers may take. In canonical mode a
 * parallel ring of record lengths remembers where each delivered line ends,
 * so a reader never gets more than one line and an EOF (^D on an empty
 * line) can sit between lines as a zero-length record.
 */
#include "kernel/lib/ldisc.h"

#include "kernel/abi/errno.h"
#include "kernel/lib/string.h"

static void echo(struct ldisc *ld, const char *s, size_t n)
{
    if (ld->output && n)
        ld->output(ld->ctx, s, n);
}

static bool is_ctl(uint8_t c)
{
    return c < 0x20 || c == 0x7f;
}

/* Echo one input byte as the user should see it. */
static void echo_char(struct ldisc *ld, uint8_t c)
{
    if (!(ld->flags & LDISC_ECHO))
        return;
    if ((ld->flags & LDISC_ICANON) && is_ctl(c) && c != '\n' && c != '\t') {
        char caret[2] = {'^', (char)(c ^ 0x40)};
        echo(ld, caret, 2);
        return;
    }
    char ch = (char)c;
    echo(ld, &ch, 1);
}

static void queue_push(struct ldisc *ld, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ld->queue[(ld->q_head + ld->q_len + i) % LDISC_BUF_SIZE] = src[i];
    ld->q_len += n;
}

static void queue_pop(struct ldisc *ld, uint8_t *dst, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = ld->queue[(ld->q_head + i) % LDISC_BUF_SIZE];
    ld->q_head = (ld->q_head + n) % LDISC_BUF_SIZE;
    ld->q_len -= n;
}

/* Deliver line[0..line_len) as one record (a zero-length one is EOF). */
static void commit_line(struct ldisc *ld)
{
    size_t n = ld->line_len;
    ld->line_len = 0;
    if (ld->rec_count == LDISC_MAX_RECORDS ||
        ld->q_len + n > LDISC_BUF_SIZE) {
        ld->dropped += n ? n : 1;
        return;
    }
    queue_push(ld, ld->line, n);
    ld->rec_len[(ld->rec_head + ld->rec_count) % LDISC_MAX_RECORDS] =
        (uint16_t)n;
    ld->rec_count++;
}

/* Remove the last character of the line (all bytes of a UTF-8 one) and
 * rub it out on screen. */
static void erase_char(struct ldisc *ld)
{
    if (ld->line_len == 0)
        return;
    size_t end = ld->line_len;
    size_t start = end - 1;
    while (start > 0 && (ld->line[start] & 0xc0) == 0x80)
        start--;
    if ((ld->line[start] & 0xc0) != 0xc0) /* not a lead byte: one byte only */
        start = end - 1;
    uint8_t c = ld->line[start];
    ld->line_len = start;
    if (ld->flags & LDISC_ECHO) {
        echo(ld, "\b \b", 3);
        if (is_ctl(c) && c != '\t')
            echo(ld, "\b \b", 3); /* it was shown as ^X */
    }
}

void ldisc_init(struct ldisc *ld, ldisc_output_fn *output,
                ldisc_signal_fn *signal, void *ctx)
{
    memset(ld, 0, sizeof *ld);
    ld->flags = LDISC_DEFAULT_FLAGS;
    ld->output = output;
    ld->signal = signal;
    ld->ctx = ctx;
}

void ldisc_set_flags(struct ldisc *ld, uint32_t flags)
{
    bool was_canon = ld->flags & LDISC_ICANON;
    bool canon = flags & LDISC_ICANON;
    if (was_canon && !canon) {
        /* Raw readers see bytes, not records: hand over the line too. */
        if (ld->q_len + ld->line_len <= LDISC_BUF_SIZE)
            queue_push(ld, ld->line, ld->line_len);
        else
            ld->dropped += ld->line_len;
        ld->line_len = 0;
        ld->rec_count = 0;
    } else if (!was_canon && canon) {
        ld->rec_head = 0;
        ld->rec_count = 0;
        if (ld->q_len) { /* what raw input left becomes one record */
            ld->rec_len[0] = (uint16_t)ld->q_len;
            ld->rec_count = 1;
        }
    }
    ld->flags = flags;
}

static void input_byte(struct ldisc *ld, uint8_t c)
{
    if ((ld->flags & LDISC_ICRNL) && c == '\r')
        c = '\n';
    if ((ld->flags & LDISC_ISIG) && c == 0x03) {
        ld->line_len = 0;
        if (ld->flags & LDISC_ECHO)
            echo(ld, "^C\n", 3);
        if (ld->signal)
            ld->signal(ld->ctx, LDISC_SIGINT);
        return;
    }
    if (!(ld->flags & LDISC_ICANON)) {
        if (ld->q_len >= LDISC_BUF_SIZE) {
            ld->dropped++;
            return;
        }
        queue_push(ld, &c, 1);
        echo_char(ld, c);
        return;
    }
    switch (c) {
    case '\n':
        ld->line[ld->line_len++] = '\n'; /* room is always kept for it */
        echo_char(ld, c);
        commit_line(ld);
        return;
    case 0x04: /* ^D: EOF on an empty line, else push the line out */
        commit_line(ld);
        return;
    case 0x08:
    case 0x7f:
        erase_char(ld);
        return;
    case 0x15: /* ^U */
        while (ld->line_len)
            erase_char(ld);
        return;
    default:
        if (ld->line_len >= LDISC_LINE_MAX - 1) {
            ld->dropped++;
            return;
        }
        ld->line[ld->line_len++] = c;
        echo_char(ld, c);
        return;
    }
}

void ldisc_input(struct ldisc *ld, const void *bytes, size_t n)
{
    const uint8_t *p = bytes;
    for (size_t i = 0; i < n; i++)
        input_byte(ld, p[i]);
}

bool ldisc_readable(const struct ldisc *ld)
{
    if (ld->flags & LDISC_ICANON)
        return ld->rec_count > 0;
    return ld->q_len > 0;
}

long ldisc_read(struct ldisc *ld, void *buf, size_t n)
{
    if (!(ld->flags & LDISC_ICANON)) {
        if (ld->q_len == 0)
            return -EAGAIN;
        size_t m = n < ld->q_len ? n : ld->q_len;
        queue_pop(ld, buf, m);
        return (long)m;
    }
    if (ld->rec_count == 0)
        return -EAGAIN;
    uint16_t *len = &ld->rec_len[ld->rec_head];
    size_t m = n < *len ? n : *len;
    queue_pop(ld, buf, m);
    *len = (uint16_t)(*len - m);
    if (*len == 0) { /* line fully read, or an EOF mark consumed */
        ld->rec_head = (ld->rec_head + 1) % LDISC_MAX_RECORDS;
        ld->rec_count--;
    }
    return (long)m;
}

long ldisc_write(struct ldisc *ld, const void *bytes, size_t n)
{
    echo(ld, bytes, n);
    return (long)n;
}
