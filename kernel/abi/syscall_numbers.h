/*
 * kernel/abi/syscall_numbers.h — the system call numbers, made from the one
 * list kernel/abi/syscalls.def: SYS_name for each call and SYS_COUNT. The
 * kernel's dispatcher and the user C library (user/lib) both include it.
 * docs/syscalls.md says what each number means (signature, behaviour,
 * errors).
 *
 * In C the numbers are enum constants; in assembly (.S files) assembler
 * symbols of the same names, so `li a7, SYS_sigreturn` works in both.
 *
 * Calling convention (RISC-V, like Linux's):
 *   a7      the number
 *   a0..a5  up to six arguments (integers and pointers, in order)
 *   ecall   from U-mode traps to the kernel (scause 8)
 *   a0      the result; a value in -4095..-1 is -errno (kernel/abi/errno.h),
 *           anything else is success. Every other register except a0 is
 *           preserved (the kernel advances sepc past the ecall).
 *
 * Invariants: numbers are dense from 1 (the kernel's build checks it);
 * 0 and anything >= SYS_COUNT fail with -ENOSYS. A number, once given out,
 * keeps its meaning; new calls are appended and SYS_COUNT moves.
 */
#ifndef KERNEL_SYSCALL_NUMBERS_H
#define KERNEL_SYSCALL_NUMBERS_H

#ifdef __ASSEMBLER__

#define SYSCALL(nr, name, nargs, signature) .equ SYS_##name, nr
#include "kernel/abi/syscalls.def"
#undef SYSCALL

#else

enum syscall_number {
#define SYSCALL(nr, name, nargs, signature) SYS_##name = nr,
#include "kernel/abi/syscalls.def"
#undef SYSCALL
};

/* One past the highest number: the numbers run densely from 1, so that is
 * one more than the number of calls in the list. */
enum {
    SYS_COUNT = 1
#define SYSCALL(nr, name, nargs, signature) + 1
#include "kernel/abi/syscalls.def"
#undef SYSCALL
};

#endif

/* The largest errno a result can carry: -4095..-1 are errors. */
#define SYSCALL_MAX_ERRNO  4095

#endif
