/*
 * kernel/lib/timerq.c — see timerq.h. A doubly linked list kept sorted.
 */
#include "kernel/lib/timerq.h"

#include <stddef.h>

void timerq_init(struct timerq *q)
{
    q->head = NULL;
    q->count = 0;
}

void timerq_cancel(struct timerq *q, struct timerq_entry *e)
{
    if (!e->armed)
        return;
    if (e->prev)
        e->prev->next = e->next;
    else
        q->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    e->prev = e->next = NULL;
    e->armed = false;
    q->count--;
}

void timerq_arm(struct timerq *q, struct timerq_entry *e, uint64_t deadline)
{
    timerq_cancel(q, e);
    e->deadline = deadline;
    /* After every entry due at or before this one (FIFO among equals). */
    struct timerq_entry *before = NULL, *after = q->head;
    while (after && after->deadline <= deadline) {
        before = after;
        after = after->next;
    }
    e->prev = before;
    e->next = after;
    if (before)
        before->next = e;
    else
        q->head = e;
    if (after)
        after->prev = e;
    e->armed = true;
    q->count++;
}

uint64_t timerq_next_deadline(const struct timerq *q)
{
    return q->head ? q->head->deadline : TIMERQ_NEVER;
}

struct timerq_entry *timerq_pop_expired(struct timerq *q, uint64_t now)
{
    struct timerq_entry *e = q->head;
    if (!e || e->deadline > now)
        return NULL;
    timerq_cancel(q, e);
    return e;
}
