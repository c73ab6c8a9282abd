/*
 * user/lib/heap.c — first-fit allocator with boundary tags; the design and
 * invariants are in heap.h. Pure C (no system calls), so the host unit test
 * runs it over a static arena.
 */
#include "user/lib/heap.h"

#include <string.h>

#define IN_USE     ((size_t)1)
#define MIN_CHUNK  ((size_t)32)     /* header + the two free-list links */

struct heap_chunk {
    size_t prev_size;               /* size of the chunk below; 0 = first */
    size_t size_flags;              /* size | IN_USE */
    /* Only while free (this is where the payload starts): */
    struct heap_chunk *next_free, *prev_free;
};

struct heap_region {
    struct heap_region *next;
    uintptr_t end;                  /* one past the epilogue */
    /* chunks follow */
};

_Static_assert(sizeof(struct heap_region) == 16, "region header is 16 bytes");
_Static_assert(sizeof(struct heap_chunk) == MIN_CHUNK, "links fit a minimum chunk");

static size_t chunk_size(const struct heap_chunk *c) { return c->size_flags & ~IN_USE; }
static bool chunk_in_use(const struct heap_chunk *c) { return c->size_flags & IN_USE; }
static struct heap_chunk *chunk_at(uintptr_t addr) { return (struct heap_chunk *)addr; }
static struct heap_chunk *chunk_after(struct heap_chunk *c)
{
    return chunk_at((uintptr_t)c + chunk_size(c));
}
static struct heap_chunk *chunk_of(void *payload)
{
    return chunk_at((uintptr_t)payload - HEAP_HEADER_SIZE);
}
static void *payload_of(struct heap_chunk *c) { return (char *)c + HEAP_HEADER_SIZE; }
static uintptr_t align_up(uintptr_t v) { return (v + HEAP_ALIGN - 1) & ~(uintptr_t)(HEAP_ALIGN - 1); }
static uintptr_t align_down(uintptr_t v) { return v & ~(uintptr_t)(HEAP_ALIGN - 1); }

/* Sets a chunk's size and keeps the boundary tag of the next one in step. */
static void set_chunk(struct heap_chunk *c, size_t size, size_t in_use)
{
    c->size_flags = size | in_use;
    chunk_after(c)->prev_size = size;
}

static void free_list_push(struct heap *h, struct heap_chunk *c)
{
    c->prev_free = NULL;
    c->next_free = h->free_list;
    if (h->free_list)
        h->free_list->prev_free = c;
    h->free_list = c;
}

static void free_list_remove(struct heap *h, struct heap_chunk *c)
{
    if (c->prev_free)
        c->prev_free->next_free = c->next_free;
    else
        h->free_list = c->next_free;
    if (c->next_free)
        c->next_free->prev_free = c->prev_free;
}

void heap_init(struct heap *h, heap_more_core_fn more_core, void *ctx,
               heap_misuse_fn misuse, size_t grow_min)
{
    memset(h, 0, sizeof *h);
    h->more_core = more_core;
    h->ctx = ctx;
    h->misuse = misuse;
    h->grow_min = grow_min;
}

/*
 * Marks c (not on the free list, not in use) free: merges it with free
 * neighbours and puts the result on the free list. Returns the merged chunk.
 */
static struct heap_chunk *release(struct heap *h, struct heap_chunk *c)
{
    size_t size = chunk_size(c);
    struct heap_chunk *next = chunk_after(c);
    if (!chunk_in_use(next)) {      /* the epilogue counts as in use */
        free_list_remove(h, next);
        size += chunk_size(next);
    }
    if (c->prev_size != 0) {
        struct heap_chunk *prev = chunk_at((uintptr_t)c - c->prev_size);
        if (!chunk_in_use(prev)) {
            free_list_remove(h, prev);
            size += chunk_size(prev);
            c = prev;
        }
    }
    set_chunk(c, size, 0);
    free_list_push(h, c);
    return c;
}

/* Asks more_core for `want` bytes, or for `minimum` if that fails. */
static void *get_core(struct heap *h, size_t want, size_t minimum, size_t *got)
{
    void *p = h->more_core(h->ctx, want);
    if (!p && minimum < want) {
        want = minimum;
        p = h->more_core(h->ctx, want);
    }
    *got = want;
    return p;
}

/* Makes [start, end) (16-aligned, at least a minimum chunk plus overhead) a
 * new region holding one free chunk. */
