/*
 * kernel/arch/console.c — see console.h. Writes are done with interrupts off so a
 * log line from an interrupt handler never lands inside another line.
 */
#include "kernel/arch/console.h"

#include "kernel/abi/errno.h"
#include "kernel/lib/fmt.h"
#include "kernel/lib/ldisc.h"
#include "kernel/arch/riscv.h"
#include "kernel/arch/sbi.h"
#include "kernel/hooks/sched.h"
#include "kernel/hooks/signal_hooks.h"
#include "kernel/arch/timer.h"
#include "kernel/arch/uart16550.h"

/* The last LOG_RING bytes of output, so a screen that comes up after boot
 * messages were printed can show them (console_set_screen_sink). */
#define LOG_RING 16384
static char log_ring[LOG_RING];
static size_t log_head; /* total bytes ever logged */

static struct ldisc ldisc;
static bool ldisc_ready;
static int foreground_pid;
static void (*screen_sink)(const char *s, size_t n);

static void log_put(char c)
{
    log_ring[log_head++ % LOG_RING] = c;
}

static void serial_put(char c)
{
    log_put(c);
    if (c == '\n')
        serial_put('\r');
    if (uart_ready())
        uart_putc(c);
    else
        sbi_debug_putchar(c);
}

/* fmt_vformat's sink: characters are batched so the screen gets runs. */
struct out_batch {
    char buf[128];
    size_t len;
};

static void batch_flush(struct out_batch *b)
{
    if (screen_sink && b->len)
        screen_sink(b->buf, b->len);
    b->len = 0;
}

static void put_raw(void *ctx, char c)
{
    struct out_batch *b = ctx;
    serial_put(c);
    if (b) {
        b->buf[b->len++] = c;
        if (b->len == sizeof b->buf)
            batch_flush(b);
    }
}

void console_set_screen_sink(void (*write)(const char *s, size_t n))
{
    uint64_t flags = irq_save();
    screen_sink = write;
    if (write) {
        /* Replay what was printed before the screen existed, oldest first,
         * starting at a line boundary. */
        size_t start = log_head > LOG_RING ? log_head - LOG_RING : 0;
        while (start < log_head && start > 0 && log_ring[(start - 1) % LOG_RING] != '\n')
            start++;
        for (size_t i = start; i < log_head;) {
            size_t at = i % LOG_RING, n = LOG_RING - at;
            if (n > log_head - i)
                n = log_head - i;
            write(log_ring + at, n);
            i += n;
        }
    }
    irq_restore(flags);
}

void console_write(const char *s, size_t n)
{
    uint64_t flags = irq_save();
    for (size_t i = 0; i < n; i++)
        serial_put(s[i]);
    if (screen_sink)
        screen_sink(s, n);
    irq_restore(flags);
}

int kvprintf(const char *fmt, va_list ap)
{
    struct out_batch b = { .len = 0 };
    uint64_t flags = irq_save();
    int n = fmt_vformat(put_raw, &b, fmt, ap);
    batch_flush(&b);
    irq_restore(flags);
    return n;
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvprintf(fmt, ap);
    va_end(ap);
    return n;
}

static int format_into(struct out_batch *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vformat(put_raw, b, fmt, ap);
    va_end(ap);
    return n;
}

int klog(const char *fmt, ...)
{
    uint64_t us = uptime_us();
    struct out_batch b = { .len = 0 };
    uint64_t flags = irq_save();
    int n = format_into(&b, "[%5lu.%06lu] ", us / 1000000, us % 1000000);
    va_list ap;
    va_start(ap, fmt);
    n += fmt_vformat(put_raw, &b, fmt, ap);
    va_end(ap);
    batch_flush(&b);
    irq_restore(flags);
    return n;
}

static void echo_out(void *ctx, const char *bytes, size_t n)
{
    (void)ctx;
    console_write(bytes, n);
}

static void on_signal(void *ctx, int sig)
{
    (void)ctx;
    if (foreground_pid > 0)
        signal_send_from_console(foreground_pid, sig);
}

static void ensure_ldisc(void)
{
    if (!ldisc_ready) {
        ldisc_init(&ldisc, echo_out, on_signal, NULL);
        ldisc_ready = true;
    }
}

void console_input(const char *bytes, size_t n)
{
    uint64_t flags = irq_save();
    ensure_ldisc();
    ldisc_input(&ldisc, bytes, n);
    sched_wakeup(&ldisc);
    irq_restore(flags);
}

bool console_readable(void)
{
    uint64_t flags = irq_save();
    ensure_ldisc();
    bool r = ldisc_readable(&ldisc);
    irq_restore(flags);
    return r;
}

long console_read(void *buf, size_t n, bool nonblock)
{
    uint64_t flags = irq_save();
    ensure_ldisc();
    long got;
    while ((got = ldisc_read(&ldisc, buf, n)) == -EAGAIN) {
        int err = sched_sleep_interruptible(&ldisc, nonblock);
        if (err) {
            got = err;
            break;
        }
    }
    irq_restore(flags);
    return got;
}

void console_set_mode(uint32_t ldisc_flags)
{
    uint64_t flags = irq_save();
    ensure_ldisc();
    ldisc_set_flags(&ldisc, ldisc_flags);
    sched_wakeup(&ldisc);
    irq_restore(flags);
}

uint32_t console_get_mode(void)
{
    ensure_ldisc();
    return ldisc.flags;
}

/* The terminal size TIOCGWINSZ reports: the one given for the serial
 * terminal (bootarg console_size=COLSxROWS or TIOCSWINSZ) when there is
 * one, else the screen console's, else 80x25. */
static uint16_t screen_rows, screen_cols;   /* 0: no screen console */
static uint16_t given_rows, given_cols;     /* 0: none given */

void console_get_size(uint16_t *rows, uint16_t *cols)
{
    uint64_t flags = irq_save();
    *rows = given_rows ? given_rows : screen_rows ? screen_rows : 25;
    *cols = given_rows ? given_cols : screen_rows ? screen_cols : 80;
    irq_restore(flags);
}

void console_set_size(uint16_t rows, uint16_t cols)
{
    uint64_t flags = irq_save();
    screen_rows = rows;
    screen_cols = cols;
    irq_restore(flags);
}

int console_set_given_size(uint16_t rows, uint16_t cols)
{
    if (rows < 1 || rows > CONSOLE_SIZE_MAX || cols < 1 || cols > CONSOLE_SIZE_MAX)
        return -EINVAL;
    uint64_t flags = irq_save();
    given_rows = rows;
    given_cols = cols;
    irq_restore(flags);
    return 0;
}

void console_set_foreground(int pid)
{
    foreground_pid = pid;
}

int console_get_foreground(void)
{
    return foreground_pid;
}
