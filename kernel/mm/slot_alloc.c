/*
 * kernel/mm/slot_alloc.c — bitmap slot allocator; interface in slot_alloc.h.
 */
#include "kernel/mm/slot_alloc.h"
#include "kernel/lib/bitops.h"
#include "kernel/arch/panic.h"

static size_t nwords(const struct slot_pool *pool)
{
    return SLOT_POOL_BITMAP_WORDS(pool->nslots);
}

/* Bits of word w that correspond to real slots. */
static uint64_t valid_mask(const struct slot_pool *pool, size_t w)
{
    size_t tail = pool->nslots % 64;
    if (w + 1 == nwords(pool) && tail)
        return ((uint64_t)1 << tail) - 1;
    return ~(uint64_t)0;
}

void slot_pool_init(struct slot_pool *pool, const char *name, size_t nslots,
                    uint64_t *bitmap)
{
    pool->used_bits = bitmap;
    pool->nslots = nslots;
    pool->used = 0;
    pool->first_free_word = 0;
    pool->name = name ? name : "slot pool";
    for (size_t w = 0; w < SLOT_POOL_BITMAP_WORDS(nslots); w++)
        bitmap[w] = 0;
}

size_t slot_alloc(struct slot_pool *pool)
{
    size_t words = nwords(pool);
    for (size_t w = pool->first_free_word; w < words; w++) {
        uint64_t free_bits = ~pool->used_bits[w] & valid_mask(pool, w);
        if (!free_bits)
            continue;
        pool->first_free_word = w;
        size_t bit = ctz64(free_bits);
        pool->used_bits[w] |= (uint64_t)1 << bit;
        pool->used++;
        return w * 64 + bit;
    }
    pool->first_free_word = words;
    return SLOT_NONE;
}

void slot_free(struct slot_pool *pool, size_t slot)
{
    if (slot >= pool->nslots)
        panic("slot_free(%s, %zu): slot out of range (%zu slots)", pool->name,
              slot, pool->nslots);
    size_t w = slot / 64;
    uint64_t bit = (uint64_t)1 << (slot % 64);
    if (!(pool->used_bits[w] & bit))
        panic("slot_free(%s, %zu): slot is not in use (double free?)",
              pool->name, slot);
    KASSERT_DEBUG(pool->used > 0 && pool->used <= pool->nslots); /* used counts set bits */
    pool->used_bits[w] &= ~bit;
    pool->used--;
    if (w < pool->first_free_word)
        pool->first_free_word = w;
}

bool slot_is_used(const struct slot_pool *pool, size_t slot)
{
    if (slot >= pool->nslots)
        return false;
    return (pool->used_bits[slot / 64] >> (slot % 64)) & 1;
}

void slot_pool_check(const struct slot_pool *pool)
{
    size_t count = 0;
    for (size_t w = 0; w < nwords(pool); w++) {
        uint64_t bits = pool->used_bits[w];
        if (bits & ~valid_mask(pool, w))
            panic("slot_pool_check(%s): bits set past slot %zu", pool->name,
                  pool->nslots);
        if (w < pool->first_free_word && bits != valid_mask(pool, w))
            panic("slot_pool_check(%s): free slot below the search start",
                  pool->name);
        for (; bits; bits &= bits - 1)
            count++;
    }
    if (count != pool->used)
        panic("slot_pool_check(%s): %zu slots marked used, counter says %zu",
              pool->name, count, pool->used);
}
