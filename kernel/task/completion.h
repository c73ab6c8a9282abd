/*
 * kernel/task/completion.h — "wait until this has happened", signalled from an
 * interrupt handler. A completion is done once signalled; waiting on a done
 * completion returns at once. The waiting task sleeps on the completion
 * (kernel/hooks/sched.h), so other tasks run meanwhile.
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
