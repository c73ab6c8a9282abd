/*
 * tests/unit/test_libc_malloc.c — the user heap core (user/lib/heap.c)
 * over a fake sbrk: a static arena handed out from the bottom up, like a
 * program break. heap.c has its own names (heap_alloc...), so it builds
 * for the host as is; the libc's malloc.c only binds it to sbrk.
 *
 * Checked: alignment; splitting; coalescing (after everything is freed,
 * one block the size of the whole arena fits); a randomized run of
 * alloc/free/realloc against a model that fills each block with its own
 * byte pattern and verifies it survives; heap_check after every step;
 * double free and foreign pointers reported through the misuse callback;
 * a break moved behind the heap's back (a second region).
 */
#include "tests/unit/check.h"
#include "user/lib/heap.h"

#include <stdint.h>
#include <stdlib.h>

#define ARENA_SIZE (256 * 1024)

static _Alignas(16) unsigned char arena[ARENA_SIZE];
static size_t arena_brk;            /* bytes handed out so far */
static int core_calls;

static void *fake_sbrk(void *ctx, size_t bytes)
{
    (void)ctx;
    core_calls++;
    if (bytes > ARENA_SIZE - arena_brk)
        return NULL;
    void *p = arena + arena_brk;
    arena_brk += bytes;
    return p;
}

static enum heap_misuse last_misuse;
static void *last_misuse_ptr;
static int misuse_count;

static void record_misuse(struct heap *h, enum heap_misuse what, void *ptr)
{
    (void)h;
    last_misuse = what;
    last_misuse_ptr = ptr;
    misuse_count++;
}

static struct heap heap;

static void fresh_heap(size_t grow_min)
{
    arena_brk = 0;
    core_calls = 0;
    misuse_count = 0;
    last_misuse = 0;
    memset(arena, 0xAA, sizeof arena);
    heap_init(&heap, fake_sbrk, NULL, record_misuse, grow_min);
}

static int heap_ok(void)
{
    return heap_check(&heap, NULL);
}

TEST(alignment_and_sizes)
{
    fresh_heap(4096);
    for (size_t n = 0; n < 300; n++) {
        unsigned char *p = heap_alloc(&heap, n);
        CHECK(p != NULL);
        CHECK_EQ((uintptr_t)p % 16, 0);
        CHECK(heap_usable_size(p) >= n);
        memset(p, 0x5A, n);
    }
    CHECK(heap_ok());
    /* malloc(0) returns distinct pointers. */
    void *a = heap_alloc(&heap, 0), *b = heap_alloc(&heap, 0);
    CHECK(a && b && a != b);
    CHECK(heap_alloc(&heap, SIZE_MAX) == NULL);
    CHECK(heap_alloc(&heap, SIZE_MAX - 8) == NULL);
    CHECK(heap_calloc(&heap, SIZE_MAX / 2, 4) == NULL);
}

TEST(splitting_reuses_a_freed_block)
{
    fresh_heap(4096);
    void *big = heap_alloc(&heap, 1000);
    void *guard = heap_alloc(&heap, 16);    /* keeps big off the top */
    heap_free(&heap, big);
    /* Three small blocks come out of the freed 1000-byte hole. */
    unsigned char *a = heap_alloc(&heap, 100), *b = heap_alloc(&heap, 100),
                  *c = heap_alloc(&heap, 100);
    unsigned char *lo = big, *hi = (unsigned char *)big + 1000;
    CHECK(a >= lo && a < hi);
    CHECK(b >= lo && b < hi);
    CHECK(c >= lo && c < hi);
    CHECK(heap_ok());
    struct heap_stats st;
    heap_check(&heap, &st);
    CHECK_EQ(st.used_chunks, 4);
    heap_free(&heap, guard);
    heap_free(&heap, a);
    heap_free(&heap, b);
    heap_free(&heap, c);
    heap_check(&heap, &st);
    CHECK_EQ(st.free_chunks, 1);
    CHECK_EQ(st.used_chunks, 0);
}

