/*
 * kernel/mm/page_alloc.c — physical page allocator core; interface and
 * invariants in page_alloc.h.
 *
 * Searching uses the free bitmap 64 pages per word, so skipping a long
 * stretch of taken pages costs one load per 64 pages; the descriptor bytes
 * carry the run structure (TAKEN/LAST) that freeing and checking need.
 * Every misuse is detected before anything is modified, so a panic that a
 * host test catches with longjmp leaves the pool consistent.
 */
#include "kernel/mm/page_alloc.h"
#include "kernel/lib/bitops.h"
#include "kernel/arch/panic.h"

#define WORD_BITS 64u
#define NO_PAGE ((size_t)-1)

static size_t bitmap_words(size_t npages)
{
    return (npages + WORD_BITS - 1) / WORD_BITS;
}

static size_t round_up8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

size_t page_pool_meta_bytes(size_t npages)
{
    return bitmap_words(npages) * sizeof(uint64_t) + round_up8(npages) +
           round_up8(npages * sizeof(uint16_t)) * 2;
}

void page_pool_init(struct page_pool *pool, uintptr_t base_pa, size_t npages,
                    void *meta, size_t meta_bytes)
{
    if (base_pa & (PAGE_ALLOC_PAGE_SIZE - 1))
        panic("page_pool_init: base 0x%lx is not page-aligned",
              (unsigned long)base_pa);
    if (((uintptr_t)meta & 7) || meta_bytes < page_pool_meta_bytes(npages))
        panic("page_pool_init: metadata at %p (%zu bytes) is misaligned or "
              "smaller than the %zu bytes needed",
              meta, meta_bytes, page_pool_meta_bytes(npages));

    uint8_t *p = meta;
    pool->base_pa = base_pa;
    pool->npages = npages;
    pool->free_bits = (uint64_t *)p;
    p += bitmap_words(npages) * sizeof(uint64_t);
    pool->desc = p;
    p += round_up8(npages);
    pool->owner = (uint16_t *)p;
    p += round_up8(npages * sizeof(uint16_t));
    pool->refcount = (uint16_t *)p;

    size_t words = bitmap_words(npages);
    for (size_t w = 0; w < words; w++)
        pool->free_bits[w] = ~(uint64_t)0;
    if (npages % WORD_BITS) /* tail bits past the last page stay clear */
        pool->free_bits[words - 1] = ((uint64_t)1 << (npages % WORD_BITS)) - 1;
    for (size_t i = 0; i < npages; i++) {
        pool->desc[i] = 0;
        pool->owner[i] = PAGE_OWNER_FREE;
        pool->refcount[i] = 0;
    }
    pool->cursor = 0;
    pool->free_pages = npages;
    pool->reserved_pages = 0;
    pool->allocs = pool->frees = pool->alloc_failures = 0;
}

static bool page_is_free(const struct page_pool *pool, size_t i)
{
    return (pool->free_bits[i / WORD_BITS] >> (i % WORD_BITS)) & 1;
}

static void mark_taken(struct page_pool *pool, size_t i)
{
    pool->free_bits[i / WORD_BITS] &= ~((uint64_t)1 << (i % WORD_BITS));
}

static void mark_free(struct page_pool *pool, size_t i)
{
    pool->free_bits[i / WORD_BITS] |= (uint64_t)1 << (i % WORD_BITS);
}

/* First free page in [i, end), or end. */
static size_t next_free(const struct page_pool *pool, size_t i, size_t end)
{
    if (i >= end)
        return end;
    size_t w = i / WORD_BITS;
    uint64_t bits = pool->free_bits[w] & (~(uint64_t)0 << (i % WORD_BITS));
    size_t last_w = (end - 1) / WORD_BITS;
    while (!bits) {
        if (++w > last_w)
            return end;
        bits = pool->free_bits[w];
    }
    size_t found = w * WORD_BITS + ctz64(bits);
    return found < end ? found : end;
}

