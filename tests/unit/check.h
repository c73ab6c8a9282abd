/*
 * tests/unit/check.h — the tiny framework every host unit test uses.
 *
 * A test file defines functions with TEST(name) and lists them in main()
 * through RUN(name). CHECK(cond) records a failure (with file:line and the
 * expression) and carries on; CHECK_EQ compares two integers and prints both.
 * Each test prints one line, "ok   <file>:<name>" or "FAIL <file>:<name>",
 * and check_summary() returns the process exit status (0 = all passed).
 * tests/run_tests.py counts those lines; the binaries run under ASan/UBSan.
 */
#ifndef TESTS_UNIT_CHECK_H
#define TESTS_UNIT_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failed_in_test;
static int check_passed_tests, check_failed_tests;

#define TEST(name) static void test_##name(void)

#define CHECK(cond)                                                         \
    do {                                                                    \
        if (!(cond)) {                                                      \
            printf("     %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__,    \
                   #cond);                                                  \
            check_failed_in_test++;                                         \
        }                                                                   \
    } while (0)

#define CHECK_EQ(a, b)                                                      \
    do {                                                                    \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);     \
        if (check_a_ != check_b_) {                                         \
            printf("     %s:%d: %s == %lld, expected %s == %lld\n",         \
                   __FILE__, __LINE__, #a, check_a_, #b, check_b_);         \
            check_failed_in_test++;                                         \
        }                                                                   \
    } while (0)

#define CHECK_STR(a, b)                                                     \
    do {                                                                    \
        const char *check_a_ = (a), *check_b_ = (b);                        \
        if (strcmp(check_a_, check_b_) != 0) {                              \
            printf("     %s:%d: %s is \"%s\", expected \"%s\"\n",           \
                   __FILE__, __LINE__, #a, check_a_, check_b_);             \
            check_failed_in_test++;                                         \
        }                                                                   \
    } while (0)

#define RUN(name)                                                           \
    do {                                                                    \
        check_failed_in_test = 0;                                           \
        test_##name();                                                      \
        if (check_failed_in_test) {                                         \
            check_failed_tests++;                                           \
            printf("FAIL %s:%s\n", check_basename(__FILE__), #name);        \
        } else {                                                            \
            check_passed_tests++;                                           \
            printf("ok   %s:%s\n", check_basename(__FILE__), #name);        \
        }                                                                   \
        fflush(stdout);                                                     \
    } while (0)

static inline const char *check_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* A file make built, by its path under the build directory: build/REL, or
 * $BADAPPLE_BUILD/REL (make sets it to its BUILD, e.g. build-llvm). The
 * result lives until four more calls. */
static inline const char *build_file(const char *rel)
{
    static char paths[4][512];
    static unsigned next;
    const char *dir = getenv("BADAPPLE_BUILD");
    char *p = paths[next++ % 4];
    snprintf(p, sizeof paths[0], "%s/%s", dir && *dir ? dir : "build", rel);
    return p;
}

/* xorshift64 with a fixed seed: random test inputs that are the same in
 * every run, so a failure reproduces. One stream per test binary. */
static uint64_t check_rng_state = 0x9e3779b97f4a7c15ull;
static inline uint64_t check_rng(void)
{
    check_rng_state ^= check_rng_state << 13;
    check_rng_state ^= check_rng_state >> 7;
    check_rng_state ^= check_rng_state << 17;
    return check_rng_state;
}

static inline int check_summary(void)
{
    return check_failed_tests ? 1 : 0;
}

#endif
