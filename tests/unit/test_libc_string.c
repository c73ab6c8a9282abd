/*
 * tests/unit/test_libc_string.c — user/lib/string.c and ctype.c against
 * the host C library on random inputs (the host's answers are the
 * expected ones; comparisons are checked by sign only, as C specifies).
 *
 * The user libc is linked in renamed: ulibc_strlen is the libc's strlen
 * (test_libc_names.h says how, test_libc_host.h declares them).
 */
#define _POSIX_C_SOURCE 200809L  /* the host's strnlen, strtok_r, strndup */
#include "tests/unit/check.h"
#include "tests/unit/test_libc_host.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <strings.h>

static int sign(int v) { return (v > 0) - (v < 0); }

/* A random string over a small alphabet (so searches hit), with bytes
 * >= 128 mixed in to catch signed-char comparisons. */
static void random_string(char *s, size_t max)
{
    static const char alphabet[] = "abcAB \t\xe9\xff";
    size_t n = (size_t)rand() % max;
    for (size_t i = 0; i < n; i++)
        s[i] = alphabet[rand() % (sizeof alphabet - 1)];
    s[n] = '\0';
}

TEST(memory_functions)
{
    srand(1);
    static unsigned char src[300], a[300], b[300];
    int bad = 0;
    for (int round = 0; round < 3000; round++) {
        for (size_t i = 0; i < sizeof src; i++)
            src[i] = (unsigned char)rand();
        size_t off1 = (size_t)rand() % 17, off2 = (size_t)rand() % 17;
        size_t n = (size_t)rand() % 250;
        memcpy(a, src, sizeof a);
        memcpy(b, src, sizeof b);
        /* memcpy with every alignment pairing */
        ulibc_memcpy(a + off1, src + off2, n);
        memcpy(b + off1, src + off2, n);
        bad += memcmp(a, b, sizeof a) != 0;
        /* memmove, overlapping both ways */
        ulibc_memmove(a + off1, a + off2, n);
        memmove(b + off1, b + off2, n);
        bad += memcmp(a, b, sizeof a) != 0;
        int c = rand() % 256;
        ulibc_memset(a + off2, c, n);
        memset(b + off2, c, n);
        bad += memcmp(a, b, sizeof a) != 0;
        /* memcmp: equal prefix, then a difference somewhere (or none) */
        memcpy(a, src, sizeof a);
        memcpy(b, src, sizeof b);
        if (n && rand() % 2)
            b[off1 + (size_t)rand() % n] ^= (unsigned char)(1 + rand() % 255);
        bad += sign(ulibc_memcmp(a + off1, b + off1, n)) != sign(memcmp(a + off1, b + off1, n));
        bad += ulibc_memchr(a + off1, c, n) != memchr(a + off1, c, n);
    }
    CHECK_EQ(bad, 0);
    CHECK(ulibc_memmove(a, a, 10) == a);
}

TEST(string_functions)
{
    srand(2);
    char s1[64], s2[64], d1[200], d2[200], *save1, *save2;
    int bad = 0;
    for (int round = 0; round < 5000; round++) {
        random_string(s1, 40);
        random_string(s2, 6);
        size_t n = (size_t)rand() % 50;
        int c = "abc\xe9\0"[rand() % 5];
        bad += ulibc_strlen(s1) != strlen(s1);
        bad += ulibc_strnlen(s1, n) != strnlen(s1, n);
        bad += sign(ulibc_strcmp(s1, s2)) != sign(strcmp(s1, s2));
        bad += sign(ulibc_strcmp(s1, s1)) != 0;
        bad += sign(ulibc_strncmp(s1, s2, n)) != sign(strncmp(s1, s2, n));
        bad += sign(ulibc_strcasecmp(s1, s2)) != sign(strcasecmp(s1, s2));
        bad += sign(ulibc_strncasecmp(s1, s2, n)) != sign(strncasecmp(s1, s2, n));
        bad += ulibc_strchr(s1, c) != strchr(s1, c);
        bad += ulibc_strrchr(s1, c) != strrchr(s1, c);
        bad += ulibc_strstr(s1, s2) != strstr(s1, s2);
        bad += ulibc_strspn(s1, s2) != strspn(s1, s2);
        bad += ulibc_strcspn(s1, s2) != strcspn(s1, s2);
        bad += ulibc_strpbrk(s1, s2) != strpbrk(s1, s2);

        memset(d1, 'x', sizeof d1);
        memset(d2, 'x', sizeof d2);
        ulibc_strncpy(d1, s1, n);
        strncpy(d2, s1, n);
        bad += memcmp(d1, d2, sizeof d1) != 0;
        ulibc_strcpy(d1, s1);
        strcpy(d2, s1);
        ulibc_strcat(d1, s2);
        strcat(d2, s2);
        ulibc_strncat(d1, s1, n);
        strncat(d2, s1, n);
        bad += memcmp(d1, d2, sizeof d1) != 0;

        char *dup = ulibc_strdup(s1);
        bad += strcmp(dup, s1) != 0;
        free(dup);
        dup = ulibc_strndup(s1, n);
        bad += strncmp(dup, s1, n) != 0 || strlen(dup) != strnlen(s1, n);
        free(dup);

        /* strtok_r splits the same way as the host's */
        strcpy(d1, s1);
        strcpy(d2, s1);
        char *t1 = ulibc_strtok_r(d1, " \t", &save1);
        char *t2 = strtok_r(d2, " \t", &save2);
        while (t1 && t2) {
            bad += t1 - d1 != t2 - d2;
            t1 = ulibc_strtok_r(NULL, " \t", &save1);
            t2 = strtok_r(NULL, " \t", &save2);
        }
        bad += (t1 == NULL) != (t2 == NULL);
    }
    CHECK_EQ(bad, 0);
    CHECK(ulibc_strstr("abc", "") != NULL);
    CHECK(ulibc_strchr("abc", '\0') != NULL);
}

TEST(ctype_matches_c_locale)
{
    int bad = 0;
    for (int c = -1; c < 256; c++) {       /* -1 is EOF */
        bad += !ulibc_isalpha(c) != !isalpha(c);
        bad += !ulibc_isdigit(c) != !isdigit(c);
        bad += !ulibc_isalnum(c) != !isalnum(c);
        bad += !ulibc_isspace(c) != !isspace(c);
        bad += !ulibc_isupper(c) != !isupper(c);
        bad += !ulibc_islower(c) != !islower(c);
        bad += !ulibc_isprint(c) != !isprint(c);
        bad += !ulibc_isgraph(c) != !isgraph(c);
        bad += !ulibc_ispunct(c) != !ispunct(c);
        bad += !ulibc_iscntrl(c) != !iscntrl(c);
        bad += !ulibc_isxdigit(c) != !isxdigit(c);
        bad += !ulibc_isblank(c) != !isblank(c);
        bad += ulibc_toupper(c) != toupper(c);
        bad += ulibc_tolower(c) != tolower(c);
    }
    CHECK_EQ(bad, 0);
}

TEST(strerror_names_errors)
{
    CHECK_STR(ulibc_strerror(ENOENT), "No such file or directory");
    CHECK_STR(ulibc_strerror(0), "Success");
    CHECK_STR(ulibc_strerror(9999), "Unknown error");
    CHECK_STR(ulibc_strerror(-1), "Unknown error");
    CHECK_STR(ulibc_strerror(EUCLEAN), "File system needs cleaning");
}

int main(void)
{
    RUN(memory_functions);
    RUN(string_functions);
    RUN(ctype_matches_c_locale);
    RUN(strerror_names_errors);
    return check_summary();
}
