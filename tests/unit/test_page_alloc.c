/*
 * tests/unit/test_page_alloc.c — the physical page allocator core.
 *
 * The pool only keeps metadata, so tests manage fake physical ranges (no
 * memory behind them). panic() is replaced by a hook that records the
 * message and longjmps back, so misuse detection is checked directly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>

#include "kernel/mm/page_alloc.h"
#include "tests/unit/check.h"

/* ---- panic hook ---------------------------------------------------------- */

/* ---- helpers ------------------------------------------------------------- */

#define PG PAGE_ALLOC_PAGE_SIZE
#define BASE 0x80200000UL /* 2 MiB aligned, like RAM after OpenSBI */

struct test_pool {
    struct page_pool pool;
    void *meta;
};

static void tp_init(struct test_pool *tp, uintptr_t base, size_t npages)
{
    size_t bytes = page_pool_meta_bytes(npages);
    tp->meta = malloc(bytes ? bytes : 8);
    page_pool_init(&tp->pool, base, npages, tp->meta, bytes);
}

static void tp_fini(struct test_pool *tp)
{
    free(tp->meta);
}

static char addr_buf[32];
static const char *hex(uintptr_t pa)
{
    snprintf(addr_buf, sizeof(addr_buf), "0x%lx", (unsigned long)pa);
    return addr_buf;
}

/* ---- tests --------------------------------------------------------------- */

TEST(meta_bytes_and_init)
{
    CHECK_EQ(page_pool_meta_bytes(0), 0);
    /* bitmap word + 8 desc bytes + 2 * 16 bytes of uint16 */
    CHECK_EQ(page_pool_meta_bytes(1), 8 + 8 + 8 + 8);
    CHECK_EQ(page_pool_meta_bytes(64), 8 + 64 + 128 + 128);
    CHECK_EQ(page_pool_meta_bytes(65), 16 + 72 + 136 + 136);
    CHECK(page_pool_meta_bytes(32768) <= 32768 * 5 + 4096 + 64);

    struct test_pool tp;
    tp_init(&tp, BASE, 100);
    CHECK_EQ(page_pool_total_pages(&tp.pool), 100);
    CHECK_EQ(page_pool_free_pages(&tp.pool), 100);
    CHECK(page_pool_contains(&tp.pool, BASE));
    CHECK(page_pool_contains(&tp.pool, BASE + 100 * PG - 1));
    CHECK(!page_pool_contains(&tp.pool, BASE + 100 * PG));
    CHECK(!page_pool_contains(&tp.pool, BASE - 1));
    page_pool_check(&tp.pool);

    struct page_pool p2;
    uint64_t small[4];
    EXPECT_PANIC(page_pool_init(&p2, BASE, 100, small, sizeof(small)),
                 "smaller");
    EXPECT_PANIC(page_pool_init(&p2, BASE + 8, 1, tp.meta, 64),
                 "not page-aligned");
    tp_fini(&tp);

    /* An empty pool is legal and can never allocate. */
    tp_init(&tp, BASE, 0);
    CHECK_EQ(page_alloc_run(&tp.pool, 1, 1, PAGE_OWNER_KERNEL), 0);
    page_pool_check(&tp.pool);
    tp_fini(&tp);
}

TEST(single_pages)
{
    struct test_pool tp;
    tp_init(&tp, BASE, 10);
    struct page_pool *p = &tp.pool;
    uintptr_t a = page_alloc_run(p, 1, 1, PAGE_OWNER_KERNEL);
    uintptr_t b = page_alloc_run(p, 1, 1, PAGE_OWNER_KERNEL);
    CHECK_EQ(a, BASE);
    CHECK_EQ(b, BASE + PG);
    CHECK_EQ(page_pool_free_pages(p), 8);
    CHECK_EQ(page_run_pages(p, a), 1);
    CHECK_EQ(page_owner_of(p, a + 123), PAGE_OWNER_KERNEL);
    CHECK_EQ(page_ref_count(p, a), 1);
    CHECK_EQ(page_free_run(p, a), 1);
    CHECK_EQ(page_owner_of(p, a), PAGE_OWNER_FREE);
    /* The freed page is where the next search starts. */
    CHECK_EQ(page_alloc_run(p, 1, 1, PAGE_OWNER_KERNEL), a);
    CHECK_EQ(p->allocs, 3);
    CHECK_EQ(p->frees, 1);
    page_pool_check(p);
    tp_fini(&tp);
}