TEST(coalescing_gives_back_the_whole_arena)
{
    fresh_heap(8192);
    void *ptrs[500];
    size_t n = 0;
    /* Fill most of the arena with odd sizes, free in a scrambled order. */
    for (; n < 500; n++) {
        ptrs[n] = heap_alloc(&heap, 13 + (n * 37) % 400);
        CHECK(ptrs[n] != NULL);
    }
    for (size_t i = 0; i < n; i += 2)
        heap_free(&heap, ptrs[i]);
    CHECK(heap_ok());
    for (size_t i = n; i-- > 0;)
        if (i % 2)
            heap_free(&heap, ptrs[i]);
    struct heap_stats st;
    CHECK(heap_check(&heap, &st));
    CHECK_EQ(st.free_chunks, 1);
    /* One block as large as the arena minus the fixed overhead fits. */
    void *all = heap_alloc(&heap, ARENA_SIZE - HEAP_REGION_OVERHEAD);
    CHECK(all != NULL);
    CHECK(heap_alloc(&heap, 1) == NULL);
    heap_free(&heap, all);
    CHECK(heap_ok());
}

TEST(whole_arena_in_one_first_request)
{
    fresh_heap(64 * 1024);
    void *all = heap_alloc(&heap, ARENA_SIZE - HEAP_REGION_OVERHEAD);
    CHECK(all != NULL);
    CHECK_EQ(arena_brk, ARENA_SIZE);
    heap_free(&heap, all);
    CHECK(heap_ok());
}

TEST(double_free_and_bad_pointers_are_reported)
{
    fresh_heap(4096);
    char *a = heap_alloc(&heap, 64), *b = heap_alloc(&heap, 64);
    heap_free(&heap, a);
    CHECK_EQ(misuse_count, 0);
    heap_free(&heap, a);
    CHECK_EQ(misuse_count, 1);
    CHECK_EQ(last_misuse, HEAP_DOUBLE_FREE);
    CHECK(last_misuse_ptr == a);
    /* Freed and merged with its neighbour: still recognised. */
    heap_free(&heap, b);
    heap_free(&heap, b);
    CHECK_EQ(misuse_count, 2);
    CHECK_EQ(last_misuse, HEAP_DOUBLE_FREE);
    char *c = heap_alloc(&heap, 64);
    heap_free(&heap, c + 16);   /* inside a block: reported, as either kind */
    CHECK_EQ(misuse_count, 3);
    heap_free(&heap, c + 1);                /* misaligned */
    CHECK_EQ(last_misuse, HEAP_BAD_POINTER);
    static _Alignas(16) char elsewhere[64];
    heap_free(&heap, elsewhere + 16);       /* not heap memory */
    CHECK_EQ(last_misuse, HEAP_BAD_POINTER);
    char *d = heap_alloc(&heap, 64), *guard = heap_alloc(&heap, 64);
    heap_free(&heap, d);
    CHECK(heap_realloc(&heap, d, 10) == NULL);  /* realloc of a freed block */
    CHECK_EQ(last_misuse, HEAP_DOUBLE_FREE);
    CHECK_EQ(misuse_count, 6);
    heap_free(&heap, guard);
    heap_free(&heap, c);
    CHECK(heap_ok());
}

TEST(realloc_grows_in_place_and_moves)
{
    fresh_heap(4096);
    unsigned char *p = heap_alloc(&heap, 100);
    for (int i = 0; i < 100; i++)
        p[i] = (unsigned char)i;
    /* Top of the heap with free space above: grows in place. */
    unsigned char *q = heap_realloc(&heap, p, 1000);
    CHECK(q == p);
    unsigned char *blocker = heap_alloc(&heap, 10);
    unsigned char *r = heap_realloc(&heap, q, 5000);    /* must move */
    CHECK(r != NULL && r != q);
    for (int i = 0; i < 100; i++)
        CHECK_EQ(r[i], i);
    unsigned char *s = heap_realloc(&heap, r, 50);      /* shrinks in place */
    CHECK(s == r);
    CHECK(heap_realloc(&heap, s, 0) == NULL);           /* frees */
    heap_free(&heap, blocker);
    CHECK(heap_realloc(&heap, NULL, 10) != NULL);       /* allocates */
    CHECK(heap_ok());
}

