/*
 * tests/unit/test_kheap.c — the kernel heap core over a host page pool.
 *
 * The page provider is kernel/mm/page_alloc.c managing a real aligned_alloc
 * buffer with an identity "direct map" (pa == va), which is how the kernel
 * will wire it too. panic() is a hook that longjmps back into the test.
 * KHEAP_DEBUG is on (HOST_TEST), so freed memory is poisoned and checked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>

#include "kernel/mm/kheap.h"
#include "kernel/mm/page_alloc.h"
#include "tests/unit/check.h"

/* ---- a heap over a page pool over host memory ---------------------------- */

struct env {
    void *ram;
    void *meta;
    struct page_pool pool;
    struct kheap heap;
    size_t initial_free;
};

static void *env_alloc_pages(void *ctx, size_t npages)
{
    return (void *)page_alloc_run(ctx, npages, 1, PAGE_OWNER_HEAP);
}

static void env_free_pages(void *ctx, void *ptr)
{
    page_free_run(ctx, (uintptr_t)ptr);
}

static struct env *env_new(size_t npages)
{
    struct env *e = calloc(1, sizeof(*e));
    e->ram = aligned_alloc(PAGE_ALLOC_PAGE_SIZE, npages * PAGE_ALLOC_PAGE_SIZE);
    e->meta = malloc(page_pool_meta_bytes(npages) + 8);
    page_pool_init(&e->pool, (uintptr_t)e->ram, npages, e->meta,
                   page_pool_meta_bytes(npages));
    struct kheap_page_provider prov = {env_alloc_pages, env_free_pages,
                                       &e->pool};
    kheap_init(&e->heap, &prov);
    e->initial_free = page_pool_free_pages(&e->pool);
    return e;
}

/* Tear down, checking that the heap gave every page back. */
static void env_free(struct env *e)
{
    kheap_fini(&e->heap);
    CHECK_EQ(page_pool_free_pages(&e->pool), e->initial_free);
    page_pool_check(&e->pool);
    free(e->ram);
    free(e->meta);
    free(e);
}

static char addr_buf[32];
static const char *ptrstr(const void *p)
{
    snprintf(addr_buf, sizeof(addr_buf), "%p", p);
    return addr_buf;
}

/* ---- tests --------------------------------------------------------------- */

TEST(sizes_and_alignment)
{
    struct env *e = env_new(2048);
    struct kheap *h = &e->heap;
    CHECK(kheap_alloc(h, 0) == NULL);
    kheap_free(h, NULL);
    void *ptrs[5000];
    size_t n = 0;
    for (size_t size = 1; size <= 10000; size += (size < 300 ? 1 : 37)) {
        uint8_t *p = kheap_alloc(h, size);
        CHECK(p != NULL);
        CHECK_EQ((uintptr_t)p % 16, 0);
        size_t usable = kheap_usable_size(h, p);
        CHECK(usable >= size);
        if (size <= KHEAP_MAX_SMALL) {
            CHECK(usable < 2 * size || usable == 16);
            CHECK_EQ((uintptr_t)p % usable, 0); /* aligned to its class */
        } else {
            CHECK_EQ((uintptr_t)p % KHEAP_PAGE_SIZE, 0);
            CHECK_EQ(usable, size);
        }
        memset(p, 0xab, size);
        ptrs[n++] = p;
    }
    kheap_check(h);
    for (size_t i = 0; i < n; i++)
        kheap_free(h, ptrs[i]);
    kheap_check(h);
    env_free(e);
}

