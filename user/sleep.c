/*
 * user/sleep.c — sleep SECONDS: waits that long. SECONDS may have a
 * fraction ("0.25"); it is parsed by hand (the libc has no strtod) to
 * nanoseconds, digits past the ninth decimal ignored.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Parses "S[.FFF]" into *ts; false if it is not such a number. */
static int parse_duration(const char *s, struct timespec *ts)
{
    int64_t sec = 0, nsec = 0;
    const char *p = s;
    if (*p == '\0')
        return 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (sec > 1000000000)
            return 0;
        sec = sec * 10 + (*p - '0');
    }
    if (*p == '.') {
        int64_t scale = 100000000;
        for (p++; *p >= '0' && *p <= '9'; p++) {
            nsec += (*p - '0') * scale;
            scale /= 10;
        }
    }
    if (*p != '\0' || p == s || (p == s + 1 && *s == '.'))
        return 0;
    ts->tv_sec = sec;
    ts->tv_nsec = nsec;
    return 1;
}

int main(int argc, char **argv)
{
    struct timespec ts;
    if (argc != 2) {
        fprintf(stderr, "usage: sleep SECONDS\n");
        return 2;
    }
    if (!parse_duration(argv[1], &ts)) {
        fprintf(stderr, "sleep: invalid time interval '%s'\n", argv[1]);
        return 1;
    }
    while (nanosleep(&ts, &ts) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "sleep: %s\n", strerror(errno));
            return 1;
        }
    }
    return 0;
}
