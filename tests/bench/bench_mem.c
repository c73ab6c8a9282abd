/*
 * tests/bench/bench_mem.c — host throughput of the memory allocator cores.
 *
 * Built by bench_mem.py with gcc -O2 (no sanitizers). Prints markdown table
 * rows (no header) so bench_mem.py can merge the runs of a plain and a
 * KHEAP_DEBUG build:
 *   - kheap_alloc/kheap_free vs glibc malloc/free on one precomputed operation
 *     sequence (mixed sizes, random lifetimes, fixed seed);
 *   - page_alloc_run/page_free_run, single pages and 16-page aligned runs,
 *     in batches of random frees then allocations on a half-full pool.
 * Usage: bench_mem [--heap-only LABEL]
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernel/mm/kheap.h"
#include "kernel/mm/page_alloc.h"

void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("panic: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

static uint64_t rng_state = 2024;
static uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- heap workload -------------------------------------------------------- */

#define HEAP_OPS   2000000
#define HEAP_SLOTS 4096
#define REPEAT     3

struct heap_op {
    uint32_t slot;
    uint32_t size; /* used when the slot is empty: allocate this much */
};

static struct heap_op *ops;
static void *slots[HEAP_SLOTS];

static void make_ops(void)
{
    ops = malloc(sizeof(*ops) * HEAP_OPS);
    for (size_t i = 0; i < HEAP_OPS; i++) {
        uint64_t r = rng();
        uint32_t size;
        unsigned pick = r % 100;
        if (pick < 70)
            size = 8 + (r >> 8) % 121;        /* 8..128 */
        else if (pick < 90)
            size = 129 + (r >> 8) % 896;      /* ..1024 */
        else if (pick < 98)
            size = 1025 + (r >> 8) % 1024;    /* ..2048 */
        else
            size = 2049 + (r >> 8) % 14336;   /* large: ..16 KiB */
        /* Skewed slot choice: low slots churn fast (short lifetimes),
         * high slots are touched rarely (long-lived objects). */
        uint32_t a = (uint32_t)(r >> 32) % HEAP_SLOTS;
        uint32_t b = (uint32_t)(r >> 44) % HEAP_SLOTS;
        ops[i] = (struct heap_op){a < b ? a : b, size};
    }
}

static void *host_pages_alloc(void *ctx, size_t npages)
{
    return (void *)page_alloc_run(ctx, npages, 1, PAGE_OWNER_HEAP);
}

static void host_pages_free(void *ctx, void *ptr)
{
    page_free_run(ctx, (uintptr_t)ptr);
}

static double bench_kheap(void)
{
    size_t npages = 65536; /* 256 MiB, touched only where used */
    void *ram = aligned_alloc(PAGE_ALLOC_PAGE_SIZE, npages * PAGE_ALLOC_PAGE_SIZE);
    void *meta = malloc(page_pool_meta_bytes(npages));
    struct page_pool pool;
    page_pool_init(&pool, (uintptr_t)ram, npages, meta,
                   page_pool_meta_bytes(npages));
    struct kheap_page_provider prov = {host_pages_alloc, host_pages_free,
                                       &pool};
    struct kheap heap;
    kheap_init(&heap, &prov);
    double best = 1e9;
    for (int rep = 0; rep < REPEAT; rep++) {
        memset(slots, 0, sizeof(slots));
        double t0 = now();
        for (size_t i = 0; i < HEAP_OPS; i++) {
            void **s = &slots[ops[i].slot];
            if (*s) {
                kheap_free(&heap, *s);
                *s = NULL;
            } else {
                *s = kheap_alloc(&heap, ops[i].size);
                *(volatile char *)*s = 1;
            }
        }
        for (size_t i = 0; i < HEAP_SLOTS; i++)
            kheap_free(&heap, slots[i]);
        double t = now() - t0;
        if (t < best)
            best = t;
    }
    kheap_fini(&heap);
    free(meta);
    free(ram);
    return HEAP_OPS / best;
}