TEST(class_stats)
{
    struct env *e = env_new(256);
    struct kheap *h = &e->heap;
    void *a[300];
    for (int i = 0; i < 300; i++)
        a[i] = kheap_alloc(h, 24); /* 32-byte class: 128 per slab */
    void *big = kheap_alloc(h, 3 * 4096 + 1);
    struct kheap_stats st;
    kheap_get_stats(h, &st);
    CHECK_EQ(st.classes[1].size, 32);
    CHECK_EQ(st.classes[1].allocs, 300);
    CHECK_EQ(st.classes[1].live, 300);
    CHECK_EQ(st.classes[1].slabs, 3);
    CHECK_EQ(st.classes[0].allocs, 0);
    CHECK_EQ(st.large_live, 1);
    CHECK_EQ(st.large_pages, 4);
    CHECK_EQ(st.provider_pages, 3 + 4 + st.meta_pages);
    CHECK_EQ(e->initial_free - page_pool_free_pages(&e->pool),
             st.provider_pages);
    for (int i = 0; i < 300; i++)
        kheap_free(h, a[i]);
    kheap_free(h, big);
    kheap_get_stats(h, &st);
    CHECK_EQ(st.classes[1].frees, 300);
    CHECK_EQ(st.classes[1].live, 0);
    /* Empty slabs go back to the provider, except one kept per class. */
    CHECK_EQ(st.classes[1].slabs, 1);
    CHECK_EQ(st.classes[1].empty_slabs, 1);
    CHECK_EQ(st.large_frees, 1);
    CHECK_EQ(st.large_pages, 0);
    CHECK_EQ(st.provider_pages, 1 + st.meta_pages);
    kheap_check(h);
    env_free(e);
}

TEST(invalid_and_double_free_panic)
{
    struct env *e = env_new(64);
    struct kheap *h = &e->heap;
    char *a = kheap_alloc(h, 100);      /* 128-byte class */
    char *b = kheap_alloc(h, 100);
    char *big = kheap_alloc(h, 5000);
    kheap_free(h, a);
    EXPECT_PANIC(kheap_free(h, a), "double free");
    EXPECT_PANIC(kheap_free(h, a), ptrstr(a));
    EXPECT_PANIC(kheap_free(h, b + 16), "not the start of an object");
    EXPECT_PANIC(kheap_free(h, b + 1), ptrstr(b + 1));
    kheap_free(h, big);
    EXPECT_PANIC(kheap_free(h, big), "not a pointer from this heap");
    big = kheap_alloc(h, 5000);
    EXPECT_PANIC(kheap_free(h, big + 16), "not the start of an allocation");
    EXPECT_PANIC(kheap_free(h, big + 4096), "not a pointer from this heap");
    int on_stack;
    EXPECT_PANIC(kheap_free(h, &on_stack), ptrstr(&on_stack));
    char *foreign = malloc(64);
    EXPECT_PANIC(kheap_free(h, foreign), "not a pointer from this heap");
    free(foreign);
    EXPECT_PANIC(kheap_realloc(h, a, 10), "double free");
    EXPECT_PANIC(kheap_usable_size(h, b + 8), "not the start");
    /* Nothing changed on the way to those panics. */
    kheap_check(h);
    kheap_free(h, b);
    kheap_free(h, big);
    kheap_check(h);
    env_free(e);
}

TEST(poison_and_write_after_free)
{
    struct env *e = env_new(64);
    struct kheap *h = &e->heap;
    uint8_t *p = kheap_alloc(h, 64);
    memset(p, 0x11, 64);
    kheap_free(h, p);
    for (int i = 0; i < 64; i++)
        CHECK_EQ(p[i], KHEAP_POISON);
    p[40] = 0x99; /* a stale pointer scribbles on freed memory */
    EXPECT_PANIC(kheap_check(h), "written after free");
    EXPECT_PANIC(kheap_alloc(h, 60), ptrstr(p));
    EXPECT_PANIC(kheap_alloc(h, 60), "byte 40 is 0x99");
    p[40] = KHEAP_POISON;
    kheap_check(h);
    CHECK(kheap_alloc(h, 60) == p); /* lowest free object of the slab */
    kheap_free(h, p);

    uint8_t *big = kheap_alloc(h, 9000);
    kheap_free(h, big); /* pages back in the pool, poisoned */
    CHECK_EQ(big[0], KHEAP_POISON);
    CHECK_EQ(big[8999], KHEAP_POISON);
    env_free(e);
}

