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

/* assert-like check that stays on in every build; message names the expression. */
#define KASSERT(cond)                                                        \
    do {                                                                     \
        if (!(cond))                                                         \
            panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__); \
    } while (0)

#endif