TEST(aligned_runs)
{
    struct test_pool tp;
    /* Base deliberately not aligned to anything above one page. */
    uintptr_t base = 0x80001000UL;
    tp_init(&tp, base, 1000);
    struct page_pool *p = &tp.pool;
    uintptr_t first = page_alloc_run(p, 1, 1, PAGE_OWNER_KERNEL);
    CHECK_EQ(first, base);
    for (size_t align = 1; align <= 128; align *= 2) {
        size_t n = align + 3;
        uintptr_t pa = page_alloc_run(p, n, align, PAGE_OWNER_DMA);
        CHECK(pa != 0);
        CHECK_EQ(pa % (align * PG), 0);
        CHECK_EQ(page_run_pages(p, pa), n);
        for (size_t i = 0; i < n; i++)
            CHECK_EQ(page_owner_of(p, pa + i * PG), PAGE_OWNER_DMA);
    }
    /* 0 means "no alignment"; non-powers of two are a bug. */
    CHECK(page_alloc_run(p, 1, 0, PAGE_OWNER_KERNEL) != 0);
    EXPECT_PANIC(page_alloc_run(p, 1, 3, PAGE_OWNER_KERNEL), "power of two");
    EXPECT_PANIC(page_alloc_run(p, 1, 1, PAGE_OWNER_FREE), "invalid owner");
    EXPECT_PANIC(page_alloc_run(p, 1, 1, PAGE_OWNER_RESERVED),
                 "invalid owner");
    CHECK_EQ(page_alloc_run(p, 0, 1, PAGE_OWNER_KERNEL), 0);
    page_pool_check(p);
    tp_fini(&tp);
}

TEST(exhaustion_returns_zero)
{
    struct test_pool tp;
    tp_init(&tp, BASE, 64);
    struct page_pool *p = &tp.pool;
    for (int i = 0; i < 64; i++)
        CHECK(page_alloc_run(p, 1, 1, PAGE_OWNER_KERNEL) != 0);
    CHECK_EQ(page_pool_free_pages(p), 0);
    CHECK_EQ(page_alloc_run(p, 1, 1, PAGE_OWNER_KERNEL), 0);
    CHECK_EQ(p->alloc_failures, 1);
    page_free_run(p, BASE + 5 * PG);
    page_free_run(p, BASE + 6 * PG);
    CHECK_EQ(page_alloc_run(p, 3, 1, PAGE_OWNER_KERNEL), 0);
    CHECK_EQ(page_alloc_run(p, 2, 4, PAGE_OWNER_KERNEL), 0); /* 5,6 not 4-aligned */
    CHECK_EQ(page_alloc_run(p, 2, 1, PAGE_OWNER_KERNEL), BASE + 5 * PG);
    CHECK_EQ(p->alloc_failures, 3);
    page_pool_check(p);
    tp_fini(&tp);

    tp_init(&tp, BASE, 100);
    CHECK_EQ(page_alloc_run(&tp.pool, 101, 1, PAGE_OWNER_KERNEL), 0);
    CHECK_EQ(page_alloc_run(&tp.pool, 100, 1, PAGE_OWNER_KERNEL), BASE);
    tp_fini(&tp);
}

