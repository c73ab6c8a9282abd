/*
 * kernel/arch/rtc.c — see rtc.h. Goldfish RTC registers: TIME_LOW at 0x00 (reading
 * it latches TIME_HIGH) and TIME_HIGH at 0x04: nanoseconds since 1970.
 */
#include "kernel/arch/rtc.h"

#include "kernel/arch/memlayout.h"
#include "kernel/arch/platform.h"
#include "kernel/arch/timer.h"

static uint64_t boot_realtime_ns, boot_uptime_ns;

void rtc_init(void)
{
    if (!platform.has_rtc)
        return;
    volatile uint32_t *regs = pa_to_kva(platform.rtc.base);
    uint64_t low = regs[0];
    uint64_t high = regs[1];
    boot_realtime_ns = (high << 32) | low;
    boot_uptime_ns = uptime_ns();
}

uint64_t rtc_realtime_ns(void)
{
    if (!boot_realtime_ns)
        return 0;
    return boot_realtime_ns + (uptime_ns() - boot_uptime_ns);
}

uint64_t rtc_seconds(void)
{
    return rtc_realtime_ns() / 1000000000ULL;
}
