/*
 * kernel/arch/timer.h — time since boot, the kernel's timer queue, and the
 * scheduler tick.
 *
 * Time comes from the `time` CSR at the device tree's timebase-frequency.
 * The one hardware timer (the Sstc stimecmp CSR when the hart has Sstc,
 * otherwise the SBI timer call) is always programmed for the earliest of:
 *   - the next periodic tick (TIMER_HZ), but only while the tick is on:
 *     the scheduler turns it on while it runs processes (preemption, CPU
 *     accounting) and off when it goes idle; it is on during boot;
 *   - the earliest deadline in the timer queue (kernel/lib/timerq.h): process
 *     sleeps, interval timers (alarm/setitimer), driver timeouts.
 * So an idle machine takes a timer interrupt only when some deadline is
 * due, not 100 times a second.
 *
 * timer_arm/timer_cancel may be called with interrupts on or off; an
 * entry's fire() runs in the timer interrupt, with interrupts off, after
 * the entry has left the queue (so it may re-arm itself).
 */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/lib/timerq.h"

#define TIMER_HZ 100

void timer_init(uint64_t timebase_hz, bool use_sstc);
/* The timer interrupt: runs expired queue entries, reprograms the timer.
 * True when a periodic tick elapsed (account CPU time, maybe preempt). */
bool timer_interrupt(void);
/* The periodic tick on (something runs) or off (idle). */
void timer_set_tick(bool on);
/* Queue e to fire at deadline_ns (uptime_ns scale); re-arming moves it. */
void timer_arm(struct timerq_entry *e, uint64_t deadline_ns);
void timer_cancel(struct timerq_entry *e);
uint64_t uptime_us(void);
uint64_t uptime_ns(void);
/* Periodic ticks taken (only while the tick was on). */
uint64_t timer_ticks(void);
/* Timer interrupts taken in all (ticks and deadlines). */
uint64_t timer_interrupts(void);

#endif
