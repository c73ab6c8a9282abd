/*
 * kernel/task/sleeplock.h — a lock held across sleeps (disk I/O), for long
 * critical sections such as a file-system operation. The kernel is not
 * preemptive, so tasks only interleave where one sleeps; this lock keeps a
 * second task out of a structure the first is in the middle of changing.
 */
#ifndef KERNEL_SLEEPLOCK_H
#define KERNEL_SLEEPLOCK_H

#include <stdbool.h>

#include "kernel/arch/riscv.h"
#include "kernel/hooks/sched.h"

struct sleeplock {
    volatile bool held;
};

static inline void sleeplock_acquire(struct sleeplock *l)
{
    uint64_t flags = irq_save();
    while (l->held)
        sched_sleep(l);
    l->held = true;
    irq_restore(flags);
}

static inline void sleeplock_release(struct sleeplock *l)
{
    uint64_t flags = irq_save();
    l->held = false;
    sched_wakeup(l);
    irq_restore(flags);
}

#endif
