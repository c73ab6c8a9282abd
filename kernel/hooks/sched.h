/*
 * kernel/hooks/sched.h — sleeping and waking, the one way kernel code waits.
 *
 * sched_sleep(chan) must be called with interrupts disabled, after checking
 * the condition it waits for (so a wakeup between check and sleep cannot be
 * lost); it returns with interrupts disabled again, and the caller checks
 * the condition again (wakeups may be spurious). sched_wakeup(chan) makes
 * every task sleeping on chan runnable; it may be called from interrupt
 * handlers. Before the scheduler runs (boot), sleeping is a wfi.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <stdbool.h>

void sched_sleep(const void *chan);
void sched_wakeup(const void *chan);

#endif
