/*
 * kernel/mm/kalloc.c — see kalloc.h. Wraps the pure allocator cores
 * (page_alloc.c, kheap.c) with the kernel's one pool and heap and with
 * interrupt masking, the kernel's lock on a single hart.
 */
#include "kernel/mm/kalloc.h"

#include "kernel/arch/console.h"
#include "kernel/mm/kheap.h"
#include "kernel/arch/memlayout.h"
#include "kernel/arch/panic.h"
#include "kernel/arch/platform.h"
#include "kernel/arch/riscv.h"
#include "kernel/lib/string.h"
#include "kernel/lib/textbuf.h"

extern char __kernel_end[];

static struct page_pool pool;
static struct kheap heap;

static void *heap_get_pages(void *ctx, size_t npages)
{
    (void)ctx;
    KASSERT_INTR_OFF(); /* the pool is shared with interrupt handlers */
    uintptr_t pa = page_alloc_run(&pool, npages, 1, PAGE_OWNER_HEAP);
    return pa ? pa_to_kva(pa) : NULL;
}

static void heap_put_pages(void *ctx, void *kva)
{
    (void)ctx;
    KASSERT_INTR_OFF();
    page_free_run(&pool, kva_to_pa(kva));
}

void kalloc_init(void)
{
    if (platform.nram > 1)
        klog("kalloc: using the first RAM region only; %d more ignored\n", platform.nram - 1);
    uint64_t ram_base = platform.ram[0].base, ram_size = platform.ram[0].size;
    size_t npages = ram_size / PAGE_SIZE;

    /* Metadata goes right after the kernel image. */
    uint64_t kernel_end_pa = kva_to_pa(__kernel_end);
    uint64_t meta_pa = (kernel_end_pa + 7) & ~7UL;
    size_t meta_bytes = page_pool_meta_bytes(npages);
    if (meta_pa + meta_bytes > ram_base + ram_size)
        panic("kalloc: %lu MiB of RAM cannot hold the page metadata", ram_size >> 20);
    page_pool_init(&pool, ram_base, npages, pa_to_kva(meta_pa), meta_bytes);

    /* Firmware below the kernel, the kernel image and the metadata. */
    page_reserve_range(&pool, ram_base, meta_pa + meta_bytes - ram_base);
    for (int i = 0; i < platform.nreserved; i++)
        page_reserve_range(&pool, platform.reserved[i].base, platform.reserved[i].size);

    static const struct kheap_page_provider provider = { heap_get_pages, heap_put_pages, NULL };
    kheap_init(&heap, &provider);
    klog("kalloc: %lu pages of %lu free (%lu KiB metadata)\n", page_pool_free_pages(&pool),
         npages, meta_bytes >> 10);
}

void *kpages_alloc(size_t npages, size_t align_pages, uint16_t owner)
{
    uint64_t flags = irq_save();
    uintptr_t pa = page_alloc_run(&pool, npages, align_pages, owner);
    irq_restore(flags);
    if (!pa)
        return NULL;
    void *kva = pa_to_kva(pa);
    memset(kva, 0, npages * PAGE_SIZE);
    return kva;
}

void kpages_free(void *kva)
{
    uint64_t flags = irq_save();
    page_free_run(&pool, kva_to_pa(kva));
    irq_restore(flags);
}

uint64_t kpage_alloc_pa(uint16_t owner)
{
    uint64_t flags = irq_save();
    uintptr_t pa = page_alloc_run(&pool, 1, 1, owner);
    irq_restore(flags);
    return pa;
}

void kpage_free_pa(uint64_t pa)
{
    uint64_t flags = irq_save();
    page_free_run(&pool, pa);
    irq_restore(flags);
}

void kpage_ref_get(uint64_t pa)
{
    uint64_t flags = irq_save();
    page_ref_get(&pool, pa);
    irq_restore(flags);
}

void kpage_put_pa(uint64_t pa)
{
    uint64_t flags = irq_save();
    if (page_ref_put(&pool, pa) == 0)
        page_free_run(&pool, pa);
    irq_restore(flags);
}

uint16_t kpage_ref_count(uint64_t pa)
{
    uint64_t flags = irq_save();
    uint16_t n = page_ref_count(&pool, pa);
    irq_restore(flags);
    return n;
}

void kpage_set_owner(uint64_t pa, uint16_t owner)
{
    uint64_t flags = irq_save();
    page_set_owner(&pool, pa, owner);
    irq_restore(flags);
}

void *kmalloc(size_t size)
{
    uint64_t flags = irq_save();
    void *p = kheap_alloc(&heap, size);
    irq_restore(flags);
    return p;
}

void *kcalloc(size_t n, size_t size)
{
    uint64_t flags = irq_save();
    void *p = kheap_calloc(&heap, n, size);
    irq_restore(flags);
    return p;
}

void *krealloc(void *ptr, size_t size)
{
    uint64_t flags = irq_save();
    void *p = kheap_realloc(&heap, ptr, size);
    irq_restore(flags);
    return p;
}

void kfree(void *ptr)
{
    uint64_t flags = irq_save();
    kheap_free(&heap, ptr);
    irq_restore(flags);
}

const struct page_pool *kalloc_pool(void)
{
    return &pool;
}

void kalloc_heap_stats(struct kheap_stats *out)
{
    uint64_t flags = irq_save();
    kheap_get_stats(&heap, out);
    irq_restore(flags);
}

void kalloc_check(void)
{
    uint64_t flags = irq_save();
    page_pool_check(&pool);
    kheap_check(&heap);
    irq_restore(flags);
}

void kalloc_format_meminfo(struct textbuf *tb)
{
    size_t counts[PAGE_OWNER_PROC_BASE];
    uint64_t flags = irq_save();
    size_t proc_pages = page_owner_counts(&pool, counts, PAGE_OWNER_PROC_BASE);
    size_t total = page_pool_total_pages(&pool), free = page_pool_free_pages(&pool);
    struct kheap_stats hs;
    kheap_get_stats(&heap, &hs);
    irq_restore(flags);

    tb_printf(tb, "pages: %zu total, %zu free (%zu KiB), %zu used\n", total, free,
              free * PAGE_SIZE / 1024, total - free);
    for (size_t o = 1; o < PAGE_OWNER_PROC_BASE; o++)
        if (counts[o])
            tb_printf(tb, "  %-10s %6zu pages %8zu KiB\n", page_owner_name((uint16_t)o),
                      counts[o], counts[o] * PAGE_SIZE / 1024);
    if (proc_pages)
        tb_printf(tb, "  %-10s %6zu pages %8zu KiB\n", "processes", proc_pages,
                  proc_pages * PAGE_SIZE / 1024);
    tb_printf(tb, "heap: %zu pages from the page pool, %zu large blocks live\n",
              hs.provider_pages, hs.large_live);
    for (int c = 0; c < KHEAP_NCLASSES; c++)
        if (hs.classes[c].allocs)
            tb_printf(tb, "  %5zu B: %6zu live, %8lu allocs, %8lu frees, %zu slabs\n",
                      hs.classes[c].size, hs.classes[c].live, hs.classes[c].allocs,
                      hs.classes[c].frees, hs.classes[c].slabs);
}

void kalloc_print_meminfo(void)
{
    struct textbuf tb = { .cap = 4096 };
    tb.buf = kmalloc(tb.cap);
    if (!tb.buf)
        return;
    kalloc_format_meminfo(&tb);
    console_write(tb.buf, tb.len);
    kfree(tb.buf);
}
