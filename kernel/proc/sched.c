/*
 * kernel/proc/sched.c — the scheduler: which process runs, and how the
 * running one sleeps, wakes and yields.
 *
 * One hart. scheduler() loops over the process table round-robin from the
 * last one that ran; with nothing runnable it stops the periodic tick and
 * waits for an interrupt (the time is counted as idle). sched_sleep and
 * sched_wakeup implement kernel/hooks/sched.h for every layer below the
 * processes. Invariant: the table's states change only with interrupts
 * disabled, and swtch() is entered with interrupts disabled.
 */
#include "kernel/proc/proc.h"

#include "kernel/abi/errno.h"
#include "kernel/arch/riscv.h"
#include "kernel/arch/timer.h"
#include "kernel/hooks/sched.h"
#include "kernel/hooks/signal_hooks.h"
#include "kernel/mm/vm.h"
#include "kernel/proc/signal.h"
#include "kernel/task/task.h"

static struct context scheduler_ctx;
static struct proc *current;
static uint64_t idle_ns; /* time the hart spent waiting in the idle loop */

void swtch(struct context *old, struct context *new);
void fp_save(struct fpstate *fp);
void fp_restore(const struct fpstate *fp);
extern struct task *boot_task_ptr;

struct proc *proc_current(void)
{
    return current;
}

uint64_t sched_idle_ns(void)
{
    return idle_ns;
}

/* ---- sleep and wakeup (kernel/hooks/sched.h) ----------------------------- */

void sched_sleep(const void *chan)
{
    KASSERT_INTR_OFF(); /* else a wakeup between check and sleep is lost */
    struct proc *p = current;
    if (!p) {
        /* Boot, or the scheduler's own context: wait for an interrupt. */
        wfi();
        csr_set(sstatus, SSTATUS_SIE);
        csr_clear(sstatus, SSTATUS_SIE);
        return;
    }
    p->chan = chan;
    p->state = PROC_SLEEPING;
    swtch(&p->ctx, &scheduler_ctx);
    p->chan = NULL;
}

int sched_sleep_interruptible(const void *chan, bool nonblock)
{
    KASSERT_INTR_OFF();
    if (nonblock)
        return -EAGAIN;
    if (signal_pending_for_current())
        return -EINTR;
    sched_sleep(chan);
    return 0;
}

void sched_wakeup(const void *chan)
{
    uint64_t flags = irq_save();
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &proc_table[i];
        if (p->state == PROC_SLEEPING && p->chan == chan)
            p->state = PROC_RUNNABLE;
    }
    irq_restore(flags);
}

void proc_yield(void)
{
    uint64_t flags = irq_save();
    current->state = PROC_RUNNABLE;
    swtch(&current->ctx, &scheduler_ctx);
    irq_restore(flags);
}

/* The sleep timer's callback: wake its process if it still sleeps there. */
void sched_sleep_timer_fire(struct timerq_entry *e)
{
    struct proc *p = (struct proc *)((char *)e - __builtin_offsetof(struct proc, sleep_timer));
    if (p->state == PROC_SLEEPING && p->chan == &p->sleep_timer)
        p->state = PROC_RUNNABLE;
}

int sched_sleep_until(uint64_t deadline_ns)
{
    struct proc *p = current;
    int result = 0;
    uint64_t flags = irq_save();
    while (uptime_ns() < deadline_ns) {
        if (!p) {
            sched_sleep(NULL); /* boot: wait for the next interrupt (tick) */
            continue;
        }
        if (signal_deliverable(p)) {
            result = -EINTR;
            break;
        }
        timer_arm(&p->sleep_timer, deadline_ns);
        sched_sleep(&p->sleep_timer);
    }
    if (p)
        timer_cancel(&p->sleep_timer);
    irq_restore(flags);
    return result;
}

void sched_tick(bool from_user)
{
    struct proc *p = current;
    if (p) {
        if (from_user)
            p->user_ticks++;
        else
            p->sys_ticks++;
    }
}

/* Leaves the hart to the scheduler for good (proc_exit: a zombie). */
void sched_exit_current(void)
{
    swtch(&current->ctx, &scheduler_ctx);
}

/* ---- the scheduler -------------------------------------------------------- */

void scheduler(void)
{
    int last = 0;
    for (;;) {
        csr_clear(sstatus, SSTATUS_SIE);
        struct proc *p = NULL;
        for (int i = 1; i <= NPROC; i++) {
            struct proc *q = &proc_table[(last + i) % NPROC];
            if (q->state == PROC_RUNNABLE) {
                p = q;
                last = (int)(q - proc_table);
                break;
            }
        }
        if (!p) {
            /* Idle: no tick, only the next deadline (if any) can wake us,
             * or a device interrupt. */
            timer_set_tick(false);
            uint64_t idle_from = uptime_ns();
            wfi();
            idle_ns += uptime_ns() - idle_from;
            csr_set(sstatus, SSTATUS_SIE);
            continue;
        }
        timer_set_tick(true);
        p->state = PROC_RUNNING;
        current = p;
        current_task = &p->task;
        vm_activate(p->pagetable);
        fp_restore(&p->fp);
        uint64_t ran_from = uptime_ns();
        swtch(&scheduler_ctx, &p->ctx);
        KASSERT_INTR_OFF(); /* a process gives the hart back with them off */
        p->cpu_ns += uptime_ns() - ran_from;
        fp_save(&p->fp);
        current = NULL;
        current_task = boot_task_ptr;
    }
}
