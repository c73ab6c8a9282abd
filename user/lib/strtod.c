/*
 * user/lib/strtod.c — strtod/atof for decimal input: optional sign, digits,
 * an optional fraction and an optional exponent (e/E, signed). No hex
 * floats, infinities or NaNs (the programs here read durations and
 * frequencies). *end points past what was used, or at s when nothing was.
 * Accurate to the last bit or two, not correctly rounded.
 */
#include <ctype.h>
#include <stdlib.h>

double strtod(const char *s, char **end)
{
    const char *p = s;
    while (isspace((unsigned char)*p))
        p++;
    double sign = 1;
    if (*p == '+' || *p == '-')
        sign = *p++ == '-' ? -1 : 1;
    double v = 0;
    int digits = 0;
    while (isdigit((unsigned char)*p)) {
        v = v * 10 + (*p++ - '0');
        digits++;
    }
    if (*p == '.') {
        p++;
        double scale = 0.1;
        while (isdigit((unsigned char)*p)) {
            v += (*p++ - '0') * scale;
            scale /= 10;
            digits++;
        }
    }
    if (!digits) {
        if (end)
            *end = (char *)s;
        return 0;
    }
    if (*p == 'e' || *p == 'E') {
        const char *q = p + 1;
        int esign = 1, e = 0;
        if (*q == '+' || *q == '-')
            esign = *q++ == '-' ? -1 : 1;
        if (isdigit((unsigned char)*q)) {
            while (isdigit((unsigned char)*q) && e < 400)
                e = e * 10 + (*q++ - '0');
            while (isdigit((unsigned char)*q))
                q++;
            for (; e > 0; e--)
                v = esign > 0 ? v * 10 : v / 10;
            p = q;
        }
    }
    if (end)
        *end = (char *)p;
    return sign * v;
}

double atof(const char *s)
{
    return strtod(s, NULL);
}
