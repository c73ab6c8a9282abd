/*
 * tests/unit/test_slot_alloc.c — the bitmap slot allocator (kernel-stack
 * slots). panic() is a hook that longjmps back so misuse is testable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>

#include "kernel/mm/slot_alloc.h"
#include "tests/unit/check.h"

TEST(lowest_free_first)
{
    uint64_t bits[SLOT_POOL_BITMAP_WORDS(100)];
    struct slot_pool sp;
    slot_pool_init(&sp, "kstack", 100, bits);
    for (size_t i = 0; i < 100; i++)
        CHECK_EQ(slot_alloc(&sp), i);
    CHECK_EQ(slot_alloc(&sp), SLOT_NONE); /* full */
    CHECK_EQ(slot_used_count(&sp), 100);
    slot_free(&sp, 70);
    slot_free(&sp, 3);
    slot_free(&sp, 99);
    CHECK(!slot_is_used(&sp, 3));
    CHECK(slot_is_used(&sp, 4));
    CHECK_EQ(slot_alloc(&sp), 3);
    CHECK_EQ(slot_alloc(&sp), 70);
    CHECK_EQ(slot_alloc(&sp), 99);
    CHECK_EQ(slot_alloc(&sp), SLOT_NONE);
    CHECK(!slot_is_used(&sp, 100));       /* out of range reads as free */
    CHECK(!slot_is_used(&sp, SLOT_NONE));
    slot_pool_check(&sp);
}

TEST(misuse_panics)
{
    uint64_t bits[SLOT_POOL_BITMAP_WORDS(64)];
    struct slot_pool sp;
    slot_pool_init(&sp, "kstack", 64, bits);
    size_t s = slot_alloc(&sp);
    slot_free(&sp, s);
    EXPECT_PANIC(slot_free(&sp, s), "double free");
    EXPECT_PANIC(slot_free(&sp, 5), "kstack, 5");
    EXPECT_PANIC(slot_free(&sp, 64), "out of range");
    EXPECT_PANIC(slot_free(&sp, SLOT_NONE), "out of range");
    slot_pool_check(&sp);
    CHECK_EQ(slot_used_count(&sp), 0);

    /* A corrupted counter is reported by the checker. */
    sp.used = 3;
    EXPECT_PANIC(slot_pool_check(&sp), "counter says 3");
}

TEST(empty_and_exact_word_pools)
{
    struct slot_pool sp;
    uint64_t none[1];
    slot_pool_init(&sp, NULL, 0, none);
    CHECK_EQ(slot_alloc(&sp), SLOT_NONE);
    EXPECT_PANIC(slot_free(&sp, 0), "slot pool");

    uint64_t bits[2];
    slot_pool_init(&sp, "x", 128, bits);
    for (size_t i = 0; i < 128; i++)
        CHECK_EQ(slot_alloc(&sp), i);
    CHECK_EQ(slot_alloc(&sp), SLOT_NONE);
    slot_free(&sp, 127);
    CHECK_EQ(slot_alloc(&sp), 127);
    slot_pool_check(&sp);
}

TEST(random_against_model)
{
    enum { N = 333 };
    uint64_t bits[SLOT_POOL_BITMAP_WORDS(N)];
    bool model[N] = {0};
    volatile size_t used = 0;
    struct slot_pool sp;
    slot_pool_init(&sp, "rand", N, bits);
    check_rng_seed(99);
    for (int op = 0; op < 50000; op++) {
        uint64_t r = check_rng();
        if (r % 100 < 52) {
            size_t want = SLOT_NONE;
            for (size_t i = 0; i < N; i++)
                if (!model[i]) {
                    want = i;
                    break;
                }
            size_t got = slot_alloc(&sp);
            CHECK_EQ(got, want);
            if (got != SLOT_NONE) {
                model[got] = true;
                used++;
            }
        } else {
            size_t i = (r >> 16) % N;
            if (model[i]) {
                slot_free(&sp, i);
                model[i] = false;
                used--;
            } else {
                EXPECT_PANIC(slot_free(&sp, i), "not in use");
            }
        }
        CHECK_EQ(slot_used_count(&sp), used);
        if (op % 500 == 0) {
            slot_pool_check(&sp);
            for (size_t i = 0; i < N; i++)
                CHECK_EQ(slot_is_used(&sp, i), model[i]);
        }
    }
}

int main(void)
{
    RUN(lowest_free_first);
    RUN(misuse_panics);
    RUN(empty_and_exact_word_pools);
    RUN(random_against_model);
    return check_summary();
}
