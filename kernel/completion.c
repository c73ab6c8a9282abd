/*
 * kernel/completion.c — see completion.h. The check-then-wfi sequence runs
 * with interrupts masked: wfi still wakes on a pending interrupt, and the
 * brief unmask after it lets the handler run, so no signal is missed.
 */
#include "kernel/completion.h"

#include "kernel/riscv.h"

void completion_signal(struct completion *c)
{
    c->done = true;
}

void completion_wait(struct completion *c)
{
    uint64_t flags = irq_save();
    while (!c->done) {
        wfi();
        csr_set(sstatus, SSTATUS_SIE);
        csr_clear(sstatus, SSTATUS_SIE);
    }
    irq_restore(flags);
}
