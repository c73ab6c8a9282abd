/*
 * kernel/mm/kalloc.h — the kernel's memory: physical pages and the heap.
 *
 * kalloc_init() builds the one page pool over the RAM the device tree
 * reports, with the firmware, the kernel image, the FDT, reserved-memory
 * ranges and the pool's own metadata reserved, and the one kernel heap on
 * top of it. Everything here is safe to call from interrupt handlers
 * (interrupts are masked inside). Exhaustion returns NULL / 0.
 *
 * Pages are handed out as kernel virtual addresses in the direct map; use
 * kva_to_pa() for what a device needs.
 */
#ifndef KERNEL_KALLOC_H
#define KERNEL_KALLOC_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/mm/page_alloc.h"

#define PAGE_SIZE 4096UL
#define PAGE_SHIFT 12

void kalloc_init(void);

/* npages physically contiguous pages aligned to align_pages pages, zeroed. */
void *kpages_alloc(size_t npages, size_t align_pages, uint16_t owner);
void kpages_free(void *kva);
/* Physical page allocation without zeroing or mapping (returns pa or 0). */
uint64_t kpage_alloc_pa(uint16_t owner);
void kpage_free_pa(uint64_t pa);
/* Reference counts of single pages shared copy-on-write (page_alloc.h):
 * a new page has count 1; kpage_put_pa drops one reference and frees the
 * page when it was the last. kpage_ref_count reads the count. */
void kpage_ref_get(uint64_t pa);
void kpage_put_pa(uint64_t pa);
uint16_t kpage_ref_count(uint64_t pa);
/* Gives a page to a new owner (the copy-on-write survivor). */
void kpage_set_owner(uint64_t pa, uint16_t owner);

void *kmalloc(size_t size);
void *kcalloc(size_t n, size_t size);
void *krealloc(void *ptr, size_t size);
void kfree(void *ptr);

/* Read-only views for meminfo, selftests and benchmarks. */
const struct page_pool *kalloc_pool(void);
struct kheap_stats;
void kalloc_heap_stats(struct kheap_stats *out);
struct textbuf;
void kalloc_format_meminfo(struct textbuf *tb);
void kalloc_print_meminfo(void);
/* Checks every allocator invariant (panics on a broken one). */
void kalloc_check(void);

#endif
