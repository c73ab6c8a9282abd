/*
 * kernel/task/sleeplock.h — a lock held across sleeps (disk I/O), for long
 * critical sections such as a file-system operation. The kernel is not
 * preemptive, so tasks only interleave where one sleeps; this lock keeps a
 * second task out of a structure the first is in the middle of changing.
 * Invariant: only the task that acquired the lock releases it (holder); code
 * that needs the lock says so with KASSERT_DEBUG(sleeplock_held(&lock)).
 */
#ifndef KERNEL_SLEEPLOCK_H
#define KERNEL_SLEEPLOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel/arch/panic.h"
#include "kernel/arch/riscv.h"
#include "kernel/hooks/sched.h"
#include "kernel/task/task.h"

struct sleeplock {
    volatile bool held;
    const struct task *holder; /* who acquired it, while held */
};

static inline void sleeplock_acquire(struct sleeplock *l)
{
    uint64_t flags = irq_save();
    while (l->held)
        sched_sleep(l);
    l->held = true;
    l->holder = current_task;
    irq_restore(flags);
}

/* Whether the running task holds l. */
static inline bool sleeplock_held(const struct sleeplock *l)
{
    return l->held && l->holder == current_task;
}

static inline void sleeplock_release(struct sleeplock *l)
{
    uint64_t flags = irq_save();
    KASSERT_DEBUG(sleeplock_held(l));
    l->held = false;
    l->holder = NULL;
    sched_wakeup(l);
    irq_restore(flags);
}

#endif
