/*
 * kernel/mm/page_alloc.h — physical page allocator core (pure, host-testable).
 *
 * A struct page_pool manages the physical pages [base_pa, base_pa + npages *
 * 4096). It never touches the pages themselves, only side metadata that the
 * caller provides (page_pool_meta_bytes(npages) bytes, 8-byte aligned):
 *
 *   free bitmap  1 bit per page, 1 = free (fast word-at-a-time searching)
 *   descriptor   1 byte per page: PAGE_DESC_TAKEN, PAGE_DESC_LAST,
 *                PAGE_DESC_RESERVED
 *   owner        uint16_t per page (enum page_owner or PAGE_OWNER_PROC(pid))
 *   refcount     uint16_t per page
 *
 * Invariants (page_pool_check verifies them):
 *   - a page is free  <=> its free bit is set <=> its descriptor is 0, and a
 *     free page has owner 0 and refcount 0;
 *   - a run is a maximal sequence of TAKEN pages ending at the first page
 *     with LAST; every page of a run has the same owner; a run's first page
 *     is page 0 or follows a free page or a LAST page;
 *   - a reserved page is its own one-page run (TAKEN|LAST|RESERVED) owned by
 *     PAGE_OWNER_RESERVED with refcount 0, and is never freed;
 *   - free_pages equals the number of free bits.
 *
 * Allocation is first fit starting at a next-fit cursor (wrapping around);
 * freeing moves the cursor back to the freed run so a single-page free/alloc
 * pair is O(1). Exhaustion returns 0 and never panics; misuse (double free,
 * free of a non-run-start, of a reserved page, out of range, refcount
 * underflow) panics with a message naming the physical address.
 *
 * Reference counts (for copy-on-write): every page of a new run has count 1.
 * page_ref_get/page_ref_put adjust one page's count and return the new
 * value; the pool never frees on its own. The caller frees at zero:
 *     if (page_ref_put(pool, pa) == 0) page_free_run(pool, pa);
 * page_free_run accepts counts 0 or 1 and panics on a page still shared (>1).
 *
 * No locking: the kernel wraps calls (single hart, interrupts off).
 */
#ifndef KERNEL_PAGE_ALLOC_H
#define KERNEL_PAGE_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_ALLOC_PAGE_SHIFT 12
#define PAGE_ALLOC_PAGE_SIZE  ((uintptr_t)1 << PAGE_ALLOC_PAGE_SHIFT)

/* Descriptor byte flags. */
#define PAGE_DESC_TAKEN    0x01u
#define PAGE_DESC_LAST     0x02u
#define PAGE_DESC_RESERVED 0x04u

/* Who holds a page; process-owned pages use PAGE_OWNER_PROC(pid). */
enum page_owner {
    PAGE_OWNER_FREE = 0,
    PAGE_OWNER_RESERVED,   /* firmware, kernel image, FDT, allocator metadata */
    PAGE_OWNER_KERNEL,     /* generic kernel use */
    PAGE_OWNER_HEAP,       /* kmalloc slabs and large runs */
    PAGE_OWNER_PAGETABLE,  /* Sv39 page-table pages */
    PAGE_OWNER_STACK,      /* kernel stacks */
    PAGE_OWNER_DMA,        /* virtio rings and buffers */
    PAGE_OWNER_FS,         /* block cache, inodes */
    PAGE_OWNER_GFX,        /* framebuffers */
    PAGE_OWNER_AUDIO,      /* audio buffers */
    PAGE_OWNER_PIPE,       /* pipe buffers */
    PAGE_OWNER_TEST,       /* selftests */
    PAGE_OWNER_PROC_BASE = 16,
};
#define PAGE_OWNER_PROC(pid) ((uint16_t)(PAGE_OWNER_PROC_BASE + (pid)))
#define PAGE_OWNER_MAX 0xffffu

