/*
 * kernel/arch/rtc.h — wall-clock time: the goldfish RTC from the device tree read
 * once at boot, then advanced by the monotonic timer (so it never jumps).
 * 0 when the machine has no RTC.
 */
#ifndef KERNEL_RTC_H
#define KERNEL_RTC_H

#include <stdint.h>

void rtc_init(void);
uint64_t rtc_realtime_ns(void);
uint64_t rtc_seconds(void);

#endif
