/*
 * tests/unit/test_libc_stdlib.c — user/lib/strtol.c, qsort.c and getopt.c:
 * string-to-integer edge cases (bases 0/8/10/16/36, signs, prefixes,
 * overflow clamping with ERANGE, where *end points) checked against the
 * host's strto* on the same inputs; qsort and bsearch against the host's
 * results on random arrays; getopt on fixed argument vectors.
 *
 * The user libc is linked in renamed (test_libc_names.h); ulibc_errno is
 * its errno.
 */
#include "tests/unit/check.h"
#include "tests/unit/test_libc_host.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

/* Parses s both ways and compares value, *end and errno. */
static int strto_same(const char *s, int base)
{
    char *e1, *e2;
    int bad = 0;

    ulibc_errno = 0;
    errno = 0;
    long v1 = ulibc_strtol(s, &e1, base), v2 = strtol(s, &e2, base);
    if (v1 != v2 || e1 != e2 || ulibc_errno != errno) {
        printf("     strtol(\"%s\", %d): %ld end+%td errno %d, host %ld end+%td errno %d\n",
               s, base, v1, e1 - s, ulibc_errno, v2, e2 - s, errno);
        bad++;
    }
    ulibc_errno = 0;
    errno = 0;
    unsigned long u1 = ulibc_strtoul(s, &e1, base), u2 = strtoul(s, &e2, base);
    if (u1 != u2 || e1 != e2 || ulibc_errno != errno) {
        printf("     strtoul(\"%s\", %d): %lu end+%td errno %d, host %lu end+%td errno %d\n",
               s, base, u1, e1 - s, ulibc_errno, u2, e2 - s, errno);
        bad++;
    }
    ulibc_errno = 0;
    errno = 0;
    long long ll1 = ulibc_strtoll(s, &e1, base), ll2 = strtoll(s, &e2, base);
    unsigned long long ull1 = ulibc_strtoull(s, NULL, base), ull2 = strtoull(s, NULL, base);
    if (ll1 != ll2 || e1 != e2 || ull1 != ull2) {
        printf("     strtoll/strtoull(\"%s\", %d) differ\n", s, base);
        bad++;
    }
    return bad;
}

TEST(strtol_matches_host)
{
    static const char *const inputs[] = {
        "0", "1", "-1", "+1", "  42", "\t\n -17xyz", "", "   ", "-", "+", "x",
        "0x", "0X1f", "0xg", "-0x10", "0x7fffffffffffffff", "0x8000000000000000",
        "0xffffffffffffffff", "0x10000000000000000", "010", "08", "0777", "-010",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "-9223372036854775809", "18446744073709551615", "18446744073709551616",
        "-18446744073709551615", "-18446744073709551616",
        "99999999999999999999999999999", "-99999999999999999999999999999",
        "zz", "ZZ", "1z", "123abc", "0b101", "  +0x1A ", "--5", "+-5", "00000000000000000000001",
    };
    static const int bases[] = { 0, 8, 10, 16, 2, 36 };
    int bad = 0;
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
        for (size_t b = 0; b < sizeof bases / sizeof bases[0]; b++)
            bad += strto_same(inputs[i], bases[b]);
    CHECK_EQ(bad, 0);
}

TEST(strtol_edge_cases_spelled_out)
{
    char *end;
    const char *s = "0x";
    ulibc_errno = 0;
    CHECK_EQ(ulibc_strtol(s, &end, 16), 0);
    CHECK(end == s + 1);                 /* the "0", not the "x" */
    s = "  -";
    CHECK_EQ(ulibc_strtol(s, &end, 10), 0);
    CHECK(end == s);                     /* no digits: end = start */
    s = "9223372036854775808";
    CHECK_EQ(ulibc_strtol(s, &end, 10), LONG_MAX);
    CHECK_EQ(ulibc_errno, ERANGE);
    CHECK(*end == '\0');                 /* all digits consumed anyway */
    ulibc_errno = 0;
    CHECK_EQ(ulibc_strtol("-9223372036854775809", NULL, 10), LONG_MIN);
    CHECK_EQ(ulibc_errno, ERANGE);
    ulibc_errno = 0;
    CHECK(ulibc_strtoul("-1", NULL, 10) == ULONG_MAX);
    CHECK_EQ(ulibc_errno, 0);
    CHECK_EQ(ulibc_strtol("777", NULL, 0), 777);
    CHECK_EQ(ulibc_strtol("0777", NULL, 0), 0777);
    CHECK_EQ(ulibc_strtol("0x777", NULL, 0), 0x777);
    CHECK_EQ(ulibc_strtol("z", NULL, 36), 35);
    ulibc_errno = 0;
    CHECK_EQ(ulibc_strtol("12", &end, 1), 0);
    CHECK_EQ(ulibc_errno, EINVAL);
    CHECK_EQ(ulibc_atoi("  -123abc"), -123);
}

