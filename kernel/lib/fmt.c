/*
 * kernel/lib/fmt.c — the formatting engine behind every printf in the system.
 * See fmt.h for the supported conversions. No allocation, no libc: each
 * character goes through the caller's put() callback, so the same code
 * serves the UART, the on-screen console, string buffers and user space.
 */
#include "kernel/lib/fmt.h"

#include <stdbool.h>
#include <stdint.h>

struct spec {
    bool left, zero, plus, space;
    int width;      /* 0 = none */
    int precision;  /* -1 = none */
};

struct out {
    fmt_putc_fn put;
    void *ctx;
    int count;
};

static void emit(struct out *o, char c)
{
    o->put(o->ctx, c);
    o->count++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        emit(o, c);
}

/* Print an already-converted number: sign/prefix, then digits in reverse. */
static void emit_number(struct out *o, const struct spec *s, const char *prefix,
                        const char *rev_digits, int ndigits)
{
    int plen = 0;
    while (prefix[plen])
        plen++;
    int zeros = 0;
    if (s->precision >= 0 && s->precision > ndigits)
        zeros = s->precision - ndigits;
    int body = plen + zeros + ndigits;
    int fill = s->width > body ? s->width - body : 0;
    /* A precision turns off zero-padding, as in C. */
    bool zero_pad = s->zero && !s->left && s->precision < 0;

    if (!s->left && !zero_pad)
        pad(o, ' ', fill);
    for (int i = 0; i < plen; i++)
        emit(o, prefix[i]);
    if (zero_pad)
        pad(o, '0', fill);
    pad(o, '0', zeros);
    for (int i = ndigits - 1; i >= 0; i--)
        emit(o, rev_digits[i]);
    if (s->left)
        pad(o, ' ', fill);
}

static void format_unsigned(struct out *o, const struct spec *s, uint64_t v,
                            unsigned base, bool upper, const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[24];
    int n = 0;
    /* C prints nothing for a zero value with precision 0. */
    if (!(v == 0 && s->precision == 0)) {
        do {
            buf[n++] = digits[v % base];
            v /= base;
        } while (v);
    }
    emit_number(o, s, prefix, buf, n);
}

static void format_signed(struct out *o, const struct spec *s, int64_t v)
{
    const char *prefix = "";
    /* Negate in unsigned arithmetic: INT64_MIN has no positive twin. */
    uint64_t mag = (uint64_t)v;
    if (v < 0) {
        mag = -mag;
        prefix = "-";
    } else if (s->plus) {
        prefix = "+";
    } else if (s->space) {
        prefix = " ";
    }
    format_unsigned(o, s, mag, 10, false, prefix);
}

static void format_string(struct out *o, const struct spec *s, const char *str)
{
    if (!str)
        str = "(null)";
    int len = 0;
    while ((s->precision < 0 || len < s->precision) && str[len])
        len++;
    int fill = s->width > len ? s->width - len : 0;
    if (!s->left)
        pad(o, ' ', fill);
    for (int i = 0; i < len; i++)
        emit(o, str[i]);
    if (s->left)
        pad(o, ' ', fill);
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE };

/*
 * The flags, width and precision of a conversion, from p (just after the
 * '%'); a '*' takes them from the next int argument. Returns where the
 * length modifier (or the conversion character) starts.
 */
static const char *parse_spec(const char *p, va_list *args, struct spec *s)
{
    for (;; p++) {
        if (*p == '-') s->left = true;
        else if (*p == '0') s->zero = true;
        else if (*p == '+') s->plus = true;
        else if (*p == ' ') s->space = true;
        else break;
    }
    if (*p == '*') {
        s->width = va_arg(*args, int);
        if (s->width < 0) {
            s->left = true;
            s->width = -s->width;
        }
        p++;
    } else {
        while (*p >= '0' && *p <= '9')
            s->width = s->width * 10 + (*p++ - '0');
    }
    if (*p == '.') {
        p++;
        s->precision = 0;
        if (*p == '*') {
            s->precision = va_arg(*args, int);
            if (s->precision < 0)
                s->precision = -1;
            p++;
        } else {
            while (*p >= '0' && *p <= '9')
                s->precision = s->precision * 10 + (*p++ - '0');
        }
    }
    return p;
}

/* The length modifier at p (hh h l ll z, or none); returns the conversion
 * character's place. */