TEST(fragmentation_then_full_coalescing)
{
    struct test_pool tp;
    size_t n = 777;
    tp_init(&tp, BASE, n);
    struct page_pool *p = &tp.pool;
    for (size_t i = 0; i < n; i++)
        CHECK_EQ(page_alloc_run(p, 1, 1, PAGE_OWNER_KERNEL), BASE + i * PG);
    for (size_t i = 0; i < n; i += 2)
        page_free_run(p, BASE + i * PG);
    /* Half the memory is free, but no two free pages are adjacent. */
    CHECK_EQ(page_pool_free_pages(p), (n + 1) / 2);
    CHECK_EQ(page_alloc_run(p, 2, 1, PAGE_OWNER_KERNEL), 0);
    page_pool_check(p);
    for (size_t i = 1; i < n; i += 2)
        page_free_run(p, BASE + i * PG);
    CHECK_EQ(page_pool_free_pages(p), n);
    uintptr_t all = page_alloc_run(p, n, 1, PAGE_OWNER_KERNEL);
    CHECK_EQ(all, BASE);
    CHECK_EQ(page_run_pages(p, all), n);
    CHECK_EQ(page_free_run(p, all), n);
    page_pool_check(p);
    tp_fini(&tp);
}

TEST(reserved_ranges)
{
    struct test_pool tp;
    tp_init(&tp, BASE, 64);
    struct page_pool *p = &tp.pool;
    /* Partly below the pool: clipped. Unaligned: whole pages covered. */
    CHECK_EQ(page_reserve_range(p, BASE - 4 * PG, 6 * PG), 2);
    CHECK_EQ(page_reserve_range(p, BASE + 10 * PG + 100, 200), 1);
    CHECK_EQ(page_reserve_range(p, BASE + 12 * PG + 4000, 200), 2);
    CHECK_EQ(page_reserve_range(p, BASE + 62 * PG, 100 * PG), 2);
    CHECK_EQ(page_reserve_range(p, BASE, 2 * PG), 0); /* again: no-op */
    CHECK_EQ(page_reserve_range(p, 0, 0x1000), 0);     /* outside */
    CHECK_EQ(page_reserve_range(p, BASE + 20 * PG, 0), 0);
    CHECK_EQ(p->reserved_pages, 7);
    CHECK_EQ(page_pool_free_pages(p), 57);
    page_pool_check(p);

    size_t counts[PAGE_OWNER_PROC_BASE];
    page_owner_counts(p, counts, PAGE_OWNER_PROC_BASE);
    CHECK_EQ(counts[PAGE_OWNER_RESERVED], 7);
    CHECK_EQ(counts[PAGE_OWNER_FREE], 57);

    /* Allocation never hands out a reserved page. */
    for (;;) {
        uintptr_t pa = page_alloc_run(p, 1, 1, PAGE_OWNER_KERNEL);
        if (!pa)
            break;
        size_t i = (pa - BASE) / PG;
        CHECK(i >= 2 && i != 10 && i != 12 && i != 13 && i < 62);
    }
    CHECK_EQ(page_pool_free_pages(p), 0);
    EXPECT_PANIC(page_free_run(p, BASE + 10 * PG), "reserved");
    EXPECT_PANIC(page_free_run(p, BASE), "reserved");
    EXPECT_PANIC(page_ref_get(p, BASE + 12 * PG), "reserved");
    /* Reserving memory somebody owns would corrupt their run. */
    EXPECT_PANIC(page_reserve_range(p, BASE + 20 * PG, PG), "already allocated");
    page_pool_check(p);
    /* Runs next to reserved pages still free correctly. */
    CHECK_EQ(page_free_run(p, BASE + 11 * PG), 1);
    CHECK_EQ(page_free_run(p, BASE + 14 * PG), 1);
    page_pool_check(p);
    tp_fini(&tp);
}