/* First taken page in [i, end), or end. */
static size_t next_taken(const struct page_pool *pool, size_t i, size_t end)
{
    if (i >= end)
        return end;
    size_t w = i / WORD_BITS;
    uint64_t bits = ~pool->free_bits[w] & (~(uint64_t)0 << (i % WORD_BITS));
    size_t last_w = (end - 1) / WORD_BITS;
    while (!bits) {
        if (++w > last_w)
            return end;
        bits = ~pool->free_bits[w];
    }
    size_t found = w * WORD_BITS + ctz64(bits);
    return found < end ? found : end;
}

/*
 * First index i in [from, limit) where pages [i, i+n) are all free and the
 * physical address of i is a multiple of align pages; NO_PAGE if none.
 * Alignment is of the physical address, so base_pa's own alignment counts.
 */
static size_t find_run(const struct page_pool *pool, size_t n, size_t align,
                       size_t from, size_t limit)
{
    uintptr_t first_pfn = pool->base_pa >> PAGE_ALLOC_PAGE_SHIFT;
    size_t i = from;
    for (;;) {
        i = next_free(pool, i, limit);
        if (i >= limit)
            return NO_PAGE;
        if (align > 1)
            i = (size_t)(((first_pfn + i + align - 1) & ~(uintptr_t)(align - 1)) -
                         first_pfn);
        if (i >= limit || n > pool->npages - i)
            return NO_PAGE;
        size_t taken = next_taken(pool, i, i + n);
        if (taken == i + n)
            return i;
        i = taken + 1;
    }
}

uintptr_t page_alloc_run(struct page_pool *pool, size_t npages,
                         size_t align_pages, uint16_t owner)
{
    if (align_pages == 0)
        align_pages = 1;
    if (align_pages & (align_pages - 1))
        panic("page_alloc_run: alignment %zu pages is not a power of two",
              align_pages);
    if (owner == PAGE_OWNER_FREE || owner == PAGE_OWNER_RESERVED)
        panic("page_alloc_run: invalid owner %u", (unsigned)owner);
    if (npages == 0 || npages > pool->free_pages) {
        pool->alloc_failures++;
        return 0;
    }

    size_t start = pool->cursor < pool->npages ? pool->cursor : 0;
    size_t i = find_run(pool, npages, align_pages, start, pool->npages);
    if (i == NO_PAGE && start > 0)
        i = find_run(pool, npages, align_pages, 0, start);
    if (i == NO_PAGE) {
        pool->alloc_failures++;
        return 0;
    }

    for (size_t j = i; j < i + npages; j++) {
        /* A free page: free bit set, descriptor 0, no owner, count 0. */
        KASSERT_DEBUG(page_is_free(pool, j) && pool->desc[j] == 0 &&
                      pool->owner[j] == PAGE_OWNER_FREE && pool->refcount[j] == 0);
        mark_taken(pool, j);
        pool->desc[j] = PAGE_DESC_TAKEN;
        pool->owner[j] = owner;
        pool->refcount[j] = 1;
    }
    pool->desc[i + npages - 1] |= PAGE_DESC_LAST;
    pool->free_pages -= npages;
    pool->allocs++;
    pool->cursor = i + npages;
    return pool->base_pa + ((uintptr_t)i << PAGE_ALLOC_PAGE_SHIFT);
}

/* Page index of pa, panicking (with the caller's name) if pa is not a
 * page-aligned address inside the pool. */
static size_t page_index(const struct page_pool *pool, uintptr_t pa,
                         const char *who)
{
    if (!page_pool_contains(pool, pa))
        panic("%s(0x%lx): address outside the page pool [0x%lx, 0x%lx)", who,
              (unsigned long)pa, (unsigned long)pool->base_pa,
              (unsigned long)(pool->base_pa +
                              (pool->npages << PAGE_ALLOC_PAGE_SHIFT)));
    if (pa & (PAGE_ALLOC_PAGE_SIZE - 1))
        panic("%s(0x%lx): address is not page-aligned", who,
              (unsigned long)pa);
    return (size_t)((pa - pool->base_pa) >> PAGE_ALLOC_PAGE_SHIFT);
}

