/*
 * kernel/proc/proc.c — the process table and the process lifecycle (fork,
 * exit, wait, kill). The scheduler and sleep/wakeup are in sched.c. See
 * proc.h for the model.
 *
 * Locking: the process table is changed only with interrupts disabled
 * (interrupt handlers call sched_wakeup). swtch() is always entered with
 * interrupts disabled; a process's interrupt state is restored by the code
 * that called sleep/yield, or by sret for a new process.
 */
#include "kernel/proc/proc.h"

#include "kernel/arch/console.h"
#include "kernel/abi/errno.h"
#include "kernel/mm/kalloc.h"
#include "kernel/arch/memlayout.h"
#include "kernel/arch/panic.h"
#include "kernel/arch/power.h"
#include "kernel/arch/riscv.h"
#include "kernel/hooks/sched.h"
#include "kernel/proc/signal.h"
#include "kernel/hooks/signal_hooks.h"
#include "kernel/lib/string.h"
#include "kernel/lib/textbuf.h"
#include "kernel/arch/timer.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/uvm.h"

struct proc proc_table[NPROC];
static struct proc *init_proc;
static int next_pid = 1;

void fp_save(struct fpstate *fp);
void user_return_entry(void); /* trapvec.S: return to user mode from p->tf */

const char *proc_state_name(enum proc_state s)
{
    static const char *const names[] = { "unused", "embryo", "runnable", "running",
                                         "sleeping", "zombie" };
    return (unsigned)s < sizeof names / sizeof *names ? names[s] : "?";
}

/* ---- creating processes --------------------------------------------------- */

/* A fresh slot; kernel threads get pid 0 (no user process can name them). */
static struct proc *proc_alloc(bool user)
{
    uint64_t flags = irq_save();
    struct proc *p = NULL;
    for (int i = 0; i < NPROC; i++) {
        if (proc_table[i].state == PROC_UNUSED) {
            p = &proc_table[i];
            memset(p, 0, sizeof *p);
            p->state = PROC_EMBRYO;
            p->pid = user ? next_pid++ : 0;
            break;
        }
    }
    irq_restore(flags);
    if (!p)
        return NULL;
    if (kstack_alloc(&p->task.stack) < 0) {
        p->state = PROC_UNUSED;
        return NULL;
    }
    p->tf = (struct trap_frame *)(p->task.stack.hi - TRAP_FRAME_SIZE);
    memset(p->tf, 0, TRAP_FRAME_SIZE);
    /* First run: swtch "returns" into user_return_entry with sp = tf. */
    p->ctx.ra = (uint64_t)user_return_entry;
    p->ctx.sp = (uint64_t)p->tf;
    p->start_ns = uptime_ns();
    p->sleep_timer.fire = sched_sleep_timer_fire;
    p->alarm_timer.fire = signal_alarm_fire;
    p->cwd = NULL;
    return p;
}

static void proc_free_slot(struct proc *p)
{
    if (p->task.stack.hi)
        kstack_free(&p->task.stack);
    uint64_t flags = irq_save();
    p->state = PROC_UNUSED;
    p->pid = 0;
    irq_restore(flags);
}

int exec_image(struct proc *p, const char *path, char *const argv[], char *const envp[]);

/* A new process running path, with the given descriptors and cwd. */
static int spawn_process(const char *path, char *const argv[], char *const envp[],
                         const struct fdtable *files, struct vnode *cwd, struct proc *parent)
{
    struct proc *p = proc_alloc(true);
    if (!p)
        return -EAGAIN;
    int err = exec_image(p, path, argv, envp);
    if (err) {
        proc_free_slot(p);
        return err;
    }
    fdtable_copy(&p->files, files);
    p->cwd = vnode_dup(cwd);
    p->parent = parent;
    uint64_t flags = irq_save();
    p->state = PROC_RUNNABLE;
    irq_restore(flags);
    return p->pid;
}

int proc_create_init(const char *path, const char *const argv[])
{
    /* fds 0, 1, 2: the console. */
    struct file *con;
    int err = vfs_open(NULL, "/dev/console", O_RDWR, 0, &con);
    if (err)
        return err;
    struct fdtable files = { .fd = { con, con, con } };
    char *const envp[] = { "PATH=/bin", "HOME=/", NULL };
    int pid = spawn_process(path, (char *const *)argv, envp, &files, NULL, NULL);
    file_put(con);
    if (pid < 0)
        return pid;
    KASSERT(pid == INIT_PID);
    for (int i = 0; i < NPROC; i++)
        if (proc_table[i].pid == pid)
            init_proc = &proc_table[i];
    return 0;
}

/* A kernel thread's first run: swtch "returns" here with interrupts off. */
static void kernel_thread_entry(void)
{
    csr_set(sstatus, SSTATUS_SIE);
    proc_current()->kernel_fn();
    panic("kernel thread %s returned", proc_current()->task.name);
}

int proc_create_kernel_thread(const char *name, void (*fn)(void))
{
    struct proc *p = proc_alloc(false);
    if (!p)
        return -EAGAIN;
    p->kernel_fn = fn;
    p->pagetable = kernel_pagetable;
    p->ctx.ra = (uint64_t)kernel_thread_entry;
    p->ctx.sp = (uint64_t)p->tf; /* the unused trap frame stays above */
    task_set_name(&p->task, name);
    uint64_t flags = irq_save();
    p->state = PROC_RUNNABLE;
    irq_restore(flags);
    return 0;
}

int proc_spawn(const char *path, char *const argv[], char *const envp[])
{
    struct proc *p = proc_current();
    return spawn_process(path, argv, envp, &p->files, p->cwd, p);
}

