/*
 * kernel/lib/bitops.h — bit tricks the allocators share. ctz64(x): the number of
 * trailing zero bits of a nonzero x. RISC-V without the Zbb extension has no
 * count-trailing-zeros instruction (and the compiler would call libgcc), so
 * there it isolates the lowest set bit and looks it up with a de Bruijn
 * multiplication; elsewhere (host unit tests) the builtin is used.
 */
#ifndef KERNEL_BITOPS_H
#define KERNEL_BITOPS_H

#include <stdint.h>

static inline unsigned ctz64(uint64_t x)
{
#if defined(__riscv) && !defined(__riscv_zbb)
    static const uint8_t table[64] = {
        0,  1,  2,  53, 3,  7,  54, 27, 4,  38, 41, 8,  34, 55, 48, 28,
        62, 5,  39, 46, 44, 42, 22, 9,  24, 35, 59, 56, 49, 18, 29, 11,
        63, 52, 6,  26, 37, 40, 33, 47, 61, 45, 43, 21, 23, 58, 17, 10,
        51, 25, 36, 32, 60, 20, 57, 16, 50, 31, 19, 15, 30, 14, 13, 12,
    };
    return table[((x & -x) * 0x022fdd63cc95386dULL) >> 58];
#else
    return (unsigned)__builtin_ctzll(x);
#endif
}

#endif
