/*
 * kernel/lib/textbuf.c — see textbuf.h.
 */
#include "kernel/lib/textbuf.h"

#include "kernel/lib/fmt.h"

static void tb_put(void *ctx, char c)
{
    struct textbuf *tb = ctx;
    if (tb->len < tb->cap)
        tb->buf[tb->len++] = c;
    else
        tb->truncated = true;
}

void tb_printf(struct textbuf *tb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fmt_vformat(tb_put, tb, fmt, ap);
    va_end(ap);
}
