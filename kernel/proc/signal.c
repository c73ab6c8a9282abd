/*
 * kernel/proc/signal.c — see signal.h; also the system calls sigaction,
 * sigprocmask, sigreturn, alarm, setitimer and getitimer.
 *
 * Locking: pending/blocked/stopped change with interrupts off, because the
 * console (^C) and the timer queue (SIGALRM) send signals from interrupt
 * handlers.
 */
#include "kernel/proc/signal.h"

#include "kernel/abi/abi.h"
#include "kernel/arch/console.h"
#include "kernel/abi/errno.h"
#include "kernel/mm/kalloc.h"
#include "kernel/proc/proc.h"
#include "kernel/arch/riscv.h"
#include "kernel/hooks/sched.h"
#include "kernel/lib/string.h"
#include "kernel/syscall/syscall.h"
#include "kernel/abi/syscall_numbers.h"
#include "kernel/lib/sysarg.h"
#include "kernel/arch/timer.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/uvm.h"

void fp_save(struct fpstate *fp);
void fp_restore(const struct fpstate *fp);

#define UNBLOCKABLE (SIGNAL_BIT(SIGKILL) | SIGNAL_BIT(SIGSTOP))
#define STOP_SIGNALS \
    (SIGNAL_BIT(SIGSTOP) | SIGNAL_BIT(SIGTSTP) | SIGNAL_BIT(SIGTTIN) | SIGNAL_BIT(SIGTTOU))
#define DEFAULT_IGNORED \
    (SIGNAL_BIT(SIGCHLD) | SIGNAL_BIT(SIGCONT) | SIGNAL_BIT(SIGURG) | SIGNAL_BIT(SIGWINCH))

static bool valid_signal(int sig)
{
    return sig >= 1 && sig < NSIG;
}

static bool is_ignored(const struct proc *p, int sig)
{
    if (sig == SIGKILL || sig == SIGSTOP)
        return false;
    uint64_t h = p->sig_actions[sig].sa_handler;
    return h == SIG_IGN_VALUE || (h == SIG_DFL_VALUE && (DEFAULT_IGNORED & SIGNAL_BIT(sig)));
}

bool signal_refused(const struct proc *p, int sig)
{
    /* init (pid 1) gets only the signals it installed a handler for, as on
     * Unix: nothing may kill or stop it (SIGKILL and SIGSTOP included),
     * since its death powers the machine off and its stop leaves orphans
     * unreaped. Its own faults still end it (signal_fault). */
    return proc_is_init(p) && (sig == SIGKILL || sig == SIGSTOP ||
                               p->sig_actions[sig].sa_handler == SIG_DFL_VALUE ||
                               p->sig_actions[sig].sa_handler == SIG_IGN_VALUE);
}

void signal_send(struct proc *p, int sig)
{
    if (!valid_signal(sig) || signal_refused(p, sig))
        return;
    uint64_t flags = irq_save();
    if (p->state == PROC_UNUSED || p->state == PROC_EMBRYO || p->state == PROC_ZOMBIE) {
        irq_restore(flags);
        return;
    }
    uint64_t bit = SIGNAL_BIT(sig);
    if (sig == SIGKILL || sig == SIGCONT) {
        p->sig_pending &= ~STOP_SIGNALS;
        if (p->stopped) {
            p->stopped = false;
            sched_wakeup(&p->stopped);
        }
    }
    if (bit & STOP_SIGNALS)
        p->sig_pending &= ~SIGNAL_BIT(SIGCONT);
    if (!is_ignored(p, sig) || (p->sig_blocked & bit)) {
        p->sig_pending |= bit;
        /* Interrupt a blocking wait (it returns -EINTR); a stopped
         * process stays asleep until SIGCONT or SIGKILL. */
        if (signal_deliverable(p) && p->state == PROC_SLEEPING && !p->stopped)
            p->state = PROC_RUNNABLE;
    }
    irq_restore(flags);
}

bool signal_deliverable(const struct proc *p)
{
    return p->sig_pending & ~(p->sig_blocked & ~UNBLOCKABLE);
}

