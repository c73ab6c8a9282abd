/*
 * kernel/arch/panic.h — stop the machine on an unrecoverable kernel error.
 *
 * panic() prints "panic: <message>", the current task, a frame-pointer
 * backtrace with function names, then powers the machine off with a failure
 * status (run.py exits non-zero). Pure modules (allocators, fs, codecs) call
 * it too; their host unit tests provide their own panic() that longjmps back
 * into the test, so "double free is detected" can be checked.
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

__attribute__((noreturn, format(printf, 1, 2)))
void panic(const char *fmt, ...);

/* assert-like check that stays on in every build; message names the
 * expression. For invariants whose violation must always stop the machine
 * (data on disk or in flight would be corrupted otherwise). */
#define KASSERT(cond)                                                        \
    do {                                                                     \
        if (!(cond))                                                         \
            panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__); \
    } while (0)

/* A rule a comment states (a lock held, interrupts off, a count in range),
 * checked in a debug build (DEBUG=1, the default, defines KERNEL_DEBUG) and
 * in the host unit tests; a release build (DEBUG=0) compiles it to nothing:
 * cond is not evaluated (sizeof only type-checks it). */
#if defined(KERNEL_DEBUG) || defined(HOST_TEST)
#define KASSERT_DEBUG(cond) KASSERT(cond)
#else
#define KASSERT_DEBUG(cond) ((void)sizeof(!(cond)))
#endif

#endif
