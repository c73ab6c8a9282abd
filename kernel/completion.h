/*
 * kernel/completion.h — "wait until this has happened", signalled from an
 * interrupt handler. A completion is done once signalled; waiting on a done
 * completion returns at once. The waiting task sleeps (wfi) with interrupts
 * enabled, so the handler that signals it can run. With a scheduler the wait
 * becomes a sleep on the completion as a wait channel; callers don't change.
 */
#ifndef KERNEL_COMPLETION_H
#define KERNEL_COMPLETION_H

#include <stdbool.h>

struct completion {
    volatile bool done;
};

static inline void completion_init(struct completion *c)
{
    c->done = false;
}

void completion_signal(struct completion *c);
void completion_wait(struct completion *c);

#endif