static int compare_ints(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

struct record { int key; char payload[13]; };     /* an odd element size */

static int compare_records(const void *a, const void *b)
{
    return compare_ints(&((const struct record *)a)->key, &((const struct record *)b)->key);
}

TEST(qsort_and_bsearch_match_host)
{
    srand(3);
    static int a[2000], b[2000];
    static struct record ra[500], rb[500];
    int bad = 0;
    for (int round = 0; round < 200; round++) {
        size_t n = (size_t)rand() % 2000;
        int range = round % 2 ? 50 : 1000000;       /* many duplicates, or few */
        for (size_t i = 0; i < n; i++)
            a[i] = b[i] = rand() % range - range / 2;
        ulibc_qsort(a, n, sizeof a[0], compare_ints);
        qsort(b, n, sizeof b[0], compare_ints);
        bad += memcmp(a, b, n * sizeof a[0]) != 0;
        for (int k = 0; k < 20; k++) {
            int key = rand() % range - range / 2;
            int *found = ulibc_bsearch(&key, a, n, sizeof a[0], compare_ints);
            int *host = bsearch(&key, b, n, sizeof b[0], compare_ints);
            bad += (found == NULL) != (host == NULL);
            bad += found && *found != key;
        }
        /* Records: keys unique, so the sorted order is unique too. */
        size_t m = (size_t)rand() % 500;
        for (size_t i = 0; i < m; i++) {
            ra[i].key = (int)(i * 7919 % 500);
            memset(ra[i].payload, ra[i].key & 0x7f, sizeof ra[i].payload);
            rb[i] = ra[i];
        }
        ulibc_qsort(ra, m, sizeof ra[0], compare_records);
        qsort(rb, m, sizeof rb[0], compare_records);
        bad += memcmp(ra, rb, m * sizeof ra[0]) != 0;
    }
    CHECK_EQ(bad, 0);
    ulibc_qsort(NULL, 0, 4, compare_ints);   /* empty: no calls, no crash */
}

/* Runs getopt over argv, recording "c", "c=arg", "?c", ":c" per result,
 * then "|rest" with the operands left; compares with want. */
static void getopt_case(const char *optstring, const char *want, int n, ...)
{
    char *argv[16];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        argv[i] = va_arg(ap, char *);
    va_end(ap);
    argv[n] = NULL;
    char got[256] = "";
    ulibc_optind = 0;           /* restart */
    ulibc_opterr = 0;
    int c;
    while ((c = ulibc_getopt(n, argv, optstring)) != -1) {
        size_t len = strlen(got);
        if (c == '?' || c == ':')
            snprintf(got + len, sizeof got - len, "%c%c ", c, ulibc_optopt);
        else if (ulibc_optarg)
            snprintf(got + len, sizeof got - len, "%c=%s ", c, ulibc_optarg);
        else
            snprintf(got + len, sizeof got - len, "%c ", c);
    }
    strcat(got, "|");
    for (int i = ulibc_optind; i < n; i++) {
        strcat(got, argv[i]);
        strcat(got, " ");
    }
    CHECK_STR(got, want);
}

TEST(getopt_sequences)
{
    getopt_case("ab:c", "a b=x c |file ", 5, "prog", "-a", "-bx", "-c", "file");
    getopt_case("ab:c", "a b=x c |file ", 6, "prog", "-a", "-b", "x", "-c", "file");
    getopt_case("ab:c", "a c b=val |", 3, "prog", "-acb", "val");
    getopt_case("ab:c", "a c b=val |", 2, "prog", "-acbval");
    getopt_case("ab:c", "a |-c ", 4, "prog", "-a", "--", "-c");
    getopt_case("ab:c", "a |x -c ", 4, "prog", "-a", "x", "-c");  /* no permuting */
    getopt_case("ab:c", "a |- ", 3, "prog", "-a", "-");            /* "-" is an operand */
    getopt_case("ab:c", "a ?z c |", 3, "prog", "-az", "-c");
    getopt_case("ab:c", "a ?b |", 3, "prog", "-a", "-b");          /* missing argument */
    getopt_case(":ab:c", "a :b |", 3, "prog", "-a", "-b");         /* quiet mode */
    getopt_case("ab:c", "b=-a |", 3, "prog", "-b", "-a");          /* argument may start with - */
    getopt_case("a", "|", 1, "prog");
    getopt_case("a", "?: |", 2, "prog", "-:");                     /* ':' is never an option */
}

TEST(getopt_reports_errors_to_stderr)
{
    fake_reset();
    char *argv[] = { "prog", "-q", NULL };
    ulibc_optind = 0;
    ulibc_opterr = 1;
    CHECK_EQ(ulibc_getopt(2, argv, "a"), '?');
    CHECK_EQ(ulibc_optopt, 'q');
    CHECK_EQ(ulibc_optind, 2);
    fake_files[2].data[fake_files[2].size] = '\0';
    CHECK_STR((char *)fake_files[2].data, "prog: unknown option -q\n");
}

int main(void)
{
    RUN(strtol_matches_host);
    RUN(strtol_edge_cases_spelled_out);
    RUN(qsort_and_bsearch_match_host);
    RUN(getopt_sequences);
    RUN(getopt_reports_errors_to_stderr);
    return check_summary();
}
