/*
 * kernel/lib/fmt.h — printf-style formatting, independent of where text goes.
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %%, length modifiers hh h l ll z,
 * flags '-' (left-align) '0' (zero-pad) '+' ' ', a field width and a
 * precision (digits or '*'); precision on %s limits the bytes read. %p prints
 * 0x followed by 16 hex digits. Unknown conversions are printed verbatim.
 * The engine is pure: the kernel console, snprintf and the user libc all
 * sit on fmt_vformat(). Returns the number of characters produced.
 */
#ifndef KERNEL_FMT_H
#define KERNEL_FMT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*fmt_putc_fn)(void *ctx, char c);

int fmt_vformat(fmt_putc_fn put, void *ctx, const char *fmt, va_list ap);

/* Like C's vsnprintf: always NUL-terminates when size > 0; returns the length
 * the full output would have had. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
__attribute__((format(printf, 3, 4)))
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...);

#endif