static void new_region(struct heap *h, uintptr_t start, uintptr_t end)
{
    struct heap_region *r = (struct heap_region *)start;
    r->next = h->regions;
    r->end = end;
    h->regions = r;
    struct heap_chunk *first = chunk_at(start + sizeof *r);
    struct heap_chunk *epilogue = chunk_at(end - HEAP_HEADER_SIZE);
    epilogue->size_flags = 0 | IN_USE;
    first->prev_size = 0;
    set_chunk(first, (uintptr_t)epilogue - (uintptr_t)first, 0);
    free_list_push(h, first);
    if (!h->lo || start < h->lo)
        h->lo = start;
    if (end > h->hi)
        h->hi = end;
}

/* The break moved on from h->core_end to new_core_end: the last region's
 * epilogue becomes the header of the new space, which joins a free top. */
static void extend_last_region(struct heap *h, uintptr_t new_core_end)
{
    struct heap_region *r = h->regions;
    uintptr_t new_end = align_down(new_core_end);
    struct heap_chunk *fresh = chunk_at(r->end - HEAP_HEADER_SIZE);
    struct heap_chunk *epilogue = chunk_at(new_end - HEAP_HEADER_SIZE);
    r->end = new_end;
    if (new_end > h->hi)
        h->hi = new_end;
    epilogue->size_flags = 0 | IN_USE;
    set_chunk(fresh, (uintptr_t)epilogue - (uintptr_t)fresh, 0);
    release(h, fresh);
}

/*
 * Adds memory towards a free chunk of `need` bytes. Returns false when
 * more_core refuses (or hands out something unusably small).
 */
static bool grow(struct heap *h, size_t need)
{
    struct heap_region *last = h->regions;
    if (last) {
        /* If the break is still where we left it, extending the last region
         * needs only the shortfall of a free chunk at its top. */
        struct heap_chunk *epilogue = chunk_at(last->end - HEAP_HEADER_SIZE);
        size_t top_free = 0;
        if (epilogue->prev_size) {
            struct heap_chunk *top = chunk_at((uintptr_t)epilogue - epilogue->prev_size);
            if (!chunk_in_use(top))
                top_free = chunk_size(top);
        }
        size_t shortfall = align_up(need - top_free);   /* need > top_free */
        size_t got;
        void *p = get_core(h, shortfall > h->grow_min ? shortfall : align_up(h->grow_min),
                           shortfall, &got);
        if (!p)
            return false;
        if ((uintptr_t)p == h->core_end) {
            h->core_end += got;
            extend_last_region(h, h->core_end);
            return true;
        }
        /* Someone else moved the break: what we got starts a new region
         * if it can hold the request, else it is lost and we ask again. */
        uintptr_t start = align_up((uintptr_t)p), end = align_down((uintptr_t)p + got);
        h->core_end = (uintptr_t)p + got;
        if (end >= start + need + HEAP_REGION_OVERHEAD - HEAP_HEADER_SIZE) {
            new_region(h, start, end);
            return true;
        }
    }
    /* A new region: header + the chunk + epilogue. If more_core's memory is
     * misaligned the region comes out short and the next call extends it. */
    size_t minimum = align_up(need + HEAP_REGION_OVERHEAD - HEAP_HEADER_SIZE);
    size_t got;
    void *p = get_core(h, minimum > h->grow_min ? minimum : align_up(h->grow_min),
                       minimum, &got);
    if (!p)
        return false;
    uintptr_t start = align_up((uintptr_t)p), end = align_down((uintptr_t)p + got);
    h->core_end = (uintptr_t)p + got;
    if (end < start + sizeof(struct heap_region) + MIN_CHUNK + HEAP_HEADER_SIZE)
        return false;
    new_region(h, start, end);
    return true;
}

/* Bytes of chunk needed for `size` bytes of payload; 0 if impossible. */
static size_t chunk_need(size_t size)
{
    if (size > SIZE_MAX / 2)
        return 0;
    size_t need = align_up(size + HEAP_HEADER_SIZE);
    return need < MIN_CHUNK ? MIN_CHUNK : need;
}

/* c is in use and at least `need` bytes: split off a tail worth keeping. */
static void trim(struct heap *h, struct heap_chunk *c, size_t need)
{
    size_t size = chunk_size(c);
    if (size - need < MIN_CHUNK)
        return;
    set_chunk(c, need, IN_USE);
    struct heap_chunk *tail = chunk_after(c);
    set_chunk(tail, size - need, 0);
    release(h, tail);
}