/* Index of the run starting at pa; panics unless pa starts an allocated,
 * non-reserved run. */
static size_t run_start_index(const struct page_pool *pool, uintptr_t pa,
                              const char *who)
{
    size_t i = page_index(pool, pa, who);
    uint8_t d = pool->desc[i];
    if (!(d & PAGE_DESC_TAKEN))
        panic("%s(0x%lx): page is free (double free?)", who,
              (unsigned long)pa);
    if (d & PAGE_DESC_RESERVED)
        panic("%s(0x%lx): page is reserved", who, (unsigned long)pa);
    if (i > 0 && (pool->desc[i - 1] & PAGE_DESC_TAKEN) &&
        !(pool->desc[i - 1] & PAGE_DESC_LAST))
        panic("%s(0x%lx): page is inside a run, not the start of one", who,
              (unsigned long)pa);
    return i;
}

static size_t run_length(const struct page_pool *pool, size_t i)
{
    size_t j = i;
    while (!(pool->desc[j] & PAGE_DESC_LAST)) {
        if (++j >= pool->npages)
            panic("page pool corrupt: run at 0x%lx has no last page",
                  (unsigned long)(pool->base_pa +
                                  ((uintptr_t)i << PAGE_ALLOC_PAGE_SHIFT)));
    }
    return j - i + 1;
}

size_t page_free_run(struct page_pool *pool, uintptr_t pa)
{
    size_t i = run_start_index(pool, pa, "page_free_run");
    size_t n = run_length(pool, i);
    for (size_t j = i; j < i + n; j++)
        if (pool->refcount[j] > 1)
            panic("page_free_run(0x%lx): page 0x%lx is still shared "
                  "(refcount %u)",
                  (unsigned long)pa,
                  (unsigned long)(pool->base_pa +
                                  ((uintptr_t)j << PAGE_ALLOC_PAGE_SHIFT)),
                  (unsigned)pool->refcount[j]);
    for (size_t j = i; j < i + n; j++) {
        pool->desc[j] = 0;
        pool->owner[j] = PAGE_OWNER_FREE;
        pool->refcount[j] = 0;
        mark_free(pool, j);
    }
    pool->free_pages += n;
    pool->frees++;
    /* The freed run is the first place the next search will look, which
     * makes free+alloc of single pages O(1) and reuses warm pages. */
    pool->cursor = i;
    return n;
}

size_t page_reserve_range(struct page_pool *pool, uintptr_t pa, size_t len)
{
    if (len == 0 || pool->npages == 0)
        return 0;
    uintptr_t pool_end = pool->base_pa + (pool->npages << PAGE_ALLOC_PAGE_SHIFT);
    uintptr_t lo = pa & ~(PAGE_ALLOC_PAGE_SIZE - 1);
    uintptr_t hi = pa + len;
    if (hi < pa) /* wrapped: reserve to the top of the address space */
        hi = ~(uintptr_t)0;
    if (lo < pool->base_pa)
        lo = pool->base_pa;
    if (hi > pool_end)
        hi = pool_end;
    if (lo >= hi)
        return 0;
    size_t first = (size_t)((lo - pool->base_pa) >> PAGE_ALLOC_PAGE_SHIFT);
    size_t end = (size_t)((hi - pool->base_pa + PAGE_ALLOC_PAGE_SIZE - 1) >>
                          PAGE_ALLOC_PAGE_SHIFT);

    for (size_t i = first; i < end; i++)
        if ((pool->desc[i] & PAGE_DESC_TAKEN) &&
            !(pool->desc[i] & PAGE_DESC_RESERVED))
            panic("page_reserve_range: page 0x%lx is already allocated",
                  (unsigned long)(pool->base_pa +
                                  ((uintptr_t)i << PAGE_ALLOC_PAGE_SHIFT)));
    size_t newly = 0;
    for (size_t i = first; i < end; i++) {
        if (pool->desc[i] & PAGE_DESC_RESERVED)
            continue;
        mark_taken(pool, i);
        pool->desc[i] = PAGE_DESC_TAKEN | PAGE_DESC_LAST | PAGE_DESC_RESERVED;
        pool->owner[i] = PAGE_OWNER_RESERVED;
        pool->refcount[i] = 0;
        newly++;
    }
    pool->free_pages -= newly;
    pool->reserved_pages += newly;
    return newly;
}