TEST(bad_frees_panic_with_address)
{
    struct test_pool tp;
    tp_init(&tp, BASE, 64);
    struct page_pool *p = &tp.pool;
    uintptr_t run = page_alloc_run(p, 4, 1, PAGE_OWNER_KERNEL);
    uintptr_t one = page_alloc_run(p, 1, 1, PAGE_OWNER_KERNEL);
    page_free_run(p, one);

    EXPECT_PANIC(page_free_run(p, one), hex(one));
    EXPECT_PANIC(page_free_run(p, one), "double free");
    EXPECT_PANIC(page_free_run(p, run + PG), "not the start");
    EXPECT_PANIC(page_free_run(p, run + 3 * PG), hex(run + 3 * PG));
    EXPECT_PANIC(page_free_run(p, run + 8), "not page-aligned");
    EXPECT_PANIC(page_free_run(p, BASE - PG), "outside the page pool");
    EXPECT_PANIC(page_free_run(p, BASE + 64 * PG), hex(BASE + 64 * PG));
    EXPECT_PANIC(page_free_run(p, 0), "outside");
    EXPECT_PANIC(page_run_pages(p, BASE + 50 * PG), "free");
    /* None of the failed calls changed anything. */
    page_pool_check(p);
    CHECK_EQ(page_pool_free_pages(p), 60);
    CHECK_EQ(page_free_run(p, run), 4);
    CHECK_EQ(p->frees, 2);
    page_pool_check(p);
    tp_fini(&tp);
}

TEST(owner_counts_and_names)
{
    struct test_pool tp;
    tp_init(&tp, BASE, 100);
    struct page_pool *p = &tp.pool;
    page_reserve_range(p, BASE, 3 * PG);
    uintptr_t heap = page_alloc_run(p, 5, 1, PAGE_OWNER_HEAP);
    page_alloc_run(p, 2, 1, PAGE_OWNER_PAGETABLE);
    uintptr_t st = page_alloc_run(p, 4, 4, PAGE_OWNER_STACK);
    page_alloc_run(p, 7, 1, PAGE_OWNER_PROC(1));
    uintptr_t proc2 = page_alloc_run(p, 3, 1, PAGE_OWNER_PROC(2));

    size_t counts[PAGE_OWNER_PROC_BASE + 3];
    CHECK_EQ(page_owner_counts(p, counts, PAGE_OWNER_PROC_BASE), 10);
    CHECK_EQ(counts[PAGE_OWNER_FREE], 100 - 3 - 5 - 2 - 4 - 7 - 3);
    CHECK_EQ(counts[PAGE_OWNER_RESERVED], 3);
    CHECK_EQ(counts[PAGE_OWNER_HEAP], 5);
    CHECK_EQ(counts[PAGE_OWNER_PAGETABLE], 2);
    CHECK_EQ(counts[PAGE_OWNER_STACK], 4);
    CHECK_EQ(counts[PAGE_OWNER_KERNEL], 0);
    CHECK_EQ(page_owner_counts(p, counts, PAGE_OWNER_PROC_BASE + 3), 0);
    CHECK_EQ(counts[PAGE_OWNER_PROC(1)], 7);
    CHECK_EQ(counts[PAGE_OWNER_PROC(2)], 3);

    /* Ownership moves with a whole run (exec hands pages to a process). */
    page_set_owner(p, heap, PAGE_OWNER_PROC(2));
    page_owner_counts(p, counts, PAGE_OWNER_PROC_BASE + 3);
    CHECK_EQ(counts[PAGE_OWNER_HEAP], 0);
    CHECK_EQ(counts[PAGE_OWNER_PROC(2)], 8);
    EXPECT_PANIC(page_set_owner(p, heap + PG, PAGE_OWNER_KERNEL),
                 "not the start");
    EXPECT_PANIC(page_set_owner(p, proc2, PAGE_OWNER_FREE), "invalid owner");
    page_free_run(p, st);
    page_pool_check(p);

    CHECK_STR(page_owner_name(PAGE_OWNER_FREE), "free");
    CHECK_STR(page_owner_name(PAGE_OWNER_RESERVED), "reserved");
    CHECK_STR(page_owner_name(PAGE_OWNER_HEAP), "heap");
    CHECK_STR(page_owner_name(PAGE_OWNER_PAGETABLE), "pagetable");
    CHECK_STR(page_owner_name(PAGE_OWNER_STACK), "stack");
    CHECK_STR(page_owner_name(PAGE_OWNER_DMA), "dma");
    CHECK_STR(page_owner_name(PAGE_OWNER_PROC(7)), "process");
    CHECK_STR(page_owner_name(PAGE_OWNER_PROC_BASE - 1), "unknown");
    tp_fini(&tp);
}