/* The default action "stop": sleep until SIGCONT or SIGKILL. Interrupts
 * are off (trap_user's return path). */
static void stop_self(struct proc *p)
{
    KASSERT_INTR_OFF();
    p->stopped = true;
    while (p->stopped && !(p->sig_pending & SIGNAL_BIT(SIGKILL)))
        sched_sleep(&p->stopped);
    p->stopped = false;
}

/* Pushes a signal frame and points the user registers at the handler. */
static bool setup_frame(struct proc *p, struct trap_frame *tf, int sig,
                        const struct sigaction *act)
{
    struct signal_frame frame;
    memset(&frame, 0, sizeof frame);
    frame.ctx.pc = tf->sepc;
    for (int i = 1; i < 32; i++)
        frame.ctx.regs[i] = tf->regs[i];
    fp_save(&p->fp); /* the process's FP registers are live in the hart */
    memcpy(frame.ctx.fregs, p->fp.f, sizeof frame.ctx.fregs);
    frame.ctx.fcsr = p->fp.fcsr;
    frame.ctx.blocked = p->sig_blocked;
    frame.magic = SIGNAL_FRAME_MAGIC;

    uint64_t sp = (tf->regs[2] - sizeof frame) & ~15UL;
    if (sp > tf->regs[2] || sp < USER_MIN)
        return false;
    if (sp < p->stack_lo && !proc_grow_stack(p, sp))
        return false; /* below the stack's limit, or no memory */
    if (copy_to_user(sp, &frame, sizeof frame) < 0)
        return false;

    tf->regs[1] = act->sa_restorer;         /* ra: the handler returns there */
    tf->regs[2] = sp;
    tf->regs[10] = (uint64_t)sig;           /* handler(sig, NULL, ctx) */
    tf->regs[11] = 0;
    tf->regs[12] = sp + __builtin_offsetof(struct signal_frame, ctx);
    tf->sepc = act->sa_handler;
    p->sig_blocked |= act->sa_mask & ~UNBLOCKABLE;
    if (!(act->sa_flags & SA_NODEFER))
        p->sig_blocked |= SIGNAL_BIT(sig);
    if (act->sa_flags & SA_RESETHAND)
        p->sig_actions[sig].sa_handler = SIG_DFL_VALUE;
    return true;
}

void signal_deliver(struct trap_frame *tf, uint64_t syscall_nr, uint64_t orig_a0)
{
    KASSERT_INTR_OFF(); /* pending changes with interrupts off (see the top) */
    struct proc *p = proc_current();
    while (signal_deliverable(p)) {
        uint64_t ready = p->sig_pending & ~(p->sig_blocked & ~UNBLOCKABLE);
        int sig = 1;
        while (!(ready & SIGNAL_BIT(sig)))
            sig++; /* lowest number first, as Linux does */
        p->sig_pending &= ~SIGNAL_BIT(sig);
        const struct sigaction *act = &p->sig_actions[sig];
        if (sig == SIGKILL)
            proc_exit(W_EXITCODE(0, SIGKILL));
        if (act->sa_handler == SIG_IGN_VALUE && sig != SIGSTOP)
            continue;
        if (act->sa_handler == SIG_DFL_VALUE || sig == SIGSTOP) {
            if (DEFAULT_IGNORED & SIGNAL_BIT(sig))
                continue;
            if (STOP_SIGNALS & SIGNAL_BIT(sig)) {
                stop_self(p);
                continue;
            }
            proc_exit(W_EXITCODE(0, sig));
        }
        /* A system call the signal interrupted: restart it (ecall again,
         * same arguments) if the handler asked for that. Not nanosleep: it
         * would start its whole interval again (POSIX: it returns EINTR
         * with the time left, whatever SA_RESTART says). */
        if (syscall_nr && (long)tf->regs[10] == -EINTR && (act->sa_flags & SA_RESTART) &&
            syscall_nr != SYS_sigreturn && syscall_nr != SYS_nanosleep) {
            tf->regs[10] = orig_a0;
            tf->sepc -= 4;
        }
        syscall_nr = 0;
        if (!setup_frame(p, tf, sig, act)) {
            klog("pid %d (%s): no room on the stack for a signal %d frame (sp %lx): killed\n",
                 p->pid, p->task.name, sig, tf->regs[2]);
            proc_exit(W_EXITCODE(0, SIGSEGV));
        }
    }
}

