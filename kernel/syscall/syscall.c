/*
 * kernel/syscall/syscall.c — the one system-call table, indexed by the numbers in
 * kernel/abi/syscall_numbers.h. Unknown numbers return -ENOSYS.
 */
#include "kernel/syscall/syscall.h"

#include "kernel/abi/errno.h"
#include "kernel/abi/syscall_numbers.h"

static const syscall_fn table[SYS_COUNT] = {
    [SYS_exit] = sys_exit,           [SYS_fork] = sys_fork,
    [SYS_execve] = sys_execve,       [SYS_spawn] = sys_spawn,
    [SYS_wait4] = sys_wait4,         [SYS_getpid] = sys_getpid,
    [SYS_getppid] = sys_getppid,     [SYS_kill] = sys_kill,
    [SYS_brk] = sys_brk,             [SYS_mmap] = sys_mmap,
    [SYS_munmap] = sys_munmap,       [SYS_open] = sys_open,
    [SYS_close] = sys_close,         [SYS_read] = sys_read,
    [SYS_write] = sys_write,         [SYS_lseek] = sys_lseek,
    [SYS_fstat] = sys_fstat,         [SYS_stat] = sys_stat,
    [SYS_mkdir] = sys_mkdir,         [SYS_unlink] = sys_unlink,
    [SYS_rmdir] = sys_rmdir,         [SYS_rename] = sys_rename,
    [SYS_getdents] = sys_getdents,   [SYS_chdir] = sys_chdir,
    [SYS_getcwd] = sys_getcwd,       [SYS_dup] = sys_dup,
    [SYS_dup2] = sys_dup2,           [SYS_pipe] = sys_pipe,
    [SYS_ioctl] = sys_ioctl,         [SYS_nanosleep] = sys_nanosleep,
    [SYS_clock_gettime] = sys_clock_gettime, [SYS_uname] = sys_uname,
    [SYS_reboot] = sys_reboot,       [SYS_ftruncate] = sys_ftruncate,
    [SYS_truncate] = sys_truncate,   [SYS_sched_yield] = sys_sched_yield,
    [SYS_sigaction] = sys_sigaction, [SYS_sigprocmask] = sys_sigprocmask,
    [SYS_sigreturn] = sys_sigreturn, [SYS_alarm] = sys_alarm,
    [SYS_setitimer] = sys_setitimer, [SYS_getitimer] = sys_getitimer,
    [SYS_sync] = sys_sync,           [SYS_fsync] = sys_fsync,
};

long syscall_dispatch(struct trap_frame *tf)
{
    uint64_t nr = tf->regs[17]; /* a7 */
    if (nr >= SYS_COUNT || !table[nr])
        return -ENOSYS;
    return table[nr](tf->regs[10], tf->regs[11], tf->regs[12], tf->regs[13], tf->regs[14],
                     tf->regs[15]);
}