static double bench_glibc(void)
{
    double best = 1e9;
    for (int rep = 0; rep < REPEAT; rep++) {
        memset(slots, 0, sizeof(slots));
        double t0 = now();
        for (size_t i = 0; i < HEAP_OPS; i++) {
            void **s = &slots[ops[i].slot];
            if (*s) {
                free(*s);
                *s = NULL;
            } else {
                *s = malloc(ops[i].size);
                *(volatile char *)*s = 1;
            }
        }
        for (size_t i = 0; i < HEAP_SLOTS; i++)
            free(slots[i]);
        double t = now() - t0;
        if (t < best)
            best = t;
    }
    return HEAP_OPS / best;
}

/* ---- page allocator workload ---------------------------------------------- */

#define PAGE_POOL_PAGES 65536
#define PAGE_ROUNDS     20000
#define PAGE_BATCH      64

/* Fill the pool half full with runs of run_pages, then repeatedly free a
 * batch of random live runs and allocate the same number again. Returns
 * alloc+free pairs per second. */
static double bench_pages(size_t run_pages, size_t align)
{
    size_t meta_bytes = page_pool_meta_bytes(PAGE_POOL_PAGES);
    void *meta = malloc(meta_bytes);
    struct page_pool pool;
    /* No memory behind the range: the pool only touches its metadata. */
    page_pool_init(&pool, 0x80000000UL, PAGE_POOL_PAGES, meta, meta_bytes);
    page_reserve_range(&pool, 0x80000000UL, 0x200000); /* firmware-ish */
    size_t nlive = PAGE_POOL_PAGES / 2 / run_pages;
    uintptr_t *live = malloc(sizeof(*live) * nlive);
    for (size_t i = 0; i < nlive; i++)
        live[i] = page_alloc_run(&pool, run_pages, align, PAGE_OWNER_KERNEL);
    /* Shuffle-free half of them and refill, to scatter the free space. */
    for (size_t i = 0; i < nlive; i += 2) {
        page_free_run(&pool, live[i]);
        live[i] = 0;
    }
    for (size_t i = 0; i < nlive; i += 2)
        live[i] = page_alloc_run(&pool, run_pages, align, PAGE_OWNER_KERNEL);

    size_t idx[PAGE_BATCH];
    double t0 = now();
    for (int round = 0; round < PAGE_ROUNDS; round++) {
        for (int k = 0; k < PAGE_BATCH; k++) {
            size_t i;
            do
                i = rng() % nlive;
            while (!live[i]);
            page_free_run(&pool, live[i]);
            live[i] = 0;
            idx[k] = i;
        }
        for (int k = 0; k < PAGE_BATCH; k++) {
            live[idx[k]] = page_alloc_run(&pool, run_pages, align,
                                          PAGE_OWNER_KERNEL);
            if (!live[idx[k]])
                panic("bench: page pool exhausted");
        }
    }
    double t = now() - t0;
    page_pool_check(&pool);
    free(live);
    free(meta);
    return (double)PAGE_ROUNDS * PAGE_BATCH / t;
}

static void fmt_rate(char *buf, size_t n, double rate)
{
    snprintf(buf, n, "%.1f M/s", rate / 1e6);
}

int main(int argc, char **argv)
{
    char a[32], b[32];
    make_ops();
    if (argc == 3 && strcmp(argv[1], "--heap-only") == 0) {
        double k = bench_kheap(), g = bench_glibc();
        fmt_rate(a, sizeof(a), k);
        printf("| kheap_alloc+kheap_free, %s | %s | %.2fx glibc |\n", argv[2], a, k / g);
        return 0;
    }
    double k = bench_kheap(), g = bench_glibc();
    fmt_rate(a, sizeof(a), k);
    fmt_rate(b, sizeof(b), g);
    printf("| kheap_alloc+kheap_free, mixed 8 B-16 KiB (%d ops) | %s | %.2fx glibc |\n",
           HEAP_OPS, a, k / g);
    printf("| glibc malloc+free, same sequence | %s | 1.00x |\n", b);
    fmt_rate(a, sizeof(a), bench_pages(1, 1));
    printf("| page_alloc_run(1)+page_free_run, 64 Ki-page pool half full | %s pairs | |\n", a);
    fmt_rate(a, sizeof(a), bench_pages(16, 16));
    printf("| page_alloc_run(16, align 16)+page_free_run, same pool | %s pairs | |\n", a);
    free(ops);
    return 0;
}