bool signal_fault(struct proc *p, int sig)
{
    uint64_t h = p->sig_actions[sig].sa_handler;
    if (h == SIG_DFL_VALUE || h == SIG_IGN_VALUE || (p->sig_blocked & SIGNAL_BIT(sig)))
        return false;
    uint64_t flags = irq_save();
    p->sig_pending |= SIGNAL_BIT(sig);
    irq_restore(flags);
    return true;
}

void signal_fork(struct proc *child, const struct proc *parent)
{
    memcpy(child->sig_actions, parent->sig_actions, sizeof child->sig_actions);
    child->sig_blocked = parent->sig_blocked;
    child->sig_pending = 0;
}

void signal_exec(struct proc *p)
{
    for (int sig = 1; sig < NSIG; sig++) {
        struct sigaction *a = &p->sig_actions[sig];
        if (a->sa_handler != SIG_IGN_VALUE)
            memset(a, 0, sizeof *a);
    }
}

/* ---- system calls ---------------------------------------------------------- */

long sys_sigaction(uint64_t sig, uint64_t uact, uint64_t uold)
{
    struct proc *p = proc_current();
    int signo;
    if (sysarg_signal(sig, &signo) < 0 || !valid_signal(signo))
        return -EINVAL; /* checked at full width: signo indexes sig_actions */
    struct sigaction act;
    if (uact && copy_from_user(&act, uact, sizeof act) < 0)
        return -EFAULT;
    if (uact && (signo == SIGKILL || signo == SIGSTOP))
        return -EINVAL;
    if (uold && copy_to_user(uold, &p->sig_actions[signo], sizeof act) < 0)
        return -EFAULT;
    if (uact) {
        act.sa_mask &= ~UNBLOCKABLE;
        uint64_t flags = irq_save();
        p->sig_actions[signo] = act;
        if (is_ignored(p, signo))
            p->sig_pending &= ~SIGNAL_BIT(signo); /* POSIX: discard it */
        irq_restore(flags);
    }
    return 0;
}

long sys_sigprocmask(uint64_t how, uint64_t uset, uint64_t uold)
{
    struct proc *p = proc_current();
    uint64_t set = 0, old = p->sig_blocked;
    if (uset && copy_from_user(&set, uset, sizeof set) < 0)
        return -EFAULT;
    if (uset) {
        uint64_t blocked;
        if (how == SIG_BLOCK)
            blocked = old | set;
        else if (how == SIG_UNBLOCK)
            blocked = old & ~set;
        else if (how == SIG_SETMASK)
            blocked = set;
        else
            return -EINVAL;
        p->sig_blocked = blocked & ~UNBLOCKABLE;
    }
    if (uold && copy_to_user(uold, &old, sizeof old) < 0)
        return -EFAULT;
    return 0;
}

long sys_sigreturn(void)
{
    struct proc *p = proc_current();
    struct trap_frame *tf = p->tf;
    struct signal_frame frame;
    if (copy_from_user(&frame, tf->regs[2], sizeof frame) < 0 ||
        frame.magic != SIGNAL_FRAME_MAGIC) {
        klog("pid %d (%s): sigreturn without a signal frame at sp %lx: killed\n", p->pid,
             p->task.name, tf->regs[2]);
        proc_exit(W_EXITCODE(0, SIGSEGV));
    }
    for (int i = 1; i < 32; i++)
        tf->regs[i] = frame.ctx.regs[i];
    tf->sepc = frame.ctx.pc;
    memcpy(p->fp.f, frame.ctx.fregs, sizeof p->fp.f);
    p->fp.fcsr = frame.ctx.fcsr;
    fp_restore(&p->fp);
    p->sig_blocked = frame.ctx.blocked & ~UNBLOCKABLE;
    return (long)frame.ctx.regs[10]; /* the dispatcher stores this in a0 */
}

