/*
 * kernel/proc/sys_proc.c — system calls about processes, memory, time and the
 * machine. Arguments arrive as raw registers; user pointers go through
 * kernel/mm/uaccess.h.
 */
#include "fs/path.h"
#include "kernel/abi/abi.h"
#include "kernel/abi/errno.h"
#include "kernel/mm/kalloc.h"
#include "kernel/arch/power.h"
#include "kernel/proc/proc.h"
#include "kernel/arch/rtc.h"
#include "kernel/arch/riscv.h"
#include "kernel/hooks/sched.h"
#include "kernel/lib/string.h"
#include "kernel/syscall/syscall.h"
#include "kernel/lib/sysarg.h"
#include "kernel/arch/timer.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/uvm.h"


#define EXEC_MAX_ARGS 64
#define EXEC_STRINGS 16384

long sys_exit(uint64_t status)
{
    proc_exit(W_EXITCODE((int)(status & 0xff), 0)); /* POSIX: status & 0377 */
}

long sys_fork(void)
{
    return proc_fork();
}

/* The argument vectors of execve/spawn, copied into one kernel block. */
struct exec_args {
    char *argv[EXEC_MAX_ARGS + 1];
    char *envp[EXEC_MAX_ARGS + 1];
    char path[PATH_MAX];
    char strings[EXEC_STRINGS];
};

static long copy_vector(uint64_t uvec, char **out, char *strings, size_t *used)
{
    size_t n = 0;
    if (uvec) {
        for (;; n++) {
            uint64_t uptr;
            if (copy_from_user(&uptr, uvec + 8 * n, 8) < 0)
                return -EFAULT;
            if (!uptr)
                break;
            if (n == EXEC_MAX_ARGS)
                return -E2BIG;
            long len = copy_string_from_user(strings + *used, uptr, EXEC_STRINGS - *used);
            if (len == -ENAMETOOLONG)
                return -E2BIG;
            if (len < 0)
                return len;
            out[n] = strings + *used;
            *used += (size_t)len + 1;
        }
    }
    out[n] = NULL;
    return 0;
}

static long gather_exec_args(uint64_t upath, uint64_t uargv, uint64_t uenvp, struct exec_args *a)
{
    /* As written: exec resolves it from the working directory. */
    long n = copy_string_from_user(a->path, upath, sizeof a->path);
    if (n < 0)
        return n;
    size_t used = 0;
    long err = copy_vector(uargv, a->argv, a->strings, &used);
    if (!err)
        err = copy_vector(uenvp, a->envp, a->strings, &used);
    return err;
}

/* execve and spawn: copy the arguments in, then run `op` on them. */
static long with_exec_args(uint64_t path, uint64_t argv, uint64_t envp,
                           int (*op)(const char *, char *const[], char *const[]))
{
    struct exec_args *a = kmalloc(sizeof *a);
    if (!a)
        return -ENOMEM;
    long err = gather_exec_args(path, argv, envp, a);
    if (!err)
        err = op(a->path, a->argv, a->envp);
    kfree(a);
    return err;
}

long sys_execve(uint64_t path, uint64_t argv, uint64_t envp)
{
    return with_exec_args(path, argv, envp, proc_exec);
}

long sys_spawn(uint64_t path, uint64_t argv, uint64_t envp)
{
    return with_exec_args(path, argv, envp, proc_spawn);
}

long sys_wait4(uint64_t pid, uint64_t status, uint64_t options, uint64_t rusage)
{
    (void)rusage; /* reserved: no resource usage is kept, nothing is stored */
    if (options & ~(uint64_t)(WNOHANG | WUNTRACED))
        return -EINVAL;
    int id;
    long err = sysarg_pid(pid, &id, -ECHILD); /* no child has a pid outside int */
    return err ? err : proc_wait(id, status, (int)options);
}

long sys_getpid(void)
{
    return proc_current()->pid;
}

long sys_getppid(void)
{
    struct proc *p = proc_current();
    return p->parent ? p->parent->pid : 0;
}

long sys_kill(uint64_t pid, uint64_t sig)
{
    int id, signo;
    long err = sysarg_signal(sig, &signo);
    if (!err)
        err = sysarg_pid(pid, &id, -ESRCH);
    if (err)
        return err;
    if (id <= 0)
        return -EINVAL; /* process groups: not supported */
    return proc_kill(id, signo);
}

