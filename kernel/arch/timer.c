/*
 * kernel/arch/timer.c — see timer.h. While the tick is on, each tick's deadline
 * is the previous one plus one period (not "now + period"), so the tick
 * rate does not drift when an interrupt is handled late. Queue deadlines
 * are converted from ns to timebase units rounding up, so when the
 * interrupt comes uptime_ns() has reached the deadline.
 */
#include "kernel/arch/timer.h"

#include "kernel/arch/riscv.h"
#include "kernel/arch/sbi.h"

static uint64_t timebase;
static uint64_t period;
static uint64_t next_tick;      /* timebase units; meaningful while tick_on */
static bool tick_on;
static uint64_t ticks, interrupts;
static bool sstc;
static struct timerq queue;

static void set_deadline(uint64_t t)
{
    if (sstc)
        csr_write(0x14d, t); /* stimecmp */
    else
        sbi_set_timer(t);
}

static uint64_t ns_to_time(uint64_t ns)
{
    if (ns == TIMERQ_NEVER)
        return UINT64_MAX;
    return ns / 1000000000 * timebase + ((ns % 1000000000) * timebase + 999999999) / 1000000000;
}

/* The hardware timer for the earliest thing due. Interrupts off. */
static void reprogram(void)
{
    KASSERT_INTR_OFF();
    uint64_t t = tick_on ? next_tick : UINT64_MAX;
    uint64_t q = ns_to_time(timerq_next_deadline(&queue));
    set_deadline(q < t ? q : t);
}

void timer_init(uint64_t timebase_hz, bool use_sstc)
{
    timebase = timebase_hz;
    sstc = use_sstc;
    period = timebase_hz / TIMER_HZ;
    timerq_init(&queue);
    tick_on = true;
    next_tick = rdtime() + period;
    reprogram();
    csr_set(sie, SIE_STIE);
}

bool timer_interrupt(void)
{
    interrupts++;
    bool ticked = false;
    uint64_t now = rdtime();
    if (tick_on && now >= next_tick) {
        ticked = true;
        ticks++;
        next_tick += period;
        if (next_tick <= now) {
            /* Interrupts were off for longer than a period: count the
             * periods that passed but program only the next one, so there
             * is no storm of catch-up interrupts. */
            uint64_t missed = (now - next_tick) / period + 1;
            ticks += missed;
            next_tick += missed * period;
        }
    }
    uint64_t now_ns = uptime_ns();
    struct timerq_entry *e;
    while ((e = timerq_pop_expired(&queue, now_ns)))
        e->fire(e);
    reprogram();
    return ticked;
}

void timer_set_tick(bool on)
{
    if (on == tick_on)
        return;
    uint64_t flags = irq_save();
    tick_on = on;
    if (on)
        next_tick = rdtime() + period;
    reprogram();
    irq_restore(flags);
}

void timer_arm(struct timerq_entry *e, uint64_t deadline_ns)
{
    uint64_t flags = irq_save();
    timerq_arm(&queue, e, deadline_ns);
    reprogram();
    irq_restore(flags);
}

void timer_cancel(struct timerq_entry *e)
{
    uint64_t flags = irq_save();
    timerq_cancel(&queue, e);
    reprogram();
    irq_restore(flags);
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

uint64_t timer_interrupts(void)
{
    return interrupts;
}