struct page_pool {
    uintptr_t base_pa;      /* physical address of page 0 (page-aligned) */
    size_t npages;
    uint64_t *free_bits;    /* bit i set = page i free; tail bits stay 0 */
    uint8_t *desc;          /* PAGE_DESC_* per page */
    uint16_t *owner;
    uint16_t *refcount;
    size_t cursor;          /* next-fit search start (page index) */
    /* counters */
    size_t free_pages;
    size_t reserved_pages;
    uint64_t allocs;        /* successful page_alloc_run calls */
    uint64_t frees;         /* page_free_run calls */
    uint64_t alloc_failures;
};

/* Bytes of metadata page_pool_init needs for npages pages (8-byte aligned). */
size_t page_pool_meta_bytes(size_t npages);

/*
 * Set up a pool over [base_pa, base_pa + npages*4096) with every page free.
 * meta must be 8-byte aligned and at least page_pool_meta_bytes(npages)
 * bytes; it may lie inside the managed range if the caller then reserves it.
 * base_pa must be page-aligned. Panics on bad arguments.
 */
void page_pool_init(struct page_pool *pool, uintptr_t base_pa, size_t npages,
                    void *meta, size_t meta_bytes);

/*
 * Mark every page overlapping [pa, pa+len) reserved. Parts outside the pool
 * are ignored (firmware regions may lie below it); re-reserving is fine;
 * reserving a page that is allocated panics. Returns pages newly reserved.
 */
size_t page_reserve_range(struct page_pool *pool, uintptr_t pa, size_t len);

/*
 * Allocate npages physically contiguous pages whose first address is a
 * multiple of align_pages*4096 (align_pages: power of two; 0 means 1).
 * Every page gets owner and refcount 1. Returns the physical address, or 0
 * when no such run is free (or npages == 0). owner must not be FREE/RESERVED.
 */
uintptr_t page_alloc_run(struct page_pool *pool, size_t npages,
                         size_t align_pages, uint16_t owner);

/* Free the run starting at pa; panics on any misuse. Returns pages freed. */
size_t page_free_run(struct page_pool *pool, uintptr_t pa);

/* Pages in the run starting at pa (panics if pa is not a run start). */
size_t page_run_pages(const struct page_pool *pool, uintptr_t pa);

/* Owner of the page containing pa (PAGE_OWNER_FREE if free). */
uint16_t page_owner_of(const struct page_pool *pool, uintptr_t pa);
/* Give the whole run starting at pa to a new owner (e.g. on exec). */
void page_set_owner(struct page_pool *pool, uintptr_t pa, uint16_t owner);

/* Reference counts of one allocated, non-reserved page; return new count. */
uint16_t page_ref_get(struct page_pool *pool, uintptr_t pa);
uint16_t page_ref_put(struct page_pool *pool, uintptr_t pa);
uint16_t page_ref_count(const struct page_pool *pool, uintptr_t pa);

/*
 * counts[i] = pages owned by owner id i, for i < n (counts[0] = free pages,
 * counts[PAGE_OWNER_RESERVED] = reserved). Returns the number of pages whose
 * owner id is >= n (e.g. pass PAGE_OWNER_PROC_BASE to get "all processes").
 */
size_t page_owner_counts(const struct page_pool *pool, size_t *counts,
                         size_t n);

/* "free", "reserved", "kernel", ... "process" for >= PROC_BASE. */
const char *page_owner_name(uint16_t owner);

static inline size_t page_pool_free_pages(const struct page_pool *pool)
{
    return pool->free_pages;
}
static inline size_t page_pool_total_pages(const struct page_pool *pool)
{
    return pool->npages;
}
static inline bool page_pool_contains(const struct page_pool *pool,
                                      uintptr_t pa)
{
    return pa >= pool->base_pa &&
           (pa - pool->base_pa) >> PAGE_ALLOC_PAGE_SHIFT < pool->npages;
}

/* Verify every invariant above; panics naming the first bad page. */
void page_pool_check(const struct page_pool *pool);

#endif