int proc_fork(void)
{
    struct proc *parent = proc_current(), *c = proc_alloc(true);
    if (!c)
        return -EAGAIN;
    c->pagetable = vm_create();
    if (!c->pagetable || uvm_copy(parent->pagetable, c->pagetable, PAGE_OWNER_PROC(c->pid)) < 0) {
        if (c->pagetable)
            uvm_destroy(c->pagetable);
        proc_free_slot(c);
        return -ENOMEM;
    }
    *c->tf = *parent->tf;
    c->tf->regs[10] = 0; /* fork returns 0 in the child */
    fp_save(&c->fp);     /* the parent's FP registers are live in the hart */
    c->heap_start = parent->heap_start;
    c->brk = parent->brk;
    c->stack_lo = parent->stack_lo;
    c->mmap_next = parent->mmap_next;
    fdtable_copy(&c->files, &parent->files);
    c->cwd = vnode_dup(parent->cwd);
    memcpy(c->task.name, parent->task.name, sizeof c->task.name);
    c->parent = parent;
    signal_fork(c, parent);
    uint64_t flags = irq_save();
    c->state = PROC_RUNNABLE;
    irq_restore(flags);
    return c->pid;
}

/* ---- ending processes ------------------------------------------------------ */

void proc_exit(int wait_status)
{
    struct proc *p = proc_current();
    if (p == init_proc) {
        int code = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
        klog("init exited with status %d; powering off\n", code);
        power_off(code);
    }
    timer_cancel(&p->sleep_timer);
    timer_cancel(&p->alarm_timer);
    fdtable_close_all(&p->files);
    vnode_put(p->cwd);
    p->cwd = NULL;
    vm_activate(kernel_pagetable);
    uvm_destroy(p->pagetable);
    p->pagetable = NULL;
    if (console_get_foreground() == p->pid)
        console_set_foreground(0);

    csr_clear(sstatus, SSTATUS_SIE);
    bool orphan_zombies = false;
    for (int i = 0; i < NPROC; i++) {
        struct proc *q = &proc_table[i];
        if (q->state != PROC_UNUSED && q->parent == p) {
            q->parent = init_proc;
            orphan_zombies |= q->state == PROC_ZOMBIE;
        }
    }
    if (orphan_zombies)
        sched_wakeup(init_proc);
    p->wait_status = wait_status;
    p->state = PROC_ZOMBIE;
    if (p->parent)
        signal_send(p->parent, SIGCHLD);
    sched_wakeup(p->parent);
    sched_exit_current();
    panic("a zombie ran again");
}

int proc_wait(int pid, uint64_t user_status, int options)
{
    struct proc *p = proc_current();
    uint64_t flags = irq_save();
    for (;;) {
        bool have_children = false;
        for (int i = 0; i < NPROC; i++) {
            struct proc *q = &proc_table[i];
            if (q->state == PROC_UNUSED || q->parent != p || (pid > 0 && q->pid != pid))
                continue;
            have_children = true;
            if (q->state != PROC_ZOMBIE)
                continue;
            int child = q->pid, status = q->wait_status;
            irq_restore(flags);
            proc_free_slot(q);
            if (user_status && copy_to_user(user_status, &status, sizeof status) < 0)
                return -EFAULT;
            return child;
        }
        if (!have_children) {
            irq_restore(flags);
            return -ECHILD;
        }
        if (options & WNOHANG) {
            irq_restore(flags);
            return 0;
        }
        int err = sched_sleep_interruptible(p, false);
        if (err) {
            irq_restore(flags);
            return err;
        }
    }
}

int proc_kill(int pid, int sig)
{
    if (sig < 0 || sig >= NSIG)
        return -EINVAL;
    uint64_t flags = irq_save();
    for (int i = 0; i < NPROC; i++) {
        struct proc *q = &proc_table[i];
        if (q->pid == pid && q->state != PROC_UNUSED && q->state != PROC_EMBRYO &&
            !q->kernel_fn) {
            int err = sig && signal_refused(q, sig) ? -EPERM : 0;
            if (sig && !err)
                signal_send(q, sig); /* nothing for a zombie */
            irq_restore(flags);
            return err;
        }
    }
    irq_restore(flags);
    return -ESRCH;
}

bool proc_is_init(const struct proc *p)
{
    return p == init_proc;
}

/* ---- hooks for the console (kernel/hooks/signal_hooks.h) ------------------------- */

void signal_send_from_console(int pid, int sig)
{
    proc_kill(pid, sig);
}

bool uaccess_current_space(pte_t **pagetable, uint16_t *owner)
{
    struct proc *p = proc_current();
    if (!p || !p->pagetable)
        return false;
    *pagetable = p->pagetable;
    *owner = PAGE_OWNER_PROC(p->pid);
    return true;
}

bool signal_pending_for_current(void)
{
    return proc_current() && signal_deliverable(proc_current());
}

void proc_format_table(struct textbuf *tb)
{
    /* UTIME/STIME: 10 ms timer ticks that found the process in user or
     * kernel mode (a sample); CPU(ms): its exact time on the hart. */
    tb_printf(tb, "  PID  PPID STATE     UTIME  STIME  CPU(ms)  MEM(KiB) NAME\n");
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &proc_table[i];
        if (p->state == PROC_UNUSED || p->state == PROC_EMBRYO || p->kernel_fn)
            continue;
        tb_printf(tb, "%5d %5d %-9s %5lu  %5lu  %7lu  %8lu %s\n", p->pid,
                  p->parent ? p->parent->pid : 0, proc_state_name(p->state), p->user_ticks,
                  p->sys_ticks, p->cpu_ns / 1000000,
                  p->pagetable ? uvm_count_pages(p->pagetable) * 4 : 0, p->task.name);
    }
}
