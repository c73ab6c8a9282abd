/*
 * kernel/mm/kstack.h — kernel stacks in their own virtual region, each with an
 * unmapped guard below it (layout in memlayout.h). Slots are handed out by a
 * slot_alloc bitmap kept here, not inside any stack. A stack's pages come
 * from the page allocator one by one; they need not be contiguous.
 */
#ifndef KERNEL_KSTACK_H
#define KERNEL_KSTACK_H

#include <stdbool.h>
#include <stdint.h>

struct kstack {
    uint64_t lo, hi; /* usable stack [lo, hi); hi is the initial sp */
    uint32_t slot;
};

void kstack_init(void);
/* 0, or -ENOMEM when out of slots or pages. */
int kstack_alloc(struct kstack *ks);
void kstack_free(struct kstack *ks);
/* kstack_is_guard(addr), "is addr in some stack's guard area", is in
 * kernel/arch/memlayout.h: the trap handler asks it. */
uint64_t kstack_in_use(void);

#endif
