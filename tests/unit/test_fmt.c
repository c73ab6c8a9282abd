/*
 * tests/unit/test_fmt.c — the printf engine (kernel/lib/fmt.c) against the host
 * C library's snprintf, which defines the expected output for every format.
 */
#include "tests/unit/check.h"
#include "kernel/lib/fmt.h"

#include <stdint.h>
#include <stdlib.h>

/* Odd-but-legal combinations ('-' with '0', '0' with a precision) are part of
 * what is tested; the compiler's advice about them is not wanted here. */
#pragma GCC diagnostic ignored "-Wformat"

static char got[256], want[256];

/* Formats with both engines and compares; the macro keeps argument types. */
#define SAME(...)                                                          \
    do {                                                                   \
        int n1 = fmt_snprintf(got, sizeof got, __VA_ARGS__);               \
        int n2 = snprintf(want, sizeof want, __VA_ARGS__);                 \
        CHECK_STR(got, want);                                              \
        CHECK_EQ(n1, n2);                                                  \
    } while (0)

TEST(integers)
{
    SAME("%d %i %u", 0, -1, 42u);
    SAME("%d", INT32_MIN);
    SAME("%d", INT32_MAX);
    SAME("%ld %lu", (long)INT64_MIN, (unsigned long)UINT64_MAX);
    SAME("%lld %llx", -1234567890123LL, 0xdeadbeefcafeULL);
    SAME("%zu %zx", (size_t)123456789, (size_t)0xabc);
    SAME("%hd %hhd %hu %hhu", (short)-5, (signed char)-7, (unsigned short)65535, (unsigned char)255);
    SAME("%x %X %o", 0xbeefu, 0xbeefu, 8u);
    SAME("%+d % d %+d", 5, 5, -5);
}

TEST(width_and_padding)
{
    SAME("[%5d][%-5d][%05d]", 42, 42, 42);
    SAME("[%05d][%-05d]", -42, -42);
    SAME("[%08x][%-8x|]", 0x1fu, 0x1fu);
    SAME("[%3d]", 123456);
    SAME("[%*d][%-*d]", 6, 7, 6, 7);
    SAME("[%*d]", -6, 7);
    SAME("[%.3d][%8.3d][%08.3d]", 7, 7, 7);
    SAME("[%.0d][%.0x]", 0, 0u);
    SAME("[%016lx]", 0x80200000UL);
}

TEST(strings_and_chars)
{
    SAME("[%s][%10s][%-10s]", "abc", "abc", "abc");
    SAME("[%.2s][%.*s][%5.1s]", "abcdef", 3, "abcdef", "xyz");
    SAME("[%c][%3c][%-3c]", 'x', 'y', 'z');
    SAME("100%%");
    char tiny[] = { 'a', 'b' }; /* not NUL-terminated: precision must stop reads */
    fmt_snprintf(got, sizeof got, "%.2s", tiny);
    CHECK_STR(got, "ab");
    const char *volatile null_str = NULL; /* hidden from the format checker */
    fmt_snprintf(got, sizeof got, "%s", null_str);
    CHECK_STR(got, "(null)");
}

TEST(pointers)
{
    void *p = (void *)0xffffffc080001000UL;
    fmt_snprintf(got, sizeof got, "%p", p);
    CHECK_STR(got, "0xffffffc080001000");
    fmt_snprintf(got, sizeof got, "%p", (void *)0x10);
    CHECK_STR(got, "0x0000000000000010");
    fmt_snprintf(got, sizeof got, "[%20p]", (void *)0x10);
    CHECK_STR(got, "[  0x0000000000000010]");
}

/* These formats are wrong on purpose; the compiler's format check agrees. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
TEST(unknown_and_truncated_conversions)
{
    fmt_snprintf(got, sizeof got, "a%qb");
    CHECK_STR(got, "a%qb");
    fmt_snprintf(got, sizeof got, "end%");
    CHECK_STR(got, "end%");
    fmt_snprintf(got, sizeof got, "end%5");
    CHECK_STR(got, "end%5");
}
#pragma GCC diagnostic pop

TEST(snprintf_bounds)
{
    char small[6];
    memset(small, 'Z', sizeof small);
    int n = fmt_snprintf(small, sizeof small, "hello world %d", 42);
    CHECK_EQ(n, 14);
    CHECK_STR(small, "hello");
    n = fmt_snprintf(small, 0, "abc");
    CHECK_EQ(n, 3);
    CHECK_EQ(small[0], 'h');  /* size 0 writes nothing */
    n = fmt_snprintf(small, 1, "abc");
    CHECK_EQ(small[0], '\0');
}

#pragma GCC diagnostic ignored "-Wformat-nonliteral"
TEST(random_against_libc)
{
    /* Random flags/width/precision/values for integer conversions. */
    srand(12345);
    const char *flags[] = { "", "-", "0", "+", " ", "-0", "+0" };
    const char *convs[] = { "d", "i", "u", "x", "X", "o", "ld", "lu", "lx", "lld" };
    for (int i = 0; i < 20000; i++) {
        char f[32];
        int w = rand() % 24, prec = rand() % 24 - 4;
        const char *fl = flags[rand() % 7], *cv = convs[rand() % 10];
        if (prec >= 0)
            snprintf(f, sizeof f, "%%%s%d.%d%s", fl, w, prec, cv);
        else
            snprintf(f, sizeof f, "%%%s%d%s", fl, w, cv);
        long long v = (long long)(((unsigned long long)rand() << 33) ^ ((unsigned long long)rand() << 2) ^ (unsigned)rand());
        if (rand() % 3 == 0) v = -v;
        if (rand() % 5 == 0) v = rand() % 10;
        int n1, n2;
        if (cv[0] == 'l' && cv[1] == 'l') {
            n1 = fmt_snprintf(got, sizeof got, f, v);
            n2 = snprintf(want, sizeof want, f, v);
        } else if (cv[0] == 'l') {
            n1 = fmt_snprintf(got, sizeof got, f, (long)v);
            n2 = snprintf(want, sizeof want, f, (long)v);
        } else {
            n1 = fmt_snprintf(got, sizeof got, f, (int)v);
            n2 = snprintf(want, sizeof want, f, (int)v);
        }
        if (strcmp(got, want) != 0 || n1 != n2) {
            printf("     format %s value %lld: got \"%s\" want \"%s\"\n", f, v, got, want);
            CHECK(0);
            break;
        }
    }
}

int main(void)
{
    RUN(integers);
    RUN(width_and_padding);
    RUN(strings_and_chars);
    RUN(pointers);
    RUN(unknown_and_truncated_conversions);
    RUN(snprintf_bounds);
    RUN(random_against_libc);
    return check_summary();
}
