/*
 * user/lib/strtol.c — string to integer conversions and abs().
 *
 * One parser (parse_magnitude) serves all four strto* functions: optional
 * white space, optional sign, the base prefix (0x for 16; base 0 picks 16,
 * 8 or 10 from the prefix), then digits. Out-of-range results are clamped
 * and set errno to ERANGE; a bad base sets EINVAL. *end gets the first
 * unparsed byte, or s itself when no digits were found (so "0x" alone
 * parses as 0 with *end at the 'x'). long and long long are both 64 bits.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

static int digit_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

/* Returns the magnitude (UINT64_MAX with *overflow set if it does not fit
 * in 64 bits); *negative tells whether a '-' came first. */
static uint64_t parse_magnitude(const char *s, char **end, int base,
                                bool *negative, bool *overflow)
{
    const char *p = s;
    *negative = false;
    *overflow = false;
    if (end)
        *end = (char *)s;
    if (base < 0 || base == 1 || base > 36) {
        errno = EINVAL;
        return 0;
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '+' || *p == '-')
        *negative = *p++ == '-';
    /* A 0x prefix counts only when a hex digit follows it. */
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')
        && digit_value((unsigned char)p[2]) < 16) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }

    uint64_t value = 0;
    const char *digits = p;
    int d;
    while ((d = digit_value((unsigned char)*p)) < base) {
        if (value > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            *overflow = true;
        else
            value = value * (uint64_t)base + (uint64_t)d;
        p++;
    }
    if (p == digits)
        return 0;       /* no digits: *end stays at s */
    if (end)
        *end = (char *)p;
    return *overflow ? UINT64_MAX : value;
}

long long strtoll(const char *restrict s, char **restrict end, int base)
{
    bool negative, overflow;
    uint64_t mag = parse_magnitude(s, end, base, &negative, &overflow);
    if (negative) {
        if (overflow || mag > (uint64_t)LLONG_MAX + 1) {
            errno = ERANGE;
            return LLONG_MIN;
        }
        /* -mag in unsigned arithmetic: LLONG_MIN has no positive twin. */
        return (long long)(0 - mag);
    }
    if (overflow || mag > (uint64_t)LLONG_MAX) {
        errno = ERANGE;
        return LLONG_MAX;
    }
    return (long long)mag;
}

/* C's rule: a '-' negates the value in the unsigned type ("-1" is the
 * maximum), but a magnitude that overflows still clamps to the maximum. */
unsigned long long strtoull(const char *restrict s, char **restrict end, int base)
{
    bool negative, overflow;
    uint64_t mag = parse_magnitude(s, end, base, &negative, &overflow);
    if (overflow) {
        errno = ERANGE;
        return ULLONG_MAX;
    }
    return negative ? 0 - mag : mag;
}

long strtol(const char *restrict s, char **restrict end, int base)
{
    _Static_assert(sizeof(long) == sizeof(long long), "LP64 only");
    return (long)strtoll(s, end, base);
}

unsigned long strtoul(const char *restrict s, char **restrict end, int base)
{
    return (unsigned long)strtoull(s, end, base);
}

int atoi(const char *s)
{
    return (int)strtol(s, NULL, 10);
}

long atol(const char *s)
{
    return strtol(s, NULL, 10);
}

int abs(int v) { return v < 0 ? -v : v; }
long labs(long v) { return v < 0 ? -v : v; }
long long llabs(long long v) { return v < 0 ? -v : v; }
