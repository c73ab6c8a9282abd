/*
 * tests/unit/test_int128.c — user/lib/int128.c (__udivti3, __umodti3, the
 * 128-bit division the libc provides for clang builds) against the host
 * compiler's own 128-bit division.
 *
 * The source is included with its two functions renamed, so the host's `/`
 * and `%` on unsigned __int128 still call the host's runtime library, not
 * the code under test.
 */
#define __udivti3 ulibc_udivti3
#define __umodti3 ulibc_umodti3
#include "user/lib/int128.c"

#include "tests/unit/check.h"

#include <stdint.h>

/* A random number of 0..128 significant bits, so every length of dividend
 * and divisor (and every shift of the loop) comes up. */
static u128 random_u128(void)
{
    u128 x = ((u128)check_rng() << 64) | check_rng();
    unsigned bits = (unsigned)(check_rng() % 129);
    return bits == 0 ? 0 : bits == 128 ? x : x & (((u128)1 << bits) - 1);
}

static int check_one(u128 n, u128 d)
{
    return ulibc_udivti3(n, d) == n / d && ulibc_umodti3(n, d) == n % d;
}

TEST(edge_cases)
{
    const u128 max = ~(u128)0, two64 = (u128)1 << 64;
    const u128 values[] = { 1, 2, 3, 7, 0xffffffffffffffffull, two64, two64 + 1,
                            two64 - 1, max, max - 1, max / 3, (u128)1 << 127,
                            ((u128)1 << 127) + 12345, 1000000000ull };
    size_t count = sizeof values / sizeof *values;
    for (size_t i = 0; i < count; i++) {
        CHECK(check_one(0, values[i]));
        for (size_t j = 0; j < count; j++)
            CHECK(check_one(values[i], values[j]));
    }
}

TEST(random_operands)
{
    int wrong = 0;
    for (int i = 0; i < 200000; i++) {
        u128 n = random_u128(), d = random_u128();
        if (d == 0)
            d = 1;
        wrong += !check_one(n, d);
    }
    CHECK_EQ(wrong, 0);
}

TEST(player_time_scaling)
{
    /* What the player divides: frames x fps_den x rate / fps_num. */
    u128 n = (u128)123456789 * 1001 * 48000;
    CHECK(ulibc_udivti3(n, 30000) == (u128)123456789 * 1001 * 48000 / 30000);
    CHECK(ulibc_umodti3(n, 30000) == n % 30000);
}

int main(void)
{
    RUN(edge_cases);
    RUN(random_operands);
    RUN(player_time_scaling);
    return check_summary();
}
