/*
 * kernel/lib/ldisc.h — the terminal line discipline: keyboard bytes in, bytes
 * for readers out, echo to the terminal. Pure (no locking, no sleeping):
 * the kernel calls ldisc_input() from the input path, ldisc_read() from
 * read(2) (sleeping itself while !ldisc_readable()), and wires the two
 * callbacks: output (echo, to the TTY) and signal (SIGINT to the
 * foreground process group).
 *
 * Flags (ldisc_set_flags, later through an ioctl):
 *   LDISC_ICANON  canonical mode: input is edited in a line buffer and a
 *                 reader gets whole lines. Editing: BS (0x08) or DEL (0x7f)
 *                 erases one character (echo "\b \b", twice for a
 *                 character echoed as ^X; a UTF-8 character counts as one),
 *                 ^U kills the line, ^D at the start of a line is
 *                 end-of-file (read returns 0), ^D after text delivers the
 *                 text without a newline, \n completes the line.
 *                 Without it (raw): every byte is readable at once.
 *   LDISC_ECHO    echo input (control characters as ^X in canonical mode,
 *                 \n as is; in raw mode bytes are echoed unchanged).
 *   LDISC_ISIG    ^C calls signal(ctx, LDISC_SIGINT), drops the line being
 *                 edited and echoes "^C\n".
 *   LDISC_ICRNL   \r is turned into \n on input.
 * Default: ICANON | ECHO | ISIG | ICRNL. Raw: 0 (or ECHO alone).
 *
 * Buffers are bounded: the line being edited holds LDISC_LINE_MAX - 1
 * bytes (the last byte is kept for the \n that ends it) and completed
 * lines / raw bytes wait in a LDISC_BUF_SIZE byte queue. Input that does
 * not fit is dropped (never overwrites) and counted in ->dropped; a
 * completed line that does not fit in the queue is dropped whole.
 */
#ifndef KERNEL_LDISC_H
#define KERNEL_LDISC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LDISC_LINE_MAX 1024
#define LDISC_BUF_SIZE 1024
#define LDISC_MAX_RECORDS 64 /* completed lines/EOFs waiting to be read */
#define LDISC_SIGINT 2

#define LDISC_ICANON 0x1u
#define LDISC_ECHO 0x2u
#define LDISC_ISIG 0x4u
#define LDISC_ICRNL 0x8u
#define LDISC_DEFAULT_FLAGS (LDISC_ICANON | LDISC_ECHO | LDISC_ISIG | LDISC_ICRNL)

typedef void ldisc_output_fn(void *ctx, const char *bytes, size_t n);
typedef void ldisc_signal_fn(void *ctx, int sig);

struct ldisc {
    uint32_t flags;
    ldisc_output_fn *output; /* echo and ldisc_write; may be NULL */
    ldisc_signal_fn *signal; /* may be NULL */
    void *ctx;

    uint8_t line[LDISC_LINE_MAX]; /* canonical line being edited */
    size_t line_len;

    uint8_t queue[LDISC_BUF_SIZE]; /* bytes readers have not taken yet */
    size_t q_head, q_len;
    /* Canonical mode: the queue is split into records (lines, partial
     * lines from ^D, and zero-length EOF marks), in order. */
    uint16_t rec_len[LDISC_MAX_RECORDS];
    size_t rec_head, rec_count;

    uint64_t dropped;              /* input bytes dropped for lack of room */
};

void ldisc_init(struct ldisc *ld, ldisc_output_fn *output,
                ldisc_signal_fn *signal, void *ctx);

/* Change the mode. Leaving canonical mode makes the line being edited
 * readable as it is; entering it keeps queued bytes as one record. */
void ldisc_set_flags(struct ldisc *ld, uint32_t flags);

/* Bytes from the keyboard (or a serial line). */
void ldisc_input(struct ldisc *ld, const void *bytes, size_t n);

/* True when ldisc_read would not return -EAGAIN (data or an EOF waits). */
bool ldisc_readable(const struct ldisc *ld);

/* Take up to n bytes: in canonical mode at most one line (the rest of a
 * long line stays for the next read); 0 = end of file; -EAGAIN = nothing
 * yet (the caller sleeps and retries). */
long ldisc_read(struct ldisc *ld, void *buf, size_t n);

/* Output from a process to the terminal: handed to the output callback
 * unchanged (the TTY treats \n as newline). Returns n. */
long ldisc_write(struct ldisc *ld, const void *bytes, size_t n);

#endif
