/*
 * user/lib/heap.h — the allocator core behind malloc/free/calloc/realloc.
 *
 * Pure: memory comes from a more_core(ctx, bytes) callback (sbrk in the
 * libc, a static arena in the unit test) that returns the start of `bytes`
 * fresh bytes or NULL. Successive calls usually return adjacent memory (that
 * is how a break grows); the heap then extends its last region, otherwise
 * it starts a new one.
 *
 * Layout: a region is a 16-byte region header, then chunks, then a 16-byte
 * epilogue (a header of size 0 marked in use) that stops coalescing. Every
 * chunk starts with a 16-byte header {prev_size, size | IN_USE}: sizes
 * count the header, are multiples of 16 and at least 32, so payloads are
 * 16-byte aligned. prev_size (the size of the chunk just below, 0 for the
 * first chunk of a region) is the boundary tag that lets free() find and
 * merge its lower neighbour in O(1).
 *
 * Invariants (heap_check verifies them): no two free chunks are adjacent
 * (free() merges both neighbours); every free chunk is on the free list and
 * nothing else is; each chunk's prev_size equals the size of the one below.
 * Allocation is first fit over the free list (most recently freed first),
 * splitting off the tail when at least a minimum chunk remains.
 *
 * Misuse (freeing a block twice, freeing a pointer the heap did not hand
 * out) is detected where the header makes it obvious and reported through
 * the misuse callback; if that returns, the operation is abandoned.
 */
#ifndef USER_LIB_HEAP_H
#define USER_LIB_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HEAP_ALIGN        16
#define HEAP_HEADER_SIZE  16   /* per allocated block */
#define HEAP_REGION_OVERHEAD 48 /* region header + first chunk header + epilogue */

enum heap_misuse {
    HEAP_DOUBLE_FREE = 1,   /* the block is already free */
    HEAP_BAD_POINTER,       /* not a block this heap handed out */
};

struct heap;
typedef void *(*heap_more_core_fn)(void *ctx, size_t bytes);
typedef void (*heap_misuse_fn)(struct heap *h, enum heap_misuse what, void *ptr);

struct heap_region;
struct heap_chunk;

struct heap {
    heap_more_core_fn more_core;
    void *ctx;
    heap_misuse_fn misuse;
    size_t grow_min;                /* ask more_core for at least this much */
    struct heap_chunk *free_list;   /* doubly linked, most recent first */
    struct heap_region *regions;    /* most recent first */
    uintptr_t core_end;             /* where the last more_core memory ended */
    uintptr_t lo, hi;               /* bounds of all regions, for checks */
};

struct heap_stats {
    size_t core_bytes;      /* obtained from more_core */
    size_t free_bytes;      /* in free chunks, headers included */
    size_t free_chunks;
    size_t largest_free;    /* largest block heap_alloc could return now */
    size_t used_chunks;
};

void heap_init(struct heap *h, heap_more_core_fn more_core, void *ctx,
               heap_misuse_fn misuse, size_t grow_min);
void *heap_alloc(struct heap *h, size_t size);          /* NULL: no memory */
void heap_free(struct heap *h, void *p);                /* NULL is ignored */
void *heap_calloc(struct heap *h, size_t n, size_t size);
/* realloc(p, 0) frees p and returns NULL; on failure p is left alone. */
void *heap_realloc(struct heap *h, void *p, size_t size);
size_t heap_usable_size(void *p);                       /* of a live block */

/* Walks every region; returns false if an invariant is
 * broken. Fills *st when st is not NULL. For tests and debugging. */
bool heap_check(const struct heap *h, struct heap_stats *st);

#endif