size_t page_run_pages(const struct page_pool *pool, uintptr_t pa)
{
    return run_length(pool, run_start_index(pool, pa, "page_run_pages"));
}

uint16_t page_owner_of(const struct page_pool *pool, uintptr_t pa)
{
    return pool->owner[page_index(pool, pa & ~(PAGE_ALLOC_PAGE_SIZE - 1),
                                  "page_owner_of")];
}

void page_set_owner(struct page_pool *pool, uintptr_t pa, uint16_t owner)
{
    if (owner == PAGE_OWNER_FREE || owner == PAGE_OWNER_RESERVED)
        panic("page_set_owner(0x%lx): invalid owner %u", (unsigned long)pa,
              (unsigned)owner);
    size_t i = run_start_index(pool, pa, "page_set_owner");
    size_t n = run_length(pool, i);
    for (size_t j = i; j < i + n; j++)
        pool->owner[j] = owner;
}

/* Index of an allocated, non-reserved page (any page of a run). */
static size_t ref_index(const struct page_pool *pool, uintptr_t pa,
                        const char *who)
{
    size_t i = page_index(pool, pa, who);
    if (!(pool->desc[i] & PAGE_DESC_TAKEN))
        panic("%s(0x%lx): page is free", who, (unsigned long)pa);
    if (pool->desc[i] & PAGE_DESC_RESERVED)
        panic("%s(0x%lx): page is reserved", who, (unsigned long)pa);
    return i;
}

uint16_t page_ref_get(struct page_pool *pool, uintptr_t pa)
{
    size_t i = ref_index(pool, pa, "page_ref_get");
    if (pool->refcount[i] == UINT16_MAX)
        panic("page_ref_get(0x%lx): reference count overflow",
              (unsigned long)pa);
    return ++pool->refcount[i];
}

uint16_t page_ref_put(struct page_pool *pool, uintptr_t pa)
{
    size_t i = ref_index(pool, pa, "page_ref_put");
    if (pool->refcount[i] == 0)
        panic("page_ref_put(0x%lx): reference count already 0",
              (unsigned long)pa);
    return --pool->refcount[i];
}

uint16_t page_ref_count(const struct page_pool *pool, uintptr_t pa)
{
    return pool->refcount[page_index(pool, pa, "page_ref_count")];
}

size_t page_owner_counts(const struct page_pool *pool, size_t *counts,
                         size_t n)
{
    size_t beyond = 0;
    for (size_t k = 0; k < n; k++)
        counts[k] = 0;
    for (size_t i = 0; i < pool->npages; i++) {
        uint16_t o = pool->owner[i];
        if (o < n)
            counts[o]++;
        else
            beyond++;
    }
    return beyond;
}