void *heap_alloc(struct heap *h, size_t size)
{
    size_t need = chunk_need(size);
    if (!need)
        return NULL;
    for (;;) {
        for (struct heap_chunk *c = h->free_list; c; c = c->next_free) {
            if (chunk_size(c) >= need) {
                free_list_remove(h, c);
                set_chunk(c, chunk_size(c), IN_USE);
                trim(h, c, need);
                return payload_of(c);
            }
        }
        if (!grow(h, need))
            return NULL;
    }
}

/* The chunk behind a pointer handed to free/realloc, or NULL (reported). */
static struct heap_chunk *checked_chunk(struct heap *h, void *p)
{
    uintptr_t a = (uintptr_t)p;
    if ((a & (HEAP_ALIGN - 1)) || a < h->lo + sizeof(struct heap_region) + HEAP_HEADER_SIZE
        || a >= h->hi) {
        h->misuse(h, HEAP_BAD_POINTER, p);
        return NULL;
    }
    struct heap_chunk *c = chunk_of(p);
    size_t size = chunk_size(c);
    if (!chunk_in_use(c)) {
        h->misuse(h, HEAP_DOUBLE_FREE, p);
        return NULL;
    }
    if (size < MIN_CHUNK || (size & (HEAP_ALIGN - 1)) || size > h->hi - (uintptr_t)c
        || chunk_after(c)->prev_size != size) {
        h->misuse(h, HEAP_BAD_POINTER, p);
        return NULL;
    }
    return c;
}

void heap_free(struct heap *h, void *p)
{
    if (!p)
        return;
    struct heap_chunk *c = checked_chunk(h, p);
    if (!c)
        return;
    set_chunk(c, chunk_size(c), 0);
    release(h, c);
}

void *heap_calloc(struct heap *h, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    void *p = heap_alloc(h, n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void *heap_realloc(struct heap *h, void *p, size_t size)
{
    if (!p)
        return heap_alloc(h, size);
    if (size == 0) {
        heap_free(h, p);
        return NULL;
    }
    struct heap_chunk *c = checked_chunk(h, p);
    if (!c)
        return NULL;
    size_t need = chunk_need(size);
    if (!need)
        return NULL;
    size_t have = chunk_size(c);
    if (have < need) {
        /* Grow in place into a free upper neighbour when it is enough. */
        struct heap_chunk *next = chunk_after(c);
        if (!chunk_in_use(next) && have + chunk_size(next) >= need) {
            free_list_remove(h, next);
            set_chunk(c, have + chunk_size(next), IN_USE);
        } else {
            void *q = heap_alloc(h, size);
            if (!q)
                return NULL;
            memcpy(q, p, have - HEAP_HEADER_SIZE);
            heap_free(h, p);
            return q;
        }
    }
    trim(h, c, need);
    return p;
}

size_t heap_usable_size(void *p)
{
    return chunk_size(chunk_of(p)) - HEAP_HEADER_SIZE;
}

bool heap_check(const struct heap *h, struct heap_stats *st)
{
    struct heap_stats s = { 0, 0, 0, 0, 0 };
    bool ok = true;
    for (const struct heap_region *r = h->regions; r; r = r->next) {
        uintptr_t first = (uintptr_t)r + sizeof *r;
        s.core_bytes += r->end - (uintptr_t)r;
        size_t prev_size = 0;
        bool prev_free = false;
        struct heap_chunk *c = chunk_at(first);
        for (;;) {
            size_t size = chunk_size(c);
            if (c->prev_size != prev_size)
                ok = false;
            if (size == 0) {        /* the epilogue */
                if ((uintptr_t)c + HEAP_HEADER_SIZE != r->end || !chunk_in_use(c))
                    ok = false;
                break;
            }
            if (size < MIN_CHUNK || (size & (HEAP_ALIGN - 1))
                || (uintptr_t)c + size + HEAP_HEADER_SIZE > r->end) {
                ok = false;
                break;
            }
            if (chunk_in_use(c)) {
                s.used_chunks++;
                prev_free = false;
            } else {
                if (prev_free)
                    ok = false;     /* two free neighbours: missed a merge */
                prev_free = true;
                s.free_chunks++;
                s.free_bytes += size;
                if (size - HEAP_HEADER_SIZE > s.largest_free)
                    s.largest_free = size - HEAP_HEADER_SIZE;
            }
            prev_size = size;
            c = chunk_after(c);
        }
    }
    size_t listed = 0;
    for (const struct heap_chunk *c = h->free_list; c; c = c->next_free) {
        if (chunk_in_use(c) || (c->next_free && c->next_free->prev_free != c))
            ok = false;
        if (++listed > s.free_chunks)
            break;
    }
    if (listed != s.free_chunks)
        ok = false;
    if (st)
        *st = s;
    return ok;
}
