/*
 * kernel/console.c — see console.h. Writes are done with interrupts off so a
 * log line from an interrupt handler never lands inside another line.
 */
#include "kernel/console.h"

#include "kernel/fmt.h"
#include "kernel/riscv.h"
#include "kernel/ringbuf.h"
#include "kernel/sbi.h"
#include "kernel/timer.h"
#include "kernel/uart16550.h"

static uint8_t input_storage[256];
static struct ringbuf input = { input_storage, sizeof input_storage, 0, 0 };

static void put_raw(void *ctx, char c)
{
    (void)ctx;
    if (c == '\n')
        put_raw(ctx, '\r');
    if (uart_ready())
        uart_putc(c);
    else
        sbi_debug_putchar(c);
}

void console_write(const char *s, size_t n)
{
    uint64_t flags = irq_save();
    for (size_t i = 0; i < n; i++)
        put_raw(NULL, s[i]);
    irq_restore(flags);
}

int kvprintf(const char *fmt, va_list ap)
{
    uint64_t flags = irq_save();
    int n = fmt_vformat(put_raw, NULL, fmt, ap);
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

static int kprintf_unlocked(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vformat(put_raw, NULL, fmt, ap);
    va_end(ap);
    return n;
}

int klog(const char *fmt, ...)
{
    uint64_t us = uptime_us();
    uint64_t flags = irq_save();
    int n = kprintf_unlocked("[%5lu.%06lu] ", us / 1000000, us % 1000000);
    va_list ap;
    va_start(ap, fmt);
    n += fmt_vformat(put_raw, NULL, fmt, ap);
    va_end(ap);
    irq_restore(flags);
    return n;
}

void console_input(char c)
{
    /* A full ring drops the newest byte: nothing already typed is lost. */
    ringbuf_put(&input, (uint8_t)c);
}

int console_getc(void)
{
    uint64_t flags = irq_save();
    int c;
    /* wfi with interrupts masked still wakes on a pending interrupt; the
     * brief unmask lets the handler run, so no wakeup is missed. */
    while ((c = ringbuf_get(&input)) < 0) {
        wfi();
        csr_set(sstatus, SSTATUS_SIE);
        csr_clear(sstatus, SSTATUS_SIE);
    }
    irq_restore(flags);
    return c;
}