TEST(break_moved_by_someone_else)
{
    fresh_heap(4096);
    void *a = heap_alloc(&heap, 4000);
    arena_brk += 48;                        /* a foreign sbrk(48) */
    void *b = heap_alloc(&heap, 10000);     /* needs more core: new region */
    CHECK(a && b);
    struct heap_stats st;
    CHECK(heap_check(&heap, &st));
    CHECK(st.core_bytes >= 14000);
    heap_free(&heap, a);
    heap_free(&heap, b);
    CHECK(heap_check(&heap, &st));
    CHECK_EQ(st.free_chunks, 2);            /* one per region */
}

/* Random operations against a model: each live block is filled with a
 * byte derived from its id; the fill must survive everything else. */
#define SLOTS 200
struct live { unsigned char *p; size_t n; unsigned char fill; };

static int verify(const struct live *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->p[i] != l->fill)
            return 0;
    return 1;
}

TEST(randomized_against_model)
{
    fresh_heap(4096);
    struct live slots[SLOTS] = { { NULL, 0, 0 } };
    srand(12345);
    int bad_fill = 0, bad_check = 0, failures = 0;
    for (int step = 0; step < 20000; step++) {
        struct live *l = &slots[rand() % SLOTS];
        int op = rand() % 3;
        size_t n = rand() % 8 == 0 ? (size_t)(rand() % 5000) : (size_t)(rand() % 200);
        if (l->p && !verify(l))
            bad_fill++;
        if (op == 0 && l->p) {
            heap_free(&heap, l->p);
            l->p = NULL;
        } else if (op == 1 && l->p) {
            unsigned char *q = heap_realloc(&heap, l->p, n);
            if (n == 0) {
                l->p = NULL;
            } else if (q) {
                size_t keep = n < l->n ? n : l->n;
                for (size_t i = 0; i < keep; i++)
                    if (q[i] != l->fill)
                        bad_fill++;
                l->p = q;
                l->n = n;
                memset(q, l->fill, n);
                if ((uintptr_t)q % 16)
                    bad_fill++;
            }
        } else if (!l->p) {
            l->p = heap_alloc(&heap, n);
            if (!l->p) {
                failures++;
                continue;
            }
            l->n = n;
            l->fill = (unsigned char)(step * 7 + 1);
            memset(l->p, l->fill, n);
        }
        if (step % 64 == 0 && !heap_ok())
            bad_check++;
    }
    CHECK_EQ(bad_fill, 0);
    CHECK_EQ(bad_check, 0);
    CHECK_EQ(misuse_count, 0);
    CHECK(failures < 100);      /* the arena is big enough for almost all */
    for (int i = 0; i < SLOTS; i++) {
        if (slots[i].p && !verify(&slots[i]))
            bad_fill++;
        heap_free(&heap, slots[i].p);
    }
    CHECK_EQ(bad_fill, 0);
    struct heap_stats st;
    CHECK(heap_check(&heap, &st));
    CHECK_EQ(st.free_chunks, 1);
    CHECK(heap_alloc(&heap, ARENA_SIZE - HEAP_REGION_OVERHEAD) != NULL);
}

int main(void)
{
    RUN(alignment_and_sizes);
    RUN(splitting_reuses_a_freed_block);
    RUN(coalescing_gives_back_the_whole_arena);
    RUN(whole_arena_in_one_first_request);
    RUN(double_free_and_bad_pointers_are_reported);
    RUN(realloc_grows_in_place_and_moves);
    RUN(break_moved_by_someone_else);
    RUN(randomized_against_model);
    return check_summary();
}