const char *page_owner_name(uint16_t owner)
{
    switch (owner) {
    case PAGE_OWNER_FREE:      return "free";
    case PAGE_OWNER_RESERVED:  return "reserved";
    case PAGE_OWNER_KERNEL:    return "kernel";
    case PAGE_OWNER_HEAP:      return "heap";
    case PAGE_OWNER_PAGETABLE: return "pagetable";
    case PAGE_OWNER_STACK:     return "stack";
    case PAGE_OWNER_DMA:       return "dma";
    case PAGE_OWNER_FS:        return "fs";
    case PAGE_OWNER_GFX:       return "gfx";
    case PAGE_OWNER_AUDIO:     return "audio";
    case PAGE_OWNER_PIPE:      return "pipe";
    case PAGE_OWNER_TEST:      return "test";
    default:
        return owner >= PAGE_OWNER_PROC_BASE ? "process" : "unknown";
    }
}

void page_pool_check(const struct page_pool *pool)
{
#define PAGE_PA(i) \
    (unsigned long)(pool->base_pa + ((uintptr_t)(i) << PAGE_ALLOC_PAGE_SHIFT))
    size_t free_count = 0, reserved_count = 0;
    bool in_run = false;
    uint16_t run_owner = 0;
    for (size_t i = 0; i < pool->npages; i++) {
        uint8_t d = pool->desc[i];
        bool bit_free = page_is_free(pool, i);
        if (bit_free != !(d & PAGE_DESC_TAKEN))
            panic("page_pool_check: page 0x%lx: free bit %d but descriptor "
                  "0x%x", PAGE_PA(i), (int)bit_free, (unsigned)d);
        if (d & ~(PAGE_DESC_TAKEN | PAGE_DESC_LAST | PAGE_DESC_RESERVED))
            panic("page_pool_check: page 0x%lx: bad descriptor 0x%x",
                  PAGE_PA(i), (unsigned)d);
        if (!(d & PAGE_DESC_TAKEN)) {
            if (in_run)
                panic("page_pool_check: run ending before page 0x%lx has no "
                      "last page", PAGE_PA(i));
            if (d || pool->owner[i] || pool->refcount[i])
                panic("page_pool_check: free page 0x%lx has descriptor 0x%x, "
                      "owner %u, refcount %u", PAGE_PA(i), (unsigned)d,
                      (unsigned)pool->owner[i], (unsigned)pool->refcount[i]);
            free_count++;
            continue;
        }
        if (d & PAGE_DESC_RESERVED) {
            if (in_run)
                panic("page_pool_check: reserved page 0x%lx inside a run",
                      PAGE_PA(i));
            if (!(d & PAGE_DESC_LAST) ||
                pool->owner[i] != PAGE_OWNER_RESERVED || pool->refcount[i])
                panic("page_pool_check: reserved page 0x%lx has descriptor "
                      "0x%x, owner %u, refcount %u", PAGE_PA(i), (unsigned)d,
                      (unsigned)pool->owner[i], (unsigned)pool->refcount[i]);
            reserved_count++;
            continue;
        }
        uint16_t o = pool->owner[i];
        if (o == PAGE_OWNER_FREE || o == PAGE_OWNER_RESERVED)
            panic("page_pool_check: allocated page 0x%lx has owner %u",
                  PAGE_PA(i), (unsigned)o);
        if (in_run && o != run_owner)
            panic("page_pool_check: page 0x%lx owner %u differs from its "
                  "run's owner %u", PAGE_PA(i), (unsigned)o,
                  (unsigned)run_owner);
        run_owner = o;
        in_run = !(d & PAGE_DESC_LAST);
    }
    if (in_run)
        panic("page_pool_check: last run of the pool has no last page");
    size_t words = bitmap_words(pool->npages);
    if (pool->npages % WORD_BITS &&
        (pool->free_bits[words - 1] >> (pool->npages % WORD_BITS)))
        panic("page_pool_check: free bits set past the last page");
    if (free_count != pool->free_pages)
        panic("page_pool_check: %zu free pages but counter says %zu",
              free_count, pool->free_pages);
    if (reserved_count != pool->reserved_pages)
        panic("page_pool_check: %zu reserved pages but counter says %zu",
              reserved_count, pool->reserved_pages);
#undef PAGE_PA
}