TEST(refcounts)
{
    struct test_pool tp;
    tp_init(&tp, BASE, 16);
    struct page_pool *p = &tp.pool;
    uintptr_t pa = page_alloc_run(p, 1, 1, PAGE_OWNER_PROC(3));
    CHECK_EQ(page_ref_count(p, pa), 1);
    CHECK_EQ(page_ref_get(p, pa), 2); /* fork shares it copy-on-write */
    CHECK_EQ(page_ref_get(p, pa), 3);
    EXPECT_PANIC(page_free_run(p, pa), "still shared");
    CHECK_EQ(page_ref_put(p, pa), 2);
    CHECK_EQ(page_ref_put(p, pa), 1);
    CHECK_EQ(page_ref_put(p, pa), 0); /* last user: caller frees */
    EXPECT_PANIC(page_ref_put(p, pa), "already 0");
    CHECK_EQ(page_free_run(p, pa), 1);
    EXPECT_PANIC(page_ref_get(p, pa), "free");
    EXPECT_PANIC(page_ref_put(p, pa), hex(pa));

    /* Inner pages of a run have their own counts. */
    uintptr_t run = page_alloc_run(p, 3, 1, PAGE_OWNER_KERNEL);
    CHECK_EQ(page_ref_get(p, run + 2 * PG), 2);
    EXPECT_PANIC(page_free_run(p, run), hex(run + 2 * PG));
    CHECK_EQ(page_ref_put(p, run + 2 * PG), 1);
    CHECK_EQ(page_free_run(p, run), 3);

    /* Overflow is caught rather than wrapping to 0. */
    pa = page_alloc_run(p, 1, 1, PAGE_OWNER_KERNEL);
    for (int i = 1; i < UINT16_MAX; i++)
        page_ref_get(p, pa);
    CHECK_EQ(page_ref_count(p, pa), UINT16_MAX);
    EXPECT_PANIC(page_ref_get(p, pa), "overflow");
    page_pool_check(p);
    tp_fini(&tp);
}

/*
 * Random alloc/free/refcount sequences checked against a model that keeps
 * the owner of each page and the list of live runs.
 */
struct model_run {
    uintptr_t pa;
    size_t n;
    uint16_t owner;
};

static bool model_can_fit(const uint16_t *model, size_t npages,
                          uintptr_t base, size_t n, size_t align)
{
    for (size_t i = 0; i + n <= npages; i++) {
        if (((base / PG) + i) % align)
            continue;
        size_t k = 0;
        while (k < n && model[i + k] == PAGE_OWNER_FREE)
            k++;
        if (k == n)
            return true;
    }
    return false;
}

