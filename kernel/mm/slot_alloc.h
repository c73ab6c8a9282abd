/*
 * kernel/mm/slot_alloc.h — allocator of N equal slots tracked by a bitmap
 * (pure, host-testable). The kernel uses one for kernel-stack slots in a
 * dedicated virtual region (slot i = guard page + stack pages at
 * region + i * slot_size); any "N identical things" table can use it.
 *
 * The bitmap lives off to the side in caller storage of
 * SLOT_POOL_BITMAP_WORDS(nslots) uint64_t words; bit i set = slot i in use;
 * bits past nslots are always clear.
 *
 * slot_alloc returns the lowest free index (SLOT_NONE when full), so slot
 * numbers stay small and dense. `first_free_word` is a lower bound on the
 * word holding the lowest free slot, so alloc skips full words without
 * rescanning from 0. Freeing a free slot or an index out of range panics.
 * No locking: the kernel wraps calls.
 */
#ifndef KERNEL_SLOT_ALLOC_H
#define KERNEL_SLOT_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SLOT_NONE ((size_t)-1)
#define SLOT_POOL_BITMAP_WORDS(nslots) (((nslots) + 63) / 64)

struct slot_pool {
    uint64_t *used_bits;
    size_t nslots;
    size_t used;
    size_t first_free_word;
    const char *name;   /* for panic messages, e.g. "kstack" */
};

/* All slots free. bitmap holds SLOT_POOL_BITMAP_WORDS(nslots) words. */
void slot_pool_init(struct slot_pool *pool, const char *name, size_t nslots,
                    uint64_t *bitmap);

/* Lowest free slot, now marked used; SLOT_NONE when all are used. */
size_t slot_alloc(struct slot_pool *pool);

/* Release a used slot; panics on double free or index >= nslots. */
void slot_free(struct slot_pool *pool, size_t slot);

/* False for free slots and for indices out of range. */
bool slot_is_used(const struct slot_pool *pool, size_t slot);

static inline size_t slot_used_count(const struct slot_pool *pool)
{
    return pool->used;
}

/* Verify the used counter against the bitmap and that tail bits are clear;
 * panics on mismatch. */
void slot_pool_check(const struct slot_pool *pool);

#endif