long sys_brk(uint64_t addr)
{
    struct proc *p = proc_current();
    if (addr == 0 || addr < p->heap_start || addr > USER_MMAP_BASE)
        return (long)p->brk;
    uint64_t old_top = (p->brk + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    uint64_t new_top = (addr + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (new_top > old_top) {
        if (uvm_alloc(p->pagetable, old_top, new_top - old_top, VM_R | VM_W,
                      PAGE_OWNER_PROC(p->pid)) < 0)
            return (long)p->brk; /* did not move: out of memory */
    } else if (new_top < old_top) {
        uvm_release(p->pagetable, new_top, old_top - new_top);
    }
    p->brk = addr;
    return (long)p->brk;
}

long sys_mmap(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags, uint64_t fd,
              uint64_t offset)
{
    (void)addr; /* hints are not honoured; MAP_FIXED is refused below */
    struct proc *p = proc_current();
    if (len == 0 || (offset & (PAGE_SIZE - 1)) || (flags & MAP_FIXED) ||
        (prot & ~(uint64_t)(PROT_READ | PROT_WRITE | PROT_EXEC)) ||
        (flags & ~(uint64_t)(MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS)))
        return -EINVAL;
    if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
        return -EINVAL; /* W^X */
    uint64_t size = (len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    /* Compared with the room left, not as mmap_next + size (that wraps
     * for a huge len, which then took every free page before failing). */
    uint64_t limit = USER_STACK_TOP - USER_STACK_MAX - PAGE_SIZE;
    uint64_t room = p->mmap_next < limit ? limit - p->mmap_next : 0;
    if (size < len || size > room)
        return -ENOMEM;
    uint64_t perm = VM_R | (prot & PROT_WRITE ? VM_W : 0) | (prot & PROT_EXEC ? VM_X : 0);
    uint64_t va = p->mmap_next;
    if (flags & MAP_ANONYMOUS) {
        if (uvm_alloc(p->pagetable, va, size, perm, PAGE_OWNER_PROC(p->pid)) < 0)
            return -ENOMEM;
    } else {
        struct file *f = sysarg_file(fd);
        if (!f)
            return -EBADF;
        if (f->kind != FILE_DEVICE || !f->ops->mmap)
            return -ENODEV; /* only devices (the framebuffer) can be mapped */
        if (prot & PROT_EXEC)
            return -EPERM; /* device memory is never executable (like noexec) */
        uint64_t pa;
        int err = f->ops->mmap(f, offset, size, &pa);
        if (err)
            return err;
        err = vm_map(p->pagetable, va, pa, size, perm | VM_U | VM_SHARED);
        if (err)
            return err;
    }
    p->mmap_next += size + PAGE_SIZE; /* an unmapped page between regions */
    return (long)va;
}

long sys_munmap(uint64_t addr, uint64_t len)
{
    struct proc *p = proc_current();
    if ((addr & (PAGE_SIZE - 1)) || len == 0 || addr + len < addr || addr + len > USER_TOP)
        return -EINVAL;
    uvm_release(p->pagetable, addr, (len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
    return 0;
}

long sys_nanosleep(uint64_t ureq, uint64_t urem)
{
    struct timespec req;
    uint64_t ns;
    if (copy_from_user(&req, ureq, sizeof req) < 0)
        return -EFAULT;
    if (sysarg_timespec_ns(&req, &ns) < 0)
        return -EINVAL;
    /* A deadline past 2^64 ns saturates: it never comes (only a signal
     * ends such a sleep), rather than wrapping to a moment ago. */
    uint64_t deadline = sysarg_deadline(uptime_ns(), ns);
    long result = sched_sleep_until(deadline);
    if (result == -EINTR && urem) {
        uint64_t now = uptime_ns(), left = deadline > now ? deadline - now : 0;
        struct timespec rem = { (int64_t)(left / 1000000000ULL), (int64_t)(left % 1000000000ULL) };
        copy_to_user(urem, &rem, sizeof rem);
    }
    return result;
}

long sys_clock_gettime(uint64_t clock, uint64_t uts)
{
    uint64_t ns;
    if (clock == CLOCK_MONOTONIC)
        ns = uptime_ns();
    else if (clock == CLOCK_REALTIME)
        ns = rtc_realtime_ns();
    else
        return -EINVAL;
    struct timespec ts = { (int64_t)(ns / 1000000000ULL), (int64_t)(ns % 1000000000ULL) };
    return copy_to_user(uts, &ts, sizeof ts);
}

long sys_uname(uint64_t ubuf)
{
    struct utsname u;
    memset(&u, 0, sizeof u);
    strlcpy(u.sysname, "badapple-os", sizeof u.sysname);
    strlcpy(u.nodename, "qemu-virt", sizeof u.nodename);
    strlcpy(u.release, "0.1", sizeof u.release);
    strlcpy(u.version, "built " __DATE__, sizeof u.version);
    strlcpy(u.machine, "riscv64", sizeof u.machine);
    return copy_to_user(ubuf, &u, sizeof u);
}

long sys_reboot(uint64_t cmd, uint64_t arg)
{
    if (cmd == REBOOT_CMD_POWER_OFF || cmd == REBOOT_CMD_HALT) /* full width */
        power_off((int)(arg & 0xff));
    return -EINVAL;
}

long sys_sched_yield(void)
{
    proc_yield();
    return 0;
}
