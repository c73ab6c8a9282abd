/*
 * tests/unit/panic_catch.h — the host tests' panic(): kernel code under
 * test calls panic() on invalid use (double free, bad address); here it
 * records the message and longjmps back into the test when the test
 * expects it (EXPECT_PANIC), and otherwise reports it and aborts.
 * Include once per test program, after tests/unit/check.h.
 */
#ifndef TESTS_UNIT_PANIC_CATCH_H
#define TESTS_UNIT_PANIC_CATCH_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static jmp_buf panic_jmp;
static int panic_armed;
static char panic_msg[512];

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
    /* Not expected by the running test: report and crash (stdout may be a
     * pipe, so flush before abort discards the buffer). */
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

#endif
