/*
 * user/lib/qsort.c — qsort, bsearch, rand.
 *
 * qsort is an in-place heapsort: O(n log n) in the worst case, no recursion
 * and no allocation, at the price of not being stable (C does not ask for
 * stability). Elements are swapped byte by byte, so any size works.
 */
#include <stddef.h>
#include <stdlib.h>

static void swap_bytes(unsigned char *a, unsigned char *b, size_t size)
{
    while (size--) {
        unsigned char t = *a;
        *a++ = *b;
        *b++ = t;
    }
}

/* Moves element i down the max-heap of the first n elements. */
static void sift_down(unsigned char *base, size_t i, size_t n, size_t size,
                      int (*cmp)(const void *, const void *))
{
    for (;;) {
        size_t largest = i, left = 2 * i + 1, right = left + 1;
        if (left < n && cmp(base + left * size, base + largest * size) > 0)
            largest = left;
        if (right < n && cmp(base + right * size, base + largest * size) > 0)
            largest = right;
        if (largest == i)
            return;
        swap_bytes(base + i * size, base + largest * size, size);
        i = largest;
    }
}

void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    unsigned char *b = base;
    if (n < 2 || size == 0)
        return;
    for (size_t i = n / 2; i-- > 0;)
        sift_down(b, i, n, size, cmp);
    /* Repeatedly move the maximum to the end of the shrinking heap. */
    for (size_t end = n - 1; end > 0; end--) {
        swap_bytes(b, b + end * size, size);
        sift_down(b, 0, end, size, cmp);
    }
}

void *bsearch(const void *key, const void *base, size_t n, size_t size,
              int (*cmp)(const void *, const void *))
{
    const unsigned char *b = base;
    size_t lo = 0, hi = n;      /* the answer, if any, is in [lo, hi) */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp(key, b + mid * size);
        if (c == 0)
            return (void *)(b + mid * size);
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* A 64-bit linear congruential generator (Knuth's MMIX constants); the
 * high bits are the good ones, so rand() returns those. */
static unsigned long long rand_state = 1;

void srand(unsigned seed)
{
    rand_state = seed;
}

int rand(void)
{
    rand_state = rand_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (int)(rand_state >> 33);
}
