/*
 * kernel/task/completion.c — see completion.h: a flag plus sleep/wakeup on the
 * completion's address (kernel/hooks/sched.h).
 */
#include "kernel/task/completion.h"

#include "kernel/arch/riscv.h"
#include "kernel/hooks/sched.h"

void completion_signal(struct completion *c)
{
    KASSERT_INTR_OFF(); /* from an interrupt handler (or a poll with them off) */
    c->done = true;
    sched_wakeup(c);
}

void completion_wait(struct completion *c)
{
    uint64_t flags = irq_save();
    while (!c->done)
        sched_sleep(c);
    irq_restore(flags);
}