static void random_run(uint64_t seed, uintptr_t base, size_t npages,
                       int ops)
{
    check_rng_seed(seed);
    struct test_pool tp;
    tp_init(&tp, base, npages);
    struct page_pool *p = &tp.pool;
    uint16_t *model = calloc(npages, sizeof(*model));
    struct model_run *runs = calloc(npages, sizeof(*runs));
    size_t nruns = 0, model_free = npages;
    int failures = 0, fail_ok = 0;

    /* Reserve a few pages at both ends (like firmware + kernel image), so
     * the middle can coalesce into one run at the end. */
    size_t lo = 3 + check_rng() % 5, hi = 1 + check_rng() % 4;
    page_reserve_range(p, base, lo * PG);
    page_reserve_range(p, base + (npages - hi) * PG, hi * PG);
    for (size_t i = 0; i < lo; i++)
        model[i] = PAGE_OWNER_RESERVED;
    for (size_t i = npages - hi; i < npages; i++)
        model[i] = PAGE_OWNER_RESERVED;
    model_free -= lo + hi;

    for (int op = 0; op < ops; op++) {
        uint64_t r = check_rng();
        bool do_alloc = nruns == 0 || (r % 100) < 55;
        if (do_alloc) {
            size_t n = (r >> 8) % 4 ? 1 : 1 + (r >> 12) % 24;
            size_t align = (r >> 20) % 3 ? 1 : (size_t)1 << ((r >> 24) % 5);
            uint16_t owner = (uint16_t)(PAGE_OWNER_KERNEL + (r >> 32) % 20);
            uintptr_t pa = page_alloc_run(p, n, align, owner);
            if (!pa) {
                failures++;
                if (!model_can_fit(model, npages, base, n, align))
                    fail_ok++;
                continue;
            }
            CHECK_EQ(pa % (align * PG), 0);
            CHECK(pa >= base && pa + n * PG <= base + npages * PG);
            size_t i0 = (pa - base) / PG;
            for (size_t i = i0; i < i0 + n; i++) {
                CHECK_EQ(model[i], PAGE_OWNER_FREE); /* no overlap */
                model[i] = owner;
            }
            runs[nruns++] = (struct model_run){pa, n, owner};
            model_free -= n;
        } else if ((r % 100) < 62) {
            /* share then unshare a random page of a random run */
            struct model_run *m = &runs[(r >> 8) % nruns];
            uintptr_t pa = m->pa + ((r >> 16) % m->n) * PG;
            CHECK_EQ(page_ref_get(p, pa), 2);
            CHECK_EQ(page_ref_put(p, pa), 1);
        } else {
            size_t k = (r >> 8) % nruns;
            struct model_run m = runs[k];
            runs[k] = runs[--nruns];
            CHECK_EQ(page_run_pages(p, m.pa), m.n);
            CHECK_EQ(page_owner_of(p, m.pa), m.owner);
            CHECK_EQ(page_free_run(p, m.pa), m.n);
            size_t i0 = (m.pa - base) / PG;
            for (size_t i = i0; i < i0 + m.n; i++)
                model[i] = PAGE_OWNER_FREE;
            model_free += m.n;
        }
        CHECK_EQ(page_pool_free_pages(p), model_free);
        if (op % 997 == 0) {
            page_pool_check(p);
            size_t counts[64] = {0}, want[64] = {0};
            page_owner_counts(p, counts, 64);
            for (size_t i = 0; i < npages; i++)
                want[model[i]]++;
            for (int o = 0; o < 64; o++)
                CHECK_EQ(counts[o], want[o]);
        }
    }
    /* Every failure was a genuine "no such run" (the search is complete). */
    CHECK_EQ(fail_ok, failures);
    CHECK(failures > 0); /* the sequence did reach exhaustion */

    while (nruns)
        page_free_run(p, runs[--nruns].pa);
    page_pool_check(p);
    size_t free_pages = npages - lo - hi;
    CHECK_EQ(page_pool_free_pages(p), free_pages);
    uintptr_t all = page_alloc_run(p, free_pages, 1, PAGE_OWNER_KERNEL);
    CHECK_EQ(all, base + lo * PG);
    CHECK_EQ(p->allocs - p->frees, 1);
    free(model);
    free(runs);
    tp_fini(&tp);
}

TEST(random_against_model_small)
{
    random_run(1, BASE, 200, 20000); /* often full: exercises failures */
}

TEST(random_against_model_large)
{
    random_run(42, 0x80001000UL, 3000, 30000); /* odd base, odd size */
}

TEST(random_against_model_word_edges)
{
    random_run(7, BASE, 128, 10000);
    random_run(8, BASE + 64 * PG, 129, 10000);
}

int main(void)
{
    RUN(meta_bytes_and_init);
    RUN(single_pages);
    RUN(aligned_runs);
    RUN(exhaustion_returns_zero);
    RUN(fragmentation_then_full_coalescing);
    RUN(reserved_ranges);
    RUN(bad_frees_panic_with_address);
    RUN(owner_counts_and_names);
    RUN(refcounts);
    RUN(random_against_model_small);
    RUN(random_against_model_large);
    RUN(random_against_model_word_edges);
    return check_summary();
}
