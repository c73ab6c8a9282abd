/*
 * kernel/console.h — kernel text output and serial input.
 *
 * kprintf() prints exactly what it is given; klog() prefixes each message
 * with the uptime "[    0.012345] ", like a log line. Output goes to the
 * UART once it is set up and to the SBI debug console before that. Input
 * bytes arrive from the UART interrupt into a ring; console_getc() sleeps
 * (wfi) until one is there. Safe to call from interrupt handlers.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

__attribute__((format(printf, 1, 2))) int kprintf(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) int klog(const char *fmt, ...);
int kvprintf(const char *fmt, va_list ap);
void console_write(const char *s, size_t n);

/* Called by the UART driver (interrupt context) for each received byte. */
void console_input(char c);
/* Blocking read of one input byte. */
int console_getc(void);

#endif
