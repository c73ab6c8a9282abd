/*
 * tests/unit/check.h — the tiny framework every host unit test uses.
 *
 * A test file defines functions with TEST(name) and lists them in main()
 * through RUN(name). CHECK(cond) records a failure (with file:line and the
 * expression) and carries on; CHECK_EQ compares two integers and prints both.
 * Each test prints one line, "ok   <file>:<name>" or "FAIL <file>:<name>",
 * and check_summary() returns the process exit status (0 = all passed).
 * tests/run_tests.py counts those lines; the binaries run under ASan/UBSan.
 *
 * Also what every test shares rather than copies: random inputs that are
 * the same in every run (check_rng, check_rng_seed, check_rng_below; one
 * splitmix64 stream per binary, kernel/lib/splitmix64.h, which a test may
 * also run on a state of its own), and panic(), which kernel code under
 * test calls on invalid use (double free, bad address): EXPECT_PANIC
 * catches an expected one, any other is reported and aborts the binary.
 */
#ifndef TESTS_UNIT_CHECK_H
#define TESTS_UNIT_CHECK_H

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/lib/splitmix64.h"

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

/* splitmix64 from a fixed seed: random test inputs that are the same in
 * every run, so a failure reproduces. One stream per test binary; a test
 * that wants its own sequence restarts it with check_rng_seed. */
static uint64_t check_rng_state;
static inline void check_rng_seed(uint64_t seed)
{
    check_rng_state = seed;
}
static inline uint64_t check_rng(void)
{
    return splitmix64_next(&check_rng_state);
}
/* Uniform enough in [0, n) for tests; 0 when n is 0. */
static inline uint64_t check_rng_below(uint64_t n)
{
    return n ? check_rng() % n : 0;
}

/* ---- panic() for kernel code under test ---------------------------------- */

static jmp_buf panic_jmp;
static int panic_armed;
static char panic_msg[512];

/* Records the message; longjmps back into EXPECT_PANIC when one is
 * waiting, else reports it and aborts (stdout may be a pipe, so it is
 * flushed first). Defined in every test binary: the one panic() the
 * kernel sources see on the host. */
void panic(const char *fmt, ...);
void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(panic_msg, sizeof(panic_msg), fmt, ap);
    va_end(ap);
    if (panic_armed) {
        panic_armed = 0;
        longjmp(panic_jmp, 1);
    }
    printf("     unexpected panic: %s\n", panic_msg);
    fflush(stdout);
    abort();
}

/* stmt must panic with a message containing substr. */
#define EXPECT_PANIC(stmt, substr)                                          \
    do {                                                                    \
        panic_msg[0] = 0;                                                   \
        if (setjmp(panic_jmp) == 0) {                                       \
            panic_armed = 1;                                                \
            stmt;                                                           \
            panic_armed = 0;                                                \
            printf("     %s:%d: no panic from %s\n", __FILE__, __LINE__,    \
                   #stmt);                                                  \
            check_failed_in_test++;                                         \
        } else if (!strstr(panic_msg, (substr))) {                          \
            printf("     %s:%d: panic \"%s\" lacks \"%s\"\n", __FILE__,     \
                   __LINE__, panic_msg, (substr));                          \
            check_failed_in_test++;                                         \
        }                                                                   \
    } while (0)

static inline int check_summary(void)
{
    return check_failed_tests ? 1 : 0;
}

#endif