TEST(realloc_and_calloc)
{
    struct env *e = env_new(256);
    struct kheap *h = &e->heap;
    uint8_t *p = kheap_realloc(h, NULL, 10);
    CHECK(p != NULL);
    for (int i = 0; i < 10; i++)
        p[i] = (uint8_t)i;
    CHECK(kheap_realloc(h, p, 16) == p); /* same class: stays */
    size_t sizes[] = {100, 2048, 2049, 5000, 8192, 8000, 20000, 300, 12, 1};
    size_t have = 10;
    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        uint8_t *q = kheap_realloc(h, p, sizes[k]);
        CHECK(q != NULL);
        size_t keep = have < sizes[k] ? have : sizes[k];
        for (size_t i = 0; i < keep; i++)
            if (q[i] != (uint8_t)i) {
                CHECK_EQ(q[i], (uint8_t)i); /* contents preserved */
                break;
            }
        for (size_t i = 0; i < sizes[k]; i++)
            q[i] = (uint8_t)i;
        have = sizes[k];
        p = q;
        kheap_check(h);
    }
    CHECK(kheap_realloc(h, p, 0) == NULL); /* frees */
    struct kheap_stats st;
    kheap_get_stats(h, &st);
    size_t live = st.large_live;
    for (int c = 0; c < KHEAP_NCLASSES; c++)
        live += st.classes[c].live;
    CHECK_EQ(live, 0);

    uint8_t *z = kheap_calloc(h, 100, 30);
    CHECK(z != NULL);
    for (int i = 0; i < 3000; i++)
        if (z[i]) {
            CHECK_EQ(z[i], 0);
            break;
        }
    kheap_free(h, z);
    CHECK(kheap_calloc(h, SIZE_MAX / 2, 3) == NULL); /* n * size overflows */
    CHECK(kheap_alloc(h, SIZE_MAX) == NULL);
    CHECK(kheap_calloc(h, 0, 10) == NULL);
    env_free(e);
}

TEST(exhaustion_returns_null)
{
    struct env *e = env_new(16);
    struct kheap *h = &e->heap;
    CHECK(kheap_alloc(h, 17 * 4096) == NULL);
    void *ptrs[10000];
    size_t n = 0;
    while (n < 10000 && (ptrs[n] = kheap_alloc(h, 512)) != NULL)
        n++;
    CHECK(n > 0 && n < 10000);
    CHECK(kheap_alloc(h, 3000) == NULL);
    struct kheap_stats st;
    kheap_get_stats(h, &st);
    CHECK(st.failed_allocs >= 3);
    CHECK_EQ(page_pool_free_pages(&e->pool), 0);
    kheap_check(h);
    for (size_t i = 0; i < n; i++)
        kheap_free(h, ptrs[i]);
    kheap_check(h);
    CHECK(kheap_alloc(h, 3000) != NULL); /* usable again */
    /* fini reports the leak and still returns every page */
    CHECK_EQ(kheap_fini(h), 1);
    CHECK_EQ(page_pool_free_pages(&e->pool), e->initial_free);
    env_free(e);
}

TEST(many_large_blocks_grow_table)
{
    struct env *e = env_new(4096);
    struct kheap *h = &e->heap;
    enum { N = 1000 };
    static uint8_t *blocks[N];
    for (int i = 0; i < N; i++) {
        blocks[i] = kheap_alloc(h, 2049 + (size_t)i % 3000);
        CHECK(blocks[i] != NULL);
        blocks[i][0] = (uint8_t)i;
    }
    kheap_check(h);
    check_rng_seed(5);
    for (int i = N - 1; i > 0; i--) { /* free in random order */
        int j = (int)(check_rng() % (uint64_t)(i + 1));
        uint8_t *t = blocks[i];
        blocks[i] = blocks[j];
        blocks[j] = t;
    }
    for (int i = 0; i < N; i++) {
        kheap_free(h, blocks[i]);
        if (i % 50 == 0)
            kheap_check(h);
    }
    struct kheap_stats st;
    kheap_get_stats(h, &st);
    CHECK_EQ(st.large_live, 0);
    CHECK_EQ(st.provider_pages, st.meta_pages);
    kheap_check(h);
    env_free(e);
}

/*
 * Random kheap_alloc/kheap_free/kheap_realloc checked against a model of live blocks,
 * each filled with a pattern derived from its id and verified before free.
 */
struct live_block {
    uint8_t *p;
    size_t size;
    uint32_t id;
};

static uint8_t pattern(uint32_t id, size_t i)
{
    return (uint8_t)(id * 131 + i * 7 + (i >> 8));
}

