/*
 * kernel/lib/timerq.h — a queue of timers ordered by deadline (pure,
 * host-testable; the kernel's one instance lives in kernel/arch/timer.c).
 *
 * A struct timerq_entry is embedded in whatever needs waking (a process's
 * sleep, its interval timer, a driver timeout). timerq_arm() puts it in the
 * queue at its deadline (moving it if it was already queued); entries with
 * equal deadlines fire in the order they were armed. timerq_pop_expired()
 * hands out, earliest first, the entries whose deadline is <= now, each
 * already removed (disarmed), so its owner may re-arm it at once.
 *
 * Invariants: the list from head is sorted by deadline, non-decreasing; an
 * entry is in the queue exactly when entry->armed; prev/next are only
 * meaningful while armed. Insertion is O(n) (n is a few dozen here),
 * cancel and pop are O(1). No locking: the kernel calls it with interrupts
 * off. A zeroed entry is valid and disarmed.
 */
#ifndef KERNEL_TIMERQ_H
#define KERNEL_TIMERQ_H

#include <stdbool.h>
#include <stdint.h>

#define TIMERQ_NEVER UINT64_MAX

struct timerq_entry {
    uint64_t deadline;                  /* ns since boot */
    struct timerq_entry *prev, *next;
    bool armed;
    void (*fire)(struct timerq_entry *e); /* called by the owner of the queue */
};

struct timerq {
    struct timerq_entry *head;          /* earliest deadline first */
    unsigned count;
};

void timerq_init(struct timerq *q);
void timerq_arm(struct timerq *q, struct timerq_entry *e, uint64_t deadline);
/* Removes e if armed; harmless otherwise. */
void timerq_cancel(struct timerq *q, struct timerq_entry *e);
/* The earliest deadline, or TIMERQ_NEVER when the queue is empty. */
uint64_t timerq_next_deadline(const struct timerq *q);
/* The earliest entry with deadline <= now, removed; NULL if none. */
struct timerq_entry *timerq_pop_expired(struct timerq *q, uint64_t now);

#endif
