/*
 * kernel/syscall/syscall.c — the dispatch: the number in a7 to its handler,
 * called with as many argument registers as the list kernel/abi/syscalls.def
 * gives it (one `case` per line of the list). Numbers not in the list
 * return -ENOSYS.
 *
 * Each handler is called through its own prototype (syscall.h), never
 * through a pointer of another type: calling a function through a pointer
 * to an incompatible function type is undefined behaviour in C.
 *
 * The build refuses a list whose numbers are not dense from 1: each number
 * must lie in 1..SYS_COUNT-1 (the static assertions), and a number given
 * twice is a duplicate `case` — n distinct numbers in 1..n have no gap.
 */
#include "kernel/syscall/syscall.h"

#include "kernel/abi/errno.h"
#include "kernel/abi/syscall_numbers.h"

#define SYSCALL(nr, name, nargs, signature)                                                \
    _Static_assert((nr) >= 1 && (nr) < SYS_COUNT,                                          \
                   "SYS_" #name ": numbers run 1..SYS_COUNT-1 (kernel/abi/syscalls.def)");
#include "kernel/abi/syscalls.def"
#undef SYSCALL

/* The handler's arguments: the first nargs of a0..a5. */
#define SYSCALL_ARGS_0 ()
#define SYSCALL_ARGS_1 (a[0])
#define SYSCALL_ARGS_2 (a[0], a[1])
#define SYSCALL_ARGS_3 (a[0], a[1], a[2])
#define SYSCALL_ARGS_4 (a[0], a[1], a[2], a[3])
#define SYSCALL_ARGS_5 (a[0], a[1], a[2], a[3], a[4])
#define SYSCALL_ARGS_6 (a[0], a[1], a[2], a[3], a[4], a[5])

long syscall_dispatch(struct trap_frame *tf)
{
    const uint64_t *a = &tf->regs[10]; /* a0..a5 are x10..x15 */
    switch (tf->regs[17]) {            /* a7: the number */
#define SYSCALL(nr, name, nargs, signature)                                                \
    case nr:                                                                               \
        return sys_##name SYSCALL_ARGS_##nargs;
#include "kernel/abi/syscalls.def"
#undef SYSCALL
    default:
        return -ENOSYS;
    }
}