static size_t random_size(uint64_t r)
{
    switch (r % 16) {
    case 0: return 2049 + (r >> 8) % 20000;        /* large */
    case 1: case 2: return 513 + (r >> 8) % 1536;  /* 1K, 2K classes */
    case 3: case 4: case 5: return 1 + (r >> 8) % 512;
    default: return 1 + (r >> 8) % 96;              /* mostly small */
    }
}

static bool pattern_ok(const struct live_block *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b->p[i] != pattern(b->id, i))
            return false;
    return true;
}

static void fill(struct live_block *b)
{
    for (size_t i = 0; i < b->size; i++)
        b->p[i] = pattern(b->id, i);
}

static void random_heap(uint64_t seed, size_t npages, int ops, size_t max_live)
{
    struct env *e = env_new(npages);
    struct kheap *h = &e->heap;
    struct live_block *live = calloc(max_live, sizeof(*live));
    size_t nlive = 0;
    uint32_t next_id = 1;
    int nulls = 0;
    check_rng_seed(seed);
    for (int op = 0; op < ops; op++) {
        uint64_t r = check_rng();
        int kind = (int)(r % 100);
        if (nlive < max_live && (nlive == 0 || kind < 50)) {
            size_t size = random_size(check_rng());
            uint8_t *p = kheap_alloc(h, size);
            if (!p) {
                nulls++;
                continue;
            }
            CHECK_EQ((uintptr_t)p % 16, 0);
            CHECK(kheap_usable_size(h, p) >= size);
            for (size_t k = 0; k < nlive; k++) /* no overlap */
                if (p < live[k].p + live[k].size && live[k].p < p + size) {
                    CHECK(!"overlapping allocations");
                    break;
                }
            live[nlive] = (struct live_block){p, size, next_id++};
            fill(&live[nlive]);
            nlive++;
        } else if (kind < 60) {
            struct live_block *b = &live[(r >> 8) % nlive];
            size_t size = random_size(check_rng());
            uint8_t *q = kheap_realloc(h, b->p, size);
            if (!q) {
                nulls++;
                CHECK(pattern_ok(b, b->size)); /* old block intact */
                continue;
            }
            CHECK(pattern_ok(&(struct live_block){q, 0, b->id},
                             b->size < size ? b->size : size));
            b->p = q;
            b->size = size;
            b->id = next_id++;
            fill(b);
        } else {
            size_t k = (r >> 8) % nlive;
            CHECK(pattern_ok(&live[k], live[k].size));
            kheap_free(h, live[k].p);
            live[k] = live[--nlive];
        }
        if (op % 1000 == 0) {
            kheap_check(h);
            struct kheap_stats st;
            kheap_get_stats(h, &st);
            size_t count = st.large_live;
            for (int c = 0; c < KHEAP_NCLASSES; c++)
                count += st.classes[c].live;
            CHECK_EQ(count, nlive);
            page_pool_check(&e->pool);
        }
    }
    while (nlive) {
        nlive--;
        CHECK(pattern_ok(&live[nlive], live[nlive].size));
        kheap_free(h, live[nlive].p);
    }
    kheap_check(h);
    struct kheap_stats st;
    kheap_get_stats(h, &st);
    for (int c = 0; c < KHEAP_NCLASSES; c++) {
        CHECK_EQ(st.classes[c].live, 0);
        CHECK_EQ(st.classes[c].allocs, st.classes[c].frees);
        CHECK(st.classes[c].slabs <= 1);
    }
    CHECK_EQ(st.large_live, 0);
    CHECK_EQ(kheap_fini(h), 0);
    free(live);
    env_free(e);
    (void)nulls;
}

TEST(random_against_model_roomy)
{
    random_heap(1234, 16384, 40000, 1500);
}

TEST(random_against_model_tight)
{
    /* Little memory: kheap_alloc/kheap_realloc fail often and must fail cleanly. */
    random_heap(99, 160, 30000, 400);
}

int main(void)
{
    RUN(sizes_and_alignment);
    RUN(class_stats);
    RUN(invalid_and_double_free_panic);
    RUN(poison_and_write_after_free);
    RUN(realloc_and_calloc);
    RUN(exhaustion_returns_null);
    RUN(many_large_blocks_grow_table);
    RUN(random_against_model_roomy);
    RUN(random_against_model_tight);
    return check_summary();
}
