/*
 * kernel/timer.c — see timer.h. Each tick's deadline is the previous deadline
 * plus one period (not "now + period"), so the tick rate does not drift when
 * an interrupt is handled late, and ticks count elapsed periods.
 */
#include "kernel/timer.h"

#include "kernel/riscv.h"
#include "kernel/sbi.h"

static uint64_t timebase;
static uint64_t period;
static uint64_t next_deadline;
static uint64_t ticks;
static bool sstc;

static void set_deadline(uint64_t t)
{
    if (sstc)
        csr_write(0x14d, t); /* stimecmp */
    else
        sbi_set_timer(t);
}

void timer_init(uint64_t timebase_hz, bool use_sstc)
{
    timebase = timebase_hz;
    sstc = use_sstc;
    period = timebase_hz / TIMER_HZ;
    next_deadline = rdtime() + period;
    set_deadline(next_deadline);
    csr_set(sie, SIE_STIE);
}

void timer_interrupt(void)
{
    ticks++;
    next_deadline += period;
    uint64_t now = rdtime();
    if (next_deadline <= now) {
        /* Interrupts were off for longer than a period: count the periods
         * that passed (the tick count stays a measure of elapsed time) but
         * program only the next one, so there is no storm of catch-up
         * interrupts. */
        uint64_t missed = (now - next_deadline) / period + 1;
        ticks += missed;
        next_deadline += missed * period;
    }
    set_deadline(next_deadline);
}

uint64_t uptime_us(void)
{
    if (!timebase)
        return 0;
    uint64_t t = rdtime();
    return t / timebase * 1000000 + (t % timebase) * 1000000 / timebase;
}

uint64_t uptime_ns(void)
{
    if (!timebase)
        return 0;
    uint64_t t = rdtime();
    return t / timebase * 1000000000 + (t % timebase) * 1000000000 / timebase;
}

uint64_t timer_ticks(void)
{
    return ticks;
}
