/*
 * user/lib/int128.c — 128-bit unsigned division, for compilers without a
 * runtime library.
 *
 *   __udivti3(n, d)  n / d      __umodti3(n, d)  n % d      (d != 0)
 *
 * RV64 divides 64-bit numbers in one instruction; a 128-bit division (the
 * player scales times by rates in unsigned __int128) is a call to these,
 * which GCC's libgcc provides but clang has nothing for on systems that
 * package no compiler-rt builtins for riscv64 (Debian, Ubuntu: LLVM=1 links
 * no runtime library, see user/user.mk). They sit in the libc, which is
 * linked before libgcc, so both compilers' builds use this one.
 *
 * Method: two 64-bit numbers take one hardware division; otherwise
 * restoring shift-and-subtract, one quotient bit per step, from the divisor
 * shifted up to the dividend's top bit down to the divisor itself.
 * Nothing here divides a 128-bit number with `/` (that would call itself).
 */
typedef unsigned __int128 u128;
typedef unsigned long long u64;

u128 __udivti3(u128 n, u128 d);
u128 __umodti3(u128 n, u128 d);

static int leading_zeros(u128 x)
{
    u64 hi = (u64)(x >> 64);
    return hi ? __builtin_clzll(hi) : 64 + (x ? __builtin_clzll((u64)x) : 64);
}

static u128 divide(u128 n, u128 d, u128 *rem)
{
    if (d > n) {
        *rem = n;
        return 0;
    }
    if ((d >> 64) == 0 && (u64)(n >> 64) == 0) {
        u64 a = (u64)n, b = (u64)d;
        *rem = a % b;
        return a / b;
    }
    int shift = leading_zeros(d) - leading_zeros(n);   /* d << shift <= n's top bit */
    u128 q = 0, r = n;
    for (int i = shift; i >= 0; i--) {
        u128 part = d << i;
        q <<= 1;
        if (r >= part) {
            r -= part;
            q |= 1;
        }
    }
    *rem = r;
    return q;
}

u128 __udivti3(u128 n, u128 d)
{
    u128 rem;
    return divide(n, d, &rem);
}

u128 __umodti3(u128 n, u128 d)
{
    u128 rem;
    divide(n, d, &rem);
    return rem;
}
