/*
 * kernel/mm/kheap.h — kernel heap core: kheap_alloc/kheap_free/kheap_calloc/kheap_realloc over a
 * page provider (pure, host-testable; no locks, no global instance).
 *
 * Small requests (1..2048 bytes) are served from size-class slabs: classes
 * 16, 32, 64, ..., 2048, each slab one page from the provider, objects
 * packed at multiples of the class size (so every object is aligned to its
 * class size, at least 16). Larger requests get their own page run from the
 * provider and are page-aligned. kheap_alloc(0) returns NULL; kheap_free(NULL) is a
 * no-op; kheap_realloc(p, 0) frees p and returns NULL.
 *
 * Every slab and every large run has an out-of-line descriptor (a "span")
 * found through a hash table keyed by page address, so kheap_free never trusts
 * the memory it is handed: a pointer whose page is not in the table, that is
 * not the start of an object, or whose slab bitmap bit is already clear
 * panics with its address (invalid free / double free).
 *
 * Invariants (kheap_check verifies them):
 *   - a slab span's bitmap has one bit per object, set = allocated, and
 *     nfree = objects - popcount; slabs with nfree > 0 are on their class's
 *     partial list, full slabs on its full list; each slab is in the table;
 *   - per class, live = sum of allocated objects, allocs - frees = live;
 *   - at most one completely empty slab per class is kept, others go back
 *     to the provider;
 *   - with KHEAP_DEBUG every free slab object is filled with KHEAP_POISON;
 *     kheap_alloc verifies the fill before handing the object out and panics on
 *     a write-after-free.
 *
 * The provider returns page-aligned virtual memory (alloc_pages: npages
 * contiguous pages or NULL; free_pages: a pointer alloc_pages returned).
 * In the kernel it wraps page_alloc_run(..., PAGE_OWNER_HEAP) + the direct
 * map. KHEAP_DEBUG is on by default in host tests (HOST_TEST) unless
 * KHEAP_NDEBUG is defined; the kernel defines it in debug builds.
 */
#ifndef KERNEL_KHEAP_H
#define KERNEL_KHEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(HOST_TEST) && !defined(KHEAP_NDEBUG) && !defined(KHEAP_DEBUG)
#define KHEAP_DEBUG 1
#endif

#define KHEAP_PAGE_SIZE   4096u
#define KHEAP_NCLASSES    8
#define KHEAP_MIN_CLASS   16u
#define KHEAP_MAX_SMALL   2048u
#define KHEAP_POISON      0x6b  /* fill of freed memory ('k') */

struct kheap_page_provider {
    void *(*alloc_pages)(void *ctx, size_t npages);
    void (*free_pages)(void *ctx, void *ptr);
    void *ctx;
};

struct kheap_span;
struct kheap_table_entry;

struct kheap_class {
    uint32_t size;              /* object size in bytes */
    uint32_t objs_per_slab;
    struct kheap_span *partial; /* slabs with a free object */
    struct kheap_span *full;    /* slabs with none */
    size_t slabs;
    size_t empty_slabs;         /* 0 or 1 */
    uint64_t allocs, frees;
    size_t live;
};

struct kheap {
    struct kheap_page_provider provider;
    struct kheap_class classes[KHEAP_NCLASSES];
    /* large (page-run) allocations */
    uint64_t large_allocs, large_frees;
    size_t large_live, large_pages;
    /* page address -> span; open addressing, linear probing */
    struct kheap_table_entry *table;
    size_t table_cap;           /* entries, power of two (0 before first use) */
    unsigned table_shift;       /* 64 - log2(table_cap) */
    size_t table_count;
    /* span descriptors are carved from whole pages and recycled */
    struct kheap_span *spare_spans;
    void *desc_pages;           /* list of descriptor pages (first word links) */
    size_t desc_page_count;
    size_t provider_pages;      /* pages currently held from the provider */
    uint64_t failed_allocs;
};

struct kheap_class_stats {
    size_t size;
    uint64_t allocs, frees;
    size_t live, slabs, empty_slabs;
};

struct kheap_stats {
    struct kheap_class_stats classes[KHEAP_NCLASSES];
    uint64_t large_allocs, large_frees;
    size_t large_live, large_pages;
    size_t meta_pages;          /* span descriptors + lookup table */
    size_t provider_pages;      /* everything held from the provider */
    uint64_t failed_allocs;
};

void kheap_init(struct kheap *heap, const struct kheap_page_provider *provider);

/* Return every page (including leaked objects' slabs) to the provider and
 * leave the heap empty and reusable. Returns the number of live objects
 * that were discarded (a leak count for tests/shutdown). */
size_t kheap_fini(struct kheap *heap);

void *kheap_alloc(struct kheap *heap, size_t size);
void *kheap_calloc(struct kheap *heap, size_t n, size_t size);
void *kheap_realloc(struct kheap *heap, void *ptr, size_t size);
void kheap_free(struct kheap *heap, void *ptr);

/* Bytes usable at ptr (class size or the large request); panics like kheap_free
 * on a pointer that is not a live allocation. */
size_t kheap_usable_size(const struct kheap *heap, const void *ptr);

void kheap_get_stats(const struct kheap *heap, struct kheap_stats *out);

/* Verify all invariants above; panics on the first violation. */
void kheap_check(const struct kheap *heap);

#endif
