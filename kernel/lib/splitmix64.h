/*
 * kernel/lib/splitmix64.h — splitmix64 (Steele, Lea and Flood, 2014): a
 * 64-bit pseudo-random generator with a one-word state, for reproducible
 * random inputs: the host unit tests (tests/unit/check.h) and the system
 * call fuzzer (user/sysfuzz.c, whose seeds must replay the same calls).
 *
 * Header-only and freestanding (stdint.h only), so kernel, user and host
 * code can all include it. The state is the caller's: each stream is one
 * uint64_t, seeded by assigning it; any value, 0 included, is a good seed.
 * Not for anything that must be unpredictable.
 */
#ifndef KERNEL_LIB_SPLITMIX64_H
#define KERNEL_LIB_SPLITMIX64_H

#include <stdint.h>

/* Advances *state by the golden-ratio increment and returns the mixed value. */
static inline uint64_t splitmix64_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

#endif
