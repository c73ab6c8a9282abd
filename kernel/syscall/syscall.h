/*
 * kernel/syscall/syscall.h — the system-call dispatcher and the handlers in
 * its one table (numbers: kernel/abi/syscall_numbers.h; meaning:
 * docs/syscalls.md). The handlers live with what they act on, in
 * kernel/proc/ (sys_proc.c, sys_file.c, signal.c), a layer above this one,
 * and include this header. A handler takes the six argument registers and
 * returns the result or -errno; pointer arguments are user addresses,
 * checked and copied through kernel/mm/uaccess.h.
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <stdint.h>

#include "kernel/arch/trap.h"

typedef long (*syscall_fn)(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                           uint64_t a5);

long syscall_dispatch(struct trap_frame *tf);

/* The caller's open file that a descriptor register names, checked at full
 * width (0x100000001 is not fd 1; kernel/lib/sysarg.h), or NULL: -EBADF. The
 * one way a handler turns a register into a file (sys_file.c). */
struct file;
struct file *sysarg_file(uint64_t reg);

/* Handlers: kernel/proc/sys_proc.c, kernel/proc/sys_file.c. */
long sys_exit(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_fork(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_execve(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_spawn(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_wait4(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_getpid(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_getppid(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_kill(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_brk(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_mmap(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_munmap(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_nanosleep(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_clock_gettime(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_uname(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_reboot(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_sched_yield(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
/* kernel/proc/signal.c */
long sys_sigaction(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_sigprocmask(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_sigreturn(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_alarm(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_setitimer(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_getitimer(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

long sys_open(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_close(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_read(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_write(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_lseek(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_fstat(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_stat(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_mkdir(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_unlink(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_rmdir(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_rename(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_getdents(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_chdir(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_getcwd(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_dup(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_dup2(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_pipe(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_ioctl(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_ftruncate(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_truncate(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_sync(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_fsync(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

#endif
