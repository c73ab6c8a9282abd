/*
 * kernel/hooks/sched.h — sleeping and waking, the one way kernel code waits.
 *
 * sched_sleep(chan) must be called with interrupts disabled, after checking
 * the condition it waits for (so a wakeup between check and sleep cannot be
 * lost); it returns with interrupts disabled again, and the caller checks
 * the condition again (wakeups may be spurious). sched_wakeup(chan) makes
 * every task sleeping on chan runnable; it may be called from interrupt
 * handlers. Before the scheduler runs (boot), sleeping is a wfi. The
 * scheduler checks "interrupts off" (KASSERT_INTR_OFF, debug builds).
 * Implemented by the scheduler, kernel/proc/sched.c.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <stdbool.h>
#include <stdint.h>

void sched_sleep(const void *chan);
/* One step of an interruptible wait loop (interrupts off, the condition
 * just found false): -EAGAIN without sleeping if nonblock; -EINTR without
 * sleeping if a signal is pending for the running task; else sleeps on
 * chan and returns 0, and the caller checks its condition again. */
int sched_sleep_interruptible(const void *chan, bool nonblock);
void sched_wakeup(const void *chan);
/* Sleeps until uptime_ns() >= deadline (a timer-queue deadline, not a
 * tick); 0, or -EINTR when a signal becomes deliverable meanwhile. */
int sched_sleep_until(uint64_t deadline_ns);
/* Accounts a timer tick to the running process (user or system time). */
void sched_tick(bool from_user);

#endif
