/*
 * user/lib/libc_internal.h — shared between the libc's own sources, never
 * installed: the raw system call entry (syscall.S) and the hooks that tie
 * stdio into process exit.
 *
 * SYSCALLn(nr, ...) returns the kernel's raw result; syscall_result() maps
 * -4095..-1 to -1 with errno set, and passes anything else through.
 */
#ifndef USER_LIB_LIBC_INTERNAL_H
#define USER_LIB_LIBC_INTERNAL_H

#include "kernel/abi/syscall_numbers.h"

long __syscall6(long nr, long a, long b, long c, long d, long e, long f);

#define SYSCALL0(nr)             __syscall6((nr), 0, 0, 0, 0, 0, 0)
#define SYSCALL1(nr, a)          __syscall6((nr), (long)(a), 0, 0, 0, 0, 0)
#define SYSCALL2(nr, a, b)       __syscall6((nr), (long)(a), (long)(b), 0, 0, 0, 0)
#define SYSCALL3(nr, a, b, c)    __syscall6((nr), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define SYSCALL4(nr, a, b, c, d) \
    __syscall6((nr), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define SYSCALL6(nr, a, b, c, d, e, f) \
    __syscall6((nr), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

long syscall_result(long raw);

/* stdio.c: flush every stream; exit() calls it before leaving. */
void stdio_flush_all(void);

#endif
