/*
 * kernel/timer.h — time since boot and the periodic scheduler tick.
 *
 * Time comes from the `time` CSR at the device tree's timebase-frequency.
 * The tick is programmed with the Sstc stimecmp CSR when the hart has Sstc,
 * otherwise with the SBI timer call.
 */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define TIMER_HZ 100

void timer_init(uint64_t timebase_hz, bool use_sstc);
void timer_interrupt(void);
uint64_t uptime_us(void);
uint64_t uptime_ns(void);
uint64_t timer_ticks(void);

#endif