/* ---- ITIMER_REAL ------------------------------------------------------------ */

/* The next expiry of a periodic timer that was due at `due`: one interval
 * later (no drift), but if that has passed already (the machine was busy)
 * the next one still ahead, not a burst of catch-up expiries. Saturates. */
static uint64_t next_expiry(uint64_t due, uint64_t interval, uint64_t now)
{
    uint64_t next = sysarg_deadline(due, interval);
    if (next <= now)
        next = due + ((now - due) / interval + 1) * interval;
    return next;
}

void signal_alarm_fire(struct timerq_entry *e)
{
    struct proc *p = (struct proc *)((char *)e - __builtin_offsetof(struct proc, alarm_timer));
    if (p->alarm_interval_ns)
        timer_arm(e, next_expiry(e->deadline, p->alarm_interval_ns, uptime_ns()));
    signal_send(p, SIGALRM);
}

static struct timeval ns_timeval(uint64_t ns)
{
    return (struct timeval){ (int64_t)(ns / 1000000000ULL), (int64_t)(ns % 1000000000ULL / 1000) };
}

/* The current setting: time left (rounded up to a microsecond) and reload. */
static struct itimerval itimer_get(struct proc *p)
{
    struct itimerval v = { ns_timeval(p->alarm_interval_ns), { 0, 0 } };
    uint64_t flags = irq_save();
    if (p->alarm_timer.armed) {
        uint64_t now = uptime_ns(), d = p->alarm_timer.deadline;
        uint64_t left = d > now ? d - now : 1000;
        v.it_value = ns_timeval(left + 999);
    }
    irq_restore(flags);
    return v;
}

/* interval_ns 0 is one-shot; a shorter nonzero one becomes ITIMER_MIN_NS
 * (POSIX lets the system round up to its resolution), so a periodic timer
 * cannot flood the machine with interrupts. */
static void itimer_set(struct proc *p, uint64_t value_ns, uint64_t interval_ns)
{
    if (interval_ns && interval_ns < ITIMER_MIN_NS)
        interval_ns = ITIMER_MIN_NS;
    p->alarm_interval_ns = interval_ns;
    if (value_ns)
        timer_arm(&p->alarm_timer, sysarg_deadline(uptime_ns(), value_ns));
    else
        timer_cancel(&p->alarm_timer);
}

long sys_setitimer(uint64_t which, uint64_t unew, uint64_t uold)
{
    struct proc *p = proc_current();
    if (which != ITIMER_REAL)
        return -EINVAL;
    struct itimerval nv, ov = itimer_get(p);
    uint64_t value_ns = 0, interval_ns = 0;
    if (unew && copy_from_user(&nv, unew, sizeof nv) < 0)
        return -EFAULT;
    if (unew && (sysarg_timeval_ns(&nv.it_value, &value_ns) < 0 ||
                 sysarg_timeval_ns(&nv.it_interval, &interval_ns) < 0))
        return -EINVAL;
    if (uold && copy_to_user(uold, &ov, sizeof ov) < 0)
        return -EFAULT;
    if (unew)
        itimer_set(p, value_ns, interval_ns);
    return 0;
}

long sys_getitimer(uint64_t which, uint64_t ucur)
{
    if (which != ITIMER_REAL)
        return -EINVAL;
    struct itimerval v = itimer_get(proc_current());
    return copy_to_user(ucur, &v, sizeof v);
}

long sys_alarm(uint64_t seconds)
{
    struct proc *p = proc_current();
    uint32_t secs;
    if (sysarg_u32(seconds, &secs) < 0)
        return -EINVAL; /* alarm takes an unsigned int */
    struct itimerval old = itimer_get(p);
    itimer_set(p, (uint64_t)secs * 1000000000ULL, 0); /* < 2^63: no overflow */
    /* Seconds that were left, rounded to nearest but never 0 if armed. */
    uint64_t left = (uint64_t)old.it_value.tv_sec + (old.it_value.tv_usec >= 500000);
    if (left == 0 && (old.it_value.tv_sec || old.it_value.tv_usec))
        left = 1;
    return (long)left;
}
