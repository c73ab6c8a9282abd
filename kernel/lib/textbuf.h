/*
 * kernel/lib/textbuf.h — building text in a fixed buffer with printf-style
 * appends (fmt.c underneath). Overflow is recorded, never silent: the text
 * stops at the capacity and `truncated` says so.
 */
#ifndef KERNEL_TEXTBUF_H
#define KERNEL_TEXTBUF_H

#include <stdbool.h>
#include <stddef.h>

struct textbuf {
    char *buf;
    size_t cap, len;
    bool truncated;
};

__attribute__((format(printf, 2, 3)))
void tb_printf(struct textbuf *tb, const char *fmt, ...);

#endif
