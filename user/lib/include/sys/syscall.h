/*
 * <sys/syscall.h> — the raw system calls, made from the one list
 * kernel/abi/syscalls.def: the numbers SYS_name (and SYS_COUNT), and for
 * each call a stub
 *
 *     long __sys_name(long a0, ...)     exactly the list's nargs arguments
 *
 * that puts its arguments in a0.. and the number in a7 and executes ecall
 * (user/lib/syscall.S: __syscall6). A stub returns the kernel's raw result:
 * -4095..-1 is -errno, and errno is not touched. The POSIX functions
 * (user/lib/sys.c) are these stubs plus errno; a program may call a stub
 * directly, e.g. for a call that has no POSIX wrapper, or to see the raw
 * result. Arguments are the registers: integers pass as they are (an int
 * is sign-extended, an unsigned zero-extended, as the kernel expects),
 * pointers cast to long. __syscall6 itself makes any number with any six
 * registers (sysfuzz, tests of unknown numbers and high bits).
 */
#ifndef _SYS_SYSCALL_H
#define _SYS_SYSCALL_H

#include "kernel/abi/syscall_numbers.h"

long __syscall6(long nr, long a0, long a1, long a2, long a3, long a4, long a5);

#define SYSCALL_STUB_PARAMS_0 void
#define SYSCALL_STUB_PARAMS_1 long a0
#define SYSCALL_STUB_PARAMS_2 long a0, long a1
#define SYSCALL_STUB_PARAMS_3 long a0, long a1, long a2
#define SYSCALL_STUB_PARAMS_4 long a0, long a1, long a2, long a3
#define SYSCALL_STUB_PARAMS_5 long a0, long a1, long a2, long a3, long a4
#define SYSCALL_STUB_PARAMS_6 long a0, long a1, long a2, long a3, long a4, long a5
/* The registers a stub does not use are passed as 0 (the kernel ignores them). */
#define SYSCALL_STUB_ARGS_0 0, 0, 0, 0, 0, 0
#define SYSCALL_STUB_ARGS_1 a0, 0, 0, 0, 0, 0
#define SYSCALL_STUB_ARGS_2 a0, a1, 0, 0, 0, 0
#define SYSCALL_STUB_ARGS_3 a0, a1, a2, 0, 0, 0
#define SYSCALL_STUB_ARGS_4 a0, a1, a2, a3, 0, 0
#define SYSCALL_STUB_ARGS_5 a0, a1, a2, a3, a4, 0
#define SYSCALL_STUB_ARGS_6 a0, a1, a2, a3, a4, a5

#define SYSCALL(nr, name, nargs, signature)                                                \
    static inline long __sys_##name(SYSCALL_STUB_PARAMS_##nargs)                           \
    {                                                                                      \
        return __syscall6(nr, SYSCALL_STUB_ARGS_##nargs);                                  \
    }
#include "kernel/abi/syscalls.def"
#undef SYSCALL

#endif
