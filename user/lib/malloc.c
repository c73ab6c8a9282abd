/*
 * user/lib/malloc.c — malloc/free/calloc/realloc: the heap core (heap.c)
 * bound to sbrk, growing the break by at least 64 KiB at a time. Misuse the
 * core detects (double free, foreign pointer) prints a message and aborts.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "user/lib/heap.h"

#define GROW_MIN (64 * 1024)

static struct heap user_heap;
static bool user_heap_ready;

static void *more_core_sbrk(void *ctx, size_t bytes)
{
    (void)ctx;
    if (bytes > (size_t)INTPTR_MAX)
        return NULL;
    void *p = sbrk((intptr_t)bytes);
    return p == (void *)-1 ? NULL : p;
}

static void misuse_abort(struct heap *h, enum heap_misuse what, void *ptr)
{
    (void)h;
    fprintf(stderr, "malloc: %s %p\n",
            what == HEAP_DOUBLE_FREE ? "double free of" : "free of a pointer malloc did not return:",
            ptr);
    abort();
}

static struct heap *the_heap(void)
{
    if (!user_heap_ready) {
        heap_init(&user_heap, more_core_sbrk, NULL, misuse_abort, GROW_MIN);
        user_heap_ready = true;
    }
    return &user_heap;
}

void *malloc(size_t size)
{
    void *p = heap_alloc(the_heap(), size);
    if (!p)
        errno = ENOMEM;
    return p;
}

void free(void *p)
{
    heap_free(the_heap(), p);
}

void *calloc(size_t n, size_t size)
{
    void *p = heap_calloc(the_heap(), n, size);
    if (!p)
        errno = ENOMEM;
    return p;
}

void *realloc(void *p, size_t size)
{
    void *q = heap_realloc(the_heap(), p, size);
    if (!q && size)
        errno = ENOMEM;
    return q;
}