static const char *parse_length(const char *p, enum length *len)
{
    *len = LEN_INT;
    if (*p == 'h') {
        *len = LEN_SHORT;
        if (*++p == 'h') { *len = LEN_CHAR; p++; }
    } else if (*p == 'l') {
        *len = LEN_LONG;
        if (*++p == 'l') { *len = LEN_LLONG; p++; }
    } else if (*p == 'z') {
        *len = LEN_SIZE;
        p++;
    }
    return p;
}

/* The next argument of a signed conversion, read as its length says. */
static int64_t signed_arg(va_list *args, enum length len)
{
    switch (len) {
    case LEN_LONG: return va_arg(*args, long);
    case LEN_LLONG: return va_arg(*args, long long);
    case LEN_SIZE: return (int64_t)va_arg(*args, size_t);
    case LEN_SHORT: return (short)va_arg(*args, int);
    case LEN_CHAR: return (signed char)va_arg(*args, int);
    default: return va_arg(*args, int);
    }
}

/* The next argument of an unsigned conversion, read as its length says. */
static uint64_t unsigned_arg(va_list *args, enum length len)
{
    switch (len) {
    case LEN_LONG: return va_arg(*args, unsigned long);
    case LEN_LLONG: return va_arg(*args, unsigned long long);
    case LEN_SIZE: return va_arg(*args, size_t);
    case LEN_SHORT: return (unsigned short)va_arg(*args, unsigned);
    case LEN_CHAR: return (unsigned char)va_arg(*args, unsigned);
    default: return va_arg(*args, unsigned);
    }
}

static void format_char(struct out *o, const struct spec *s, char c)
{
    int fill = s->width > 1 ? s->width - 1 : 0;
    if (!s->left) pad(o, ' ', fill);
    emit(o, c);
    if (s->left) pad(o, ' ', fill);
}

/*
 * Prints the conversion whose character is at p (start: its '%'). Returns
 * where the caller's scan goes on from: p, or p - 1 when the format ended
 * in the middle of a conversion.
 */
static const char *convert(struct out *o, const struct spec *s, enum length len,
                           const char *start, const char *p, va_list *args)
{
    switch (*p) {
    case 'd':
    case 'i':
        format_signed(o, s, signed_arg(args, len));
        break;
    case 'u':
    case 'x':
    case 'X':
    case 'o': {
        uint64_t v = unsigned_arg(args, len);
        unsigned base = *p == 'o' ? 8 : *p == 'u' ? 10 : 16;
        format_unsigned(o, s, v, base, *p == 'X', "");
        break;
    }
    case 'p': {
        uintptr_t v = (uintptr_t)va_arg(*args, void *);
        struct spec ps = *s;
        ps.precision = 2 * (int)sizeof(void *);
        ps.zero = false;
        format_unsigned(o, &ps, v, 16, false, "0x");
        break;
    }
    case 's':
        format_string(o, s, va_arg(*args, const char *));
        break;
    case 'c':
        format_char(o, s, (char)va_arg(*args, int));
        break;
    case '%':
        emit(o, '%');
        break;
    default:
        /* Unknown or truncated conversion: show it as written. */
        for (const char *q = start; q <= p && *q; q++)
            emit(o, *q);
        if (!*p)
            p--;
        break;
    }
    return p;
}

int fmt_vformat(fmt_putc_fn put, void *ctx, const char *fmt, va_list ap)
{
    struct out o = { put, ctx, 0 };
    /* va_list may be an array type; copy so we can pass its address around. */
    va_list args;
    va_copy(args, ap);

    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            emit(&o, *p);
            continue;
        }
        const char *start = p++;
        struct spec s = { false, false, false, false, 0, -1 };
        enum length len;
        p = parse_spec(p, &args, &s);
        p = parse_length(p, &len);
        p = convert(&o, &s, len, start, p, &args);
    }
    va_end(args);
    return o.count;
}

struct strbuf {
    char *buf;
    size_t size, len;
};

static void strbuf_put(void *ctx, char c)
{
    struct strbuf *b = ctx;
    if (b->len + 1 < b->size)
        b->buf[b->len] = c;
    b->len++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct strbuf b = { buf, size, 0 };
    int n = fmt_vformat(strbuf_put, &b, fmt, ap);
    if (size > 0)
        buf[b.len < size ? b.len : size - 1] = '\0';
    return n;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
