/*
 * kernel/abi/syscall_numbers.h — the system call numbers: the one table the
 * kernel's dispatcher and the user C library (user/lib) agree on.
 *
 * Only #defines, so assembly can include it too. docs/syscalls.md says what
 * each number means (signature, behaviour, errors).
 *
 * Calling convention (RISC-V, like Linux's):
 *   a7      the number below
 *   a0..a5  up to six arguments (integers and pointers, in order)
 *   ecall   from U-mode traps to the kernel (scause 8)
 *   a0      the result; a value in -4095..-1 is -errno (kernel/abi/errno.h),
 *           anything else is success. Every other register except a0 is
 *           preserved (the kernel advances sepc past the ecall).
 *
 * Invariants: numbers are dense from 1 so the dispatcher can index a table;
 * 0 and anything >= SYS_COUNT fail with -ENOSYS. A number, once given out,
 * keeps its meaning; new calls are appended and SYS_COUNT moves.
 */
#ifndef KERNEL_SYSCALL_NUMBERS_H
#define KERNEL_SYSCALL_NUMBERS_H

/* processes */
#define SYS_exit            1
#define SYS_fork            2
#define SYS_execve          3
#define SYS_spawn           4
#define SYS_wait4           5
#define SYS_getpid          6
#define SYS_getppid         7
#define SYS_kill            8
/* memory */
#define SYS_brk             9
#define SYS_mmap           10
#define SYS_munmap         11
/* files */
#define SYS_open           12
#define SYS_close          13
#define SYS_read           14
#define SYS_write          15
#define SYS_lseek          16
#define SYS_fstat          17
#define SYS_stat           18
#define SYS_mkdir          19
#define SYS_unlink         20
#define SYS_rmdir          21
#define SYS_rename         22
#define SYS_getdents       23
#define SYS_chdir          24
#define SYS_getcwd         25
#define SYS_dup            26
#define SYS_dup2           27
#define SYS_pipe           28
#define SYS_ioctl          29
/* time and the machine */
#define SYS_nanosleep      30
#define SYS_clock_gettime  31
#define SYS_uname          32
#define SYS_reboot         33
#define SYS_ftruncate      34
#define SYS_truncate       35
/* signals, timers and scheduling */
#define SYS_sigaction      36
#define SYS_sigprocmask    37
#define SYS_sigreturn      38
#define SYS_alarm          39
#define SYS_setitimer      40
#define SYS_getitimer      41
#define SYS_sched_yield    42
/* durability */
#define SYS_sync           43
#define SYS_fsync          44

#define SYS_COUNT          45   /* one past the highest number */

/* The largest errno a result can carry: -4095..-1 are errors. */
#define SYSCALL_MAX_ERRNO  4095

#endif
