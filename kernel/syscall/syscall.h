/*
 * kernel/syscall/syscall.h — the system-call dispatcher and the prototype of
 * every handler, both made from the one list kernel/abi/syscalls.def
 * (numbers: kernel/abi/syscall_numbers.h; meaning: docs/syscalls.md).
 *
 * The handler of call NAME is `long sys_NAME(uint64_t, ...)` with exactly
 * the list's nargs parameters: the argument registers a0.. it reads, raw,
 * at full width. It checks each with kernel/lib/sysarg.h before narrowing
 * it; pointer arguments are user addresses, checked and copied through
 * kernel/mm/uaccess.h. It returns the result or -errno. The handlers live
 * with what they act on, in kernel/proc/ (sys_proc.c, sys_file.c,
 * signal.c), a layer above this one, and include this header, so the
 * compiler holds each definition to the list's arity.
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <stdint.h>

#include "kernel/arch/trap.h"

/* Run the call a7 names with its arguments from a0..; -ENOSYS for a number
 * not in the list. */
long syscall_dispatch(struct trap_frame *tf);

/* The caller's open file that a descriptor register names, checked at full
 * width (0x100000001 is not fd 1; kernel/lib/sysarg.h), or NULL: -EBADF. The
 * one way a handler turns a register into a file (sys_file.c). */
struct file;
struct file *sysarg_file(uint64_t reg);

/* The handlers, one per line of the list. */
#define SYSCALL_PARAMS_0 void
#define SYSCALL_PARAMS_1 uint64_t
#define SYSCALL_PARAMS_2 uint64_t, uint64_t
#define SYSCALL_PARAMS_3 uint64_t, uint64_t, uint64_t
#define SYSCALL_PARAMS_4 uint64_t, uint64_t, uint64_t, uint64_t
#define SYSCALL_PARAMS_5 uint64_t, uint64_t, uint64_t, uint64_t, uint64_t
#define SYSCALL_PARAMS_6 uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t
#define SYSCALL(nr, name, nargs, signature) long sys_##name(SYSCALL_PARAMS_##nargs);
#include "kernel/abi/syscalls.def"
#undef SYSCALL

#endif
