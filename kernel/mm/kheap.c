/*
 * kernel/mm/kheap.c — kernel heap core; interface and invariants in kheap.h.
 *
 * Slab metadata is kept out of the slab pages (in span descriptors) so that
 * power-of-two objects tile a page exactly and so a corrupted or bogus
 * pointer handed to kheap_free is judged against trusted data only. All checks
 * run before anything is modified: a panic caught by a host test leaves the
 * heap consistent.
 */
#include "kernel/mm/kheap.h"
#include "kernel/lib/bitops.h"
#include "kernel/arch/panic.h"

/* The kernel's kernel/lib/string.h provides these; host builds get libc's. */
void *memset(void *s, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);

#define SLAB_BITMAP_WORDS (KHEAP_PAGE_SIZE / KHEAP_MIN_CLASS / 64)
#define CLASS_LARGE 0xffffu
#define TABLE_MIN_CAP (KHEAP_PAGE_SIZE / sizeof(struct kheap_table_entry))

struct kheap_span {
    uintptr_t base;                 /* first byte of the slab or run */
    struct kheap_span *prev, *next; /* class list, or spare list (next) */
    size_t npages;                  /* 1 for slabs */
    size_t size;                    /* large: requested bytes */
    uint16_t class_idx;             /* CLASS_LARGE for page runs */
    uint16_t nfree;                 /* slab: free objects */
    uint64_t used[SLAB_BITMAP_WORDS];
};

struct kheap_table_entry {
    uintptr_t base;                 /* 0 = empty slot */
    struct kheap_span *span;
};

static unsigned popcount64(uint64_t x)
{
    unsigned n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

static size_t pages_for(size_t bytes)
{
    return (bytes + KHEAP_PAGE_SIZE - 1) / KHEAP_PAGE_SIZE;
}

/* ---- provider ----------------------------------------------------------- */

static void *get_pages(struct kheap *heap, size_t npages)
{
    void *p = heap->provider.alloc_pages(heap->provider.ctx, npages);
    if (!p)
        return NULL;
    if ((uintptr_t)p & (KHEAP_PAGE_SIZE - 1))
        panic("kheap: page provider returned unaligned memory %p", p);
    heap->provider_pages += npages;
    return p;
}

static void put_pages(struct kheap *heap, void *p, size_t npages)
{
    heap->provider.free_pages(heap->provider.ctx, p);
    heap->provider_pages -= npages;
}

/* ---- span descriptors --------------------------------------------------- */

static struct kheap_span *span_get(struct kheap *heap)
{
    if (!heap->spare_spans) {
        uint8_t *page = get_pages(heap, 1);
        if (!page)
            return NULL;
        /* The first slot links descriptor pages together for kheap_fini. */
        *(void **)page = heap->desc_pages;
        heap->desc_pages = page;
        heap->desc_page_count++;
        size_t first = (sizeof(void *) + sizeof(struct kheap_span) - 1) /
                       sizeof(struct kheap_span);
        struct kheap_span *spans = (struct kheap_span *)page;
        size_t n = KHEAP_PAGE_SIZE / sizeof(struct kheap_span);
        for (size_t i = first; i < n; i++) {
            spans[i].next = heap->spare_spans;
            heap->spare_spans = &spans[i];
        }
    }
    struct kheap_span *s = heap->spare_spans;
    heap->spare_spans = s->next;
    memset(s, 0, sizeof(*s));
    return s;
}

static void span_put(struct kheap *heap, struct kheap_span *s)
{
    s->base = 0;
    s->next = heap->spare_spans;
    heap->spare_spans = s;
}

/* ---- page -> span table ------------------------------------------------- */

static size_t table_slot(const struct kheap *heap, uintptr_t base)
{
    return (size_t)(((uint64_t)(base / KHEAP_PAGE_SIZE) *
                     0x9e3779b97f4a7c15ULL) >> heap->table_shift);
}

static struct kheap_span *table_find(const struct kheap *heap, uintptr_t base)
{
    if (!heap->table_cap)
        return NULL;
    size_t mask = heap->table_cap - 1;
    for (size_t i = table_slot(heap, base);; i = (i + 1) & mask) {
        if (heap->table[i].base == base)
            return heap->table[i].span;
        if (heap->table[i].base == 0)
            return NULL;
    }
}

static void table_put(struct kheap *heap, struct kheap_span *s)
{
    size_t mask = heap->table_cap - 1;
    size_t i = table_slot(heap, s->base);
    while (heap->table[i].base)
        i = (i + 1) & mask;
    heap->table[i].base = s->base;
    heap->table[i].span = s;
    heap->table_count++;
}

/* Make room for one more entry (load factor <= 1/2); false if out of pages. */
static bool table_reserve(struct kheap *heap)
{
    if ((heap->table_count + 1) * 2 <= heap->table_cap)
        return true;
    size_t new_cap = heap->table_cap ? heap->table_cap * 2 : TABLE_MIN_CAP;
    size_t bytes = new_cap * sizeof(struct kheap_table_entry);
    struct kheap_table_entry *new_table = get_pages(heap, pages_for(bytes));
    if (!new_table)
        return false;
    memset(new_table, 0, bytes);
    struct kheap_table_entry *old = heap->table;
    size_t old_cap = heap->table_cap;
    heap->table = new_table;
    heap->table_cap = new_cap;
    heap->table_shift = 64 - ctz64(new_cap);
    heap->table_count = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].base)
            table_put(heap, old[i].span);
    if (old)
        put_pages(heap, old,
                  pages_for(old_cap * sizeof(struct kheap_table_entry)));
    return true;
}

/* Remove base; backward-shift deletion keeps probe chains intact without
 * tombstones. */
static void table_remove(struct kheap *heap, uintptr_t base)
{
    size_t mask = heap->table_cap - 1;
    size_t i = table_slot(heap, base);
    while (heap->table[i].base != base) {
        if (heap->table[i].base == 0)
            panic("kheap: span 0x%lx missing from the table",
                  (unsigned long)base);
        i = (i + 1) & mask;
    }
    for (size_t j = (i + 1) & mask; heap->table[j].base; j = (j + 1) & mask) {
        size_t home = table_slot(heap, heap->table[j].base);
        /* Entry j may move into hole i unless its home lies in (i, j]. */
        bool home_between = i <= j ? (home > i && home <= j)
                                   : (home > i || home <= j);
        if (!home_between) {
            heap->table[i] = heap->table[j];
            i = j;
        }
    }
    heap->table[i].base = 0;
    heap->table[i].span = NULL;
    heap->table_count--;
}

/* ---- lists -------------------------------------------------------------- */

static void list_push(struct kheap_span **head, struct kheap_span *s)
{
    s->prev = NULL;
    s->next = *head;
    if (*head)
        (*head)->prev = s;
    *head = s;
}

static void list_unlink(struct kheap_span **head, struct kheap_span *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        *head = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->prev = s->next = NULL;
}

/* ---- init / fini -------------------------------------------------------- */

void kheap_init(struct kheap *heap, const struct kheap_page_provider *provider)
{
    memset(heap, 0, sizeof(*heap));
    heap->provider = *provider;
    for (unsigned c = 0; c < KHEAP_NCLASSES; c++) {
        heap->classes[c].size = KHEAP_MIN_CLASS << c;
        heap->classes[c].objs_per_slab = KHEAP_PAGE_SIZE / heap->classes[c].size;
    }
}

size_t kheap_fini(struct kheap *heap)
{
    size_t leaked = heap->large_live;
    for (unsigned c = 0; c < KHEAP_NCLASSES; c++)
        leaked += heap->classes[c].live;
    for (size_t i = 0; i < heap->table_cap; i++)
        if (heap->table[i].base) {
            struct kheap_span *s = heap->table[i].span;
            put_pages(heap, (void *)s->base, s->npages);
        }
    if (heap->table)
        put_pages(heap, heap->table,
                  pages_for(heap->table_cap * sizeof(struct kheap_table_entry)));
    while (heap->desc_pages) {
        void *page = heap->desc_pages;
        heap->desc_pages = *(void **)page;
        put_pages(heap, page, 1);
    }
    struct kheap_page_provider provider = heap->provider;
    kheap_init(heap, &provider);
    return leaked;
}

/* ---- small objects ------------------------------------------------------ */

/* Class of each request size 1..KHEAP_MAX_SMALL, indexed by (size-1)/16:
 * class c holds sizes up to 16 << c. */
static const uint8_t class_by_16[KHEAP_MAX_SMALL / KHEAP_MIN_CLASS] = {
    0, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4,
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
    6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
    6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
    7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
    7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
    7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
    7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
};

static unsigned class_of(size_t size)
{
    return class_by_16[(size - 1) / KHEAP_MIN_CLASS];
}

static struct kheap_span *slab_new(struct kheap *heap, unsigned c)
{
    struct kheap_class *cls = &heap->classes[c];
    if (!table_reserve(heap))
        return NULL;
    struct kheap_span *s = span_get(heap);
    if (!s)
        return NULL;
    void *page = get_pages(heap, 1);
    if (!page) {
        span_put(heap, s);
        return NULL;
    }
#ifdef KHEAP_DEBUG
    memset(page, KHEAP_POISON, KHEAP_PAGE_SIZE);
#endif
    s->base = (uintptr_t)page;
    s->npages = 1;
    s->class_idx = (uint16_t)c;
    s->nfree = (uint16_t)cls->objs_per_slab;
    table_put(heap, s);
    list_push(&cls->partial, s);
    cls->slabs++;
    cls->empty_slabs++;
    return s;
}

static void slab_release(struct kheap *heap, struct kheap_span *s)
{
    struct kheap_class *cls = &heap->classes[s->class_idx];
    list_unlink(&cls->partial, s);
    table_remove(heap, s->base);
    put_pages(heap, (void *)s->base, 1);
    span_put(heap, s);
    cls->slabs--;
}

#ifdef KHEAP_DEBUG
/* Offset of the first byte in [p, p+n) that is not the poison, or n. */
static size_t poison_mismatch(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != KHEAP_POISON)
            return i;
    return n;
}
#endif

static void *slab_alloc(struct kheap *heap, unsigned c)
{
    struct kheap_class *cls = &heap->classes[c];
    struct kheap_span *s = cls->partial;
    if (!s && !(s = slab_new(heap, c)))
        return NULL;
    size_t idx = 0;
    for (size_t w = 0; w * 64 < cls->objs_per_slab; w++) {
        uint64_t free_bits = ~s->used[w];
        if (cls->objs_per_slab - w * 64 < 64) /* bits past the last object */
            free_bits &= ((uint64_t)1 << (cls->objs_per_slab - w * 64)) - 1;
        if (free_bits) {
            idx = w * 64 + ctz64(free_bits);
            break;
        }
    }
    /* A slab on the partial list has a free object, and it was found. */
    KASSERT_DEBUG(s->nfree > 0 && !(s->used[idx / 64] >> (idx % 64) & 1));
    uint8_t *obj = (uint8_t *)s->base + idx * cls->size;
#ifdef KHEAP_DEBUG
    size_t bad = poison_mismatch(obj, cls->size);
    if (bad < cls->size)
        panic("kheap corruption: free %u-byte object %p was written after "
              "free (byte %zu is 0x%02x)", (unsigned)cls->size, (void *)obj,
              bad, (unsigned)obj[bad]);
#endif
    if (s->nfree == cls->objs_per_slab)
        cls->empty_slabs--;
    s->used[idx / 64] |= (uint64_t)1 << (idx % 64);
    if (--s->nfree == 0) {
        list_unlink(&cls->partial, s);
        list_push(&cls->full, s);
    }
    cls->allocs++;
    cls->live++;
    return obj;
}

/* Object index of ptr in slab s; panics unless it is an allocated object. */
static size_t slab_index(const struct kheap *heap, const struct kheap_span *s,
                         const void *ptr, const char *who)
{
    const struct kheap_class *cls = &heap->classes[s->class_idx];
    uintptr_t off = (uintptr_t)ptr - s->base;
    /* Class sizes are 16 << class_idx: shift and mask instead of dividing. */
    if (off & (cls->size - 1))
        panic("%s(%p): not the start of an object (inside a %u-byte object "
              "at %p)", who, ptr, (unsigned)cls->size,
              (void *)(s->base + (off & ~(uintptr_t)(cls->size - 1))));
    size_t idx = off >> (4 + s->class_idx);
    if (!(s->used[idx / 64] >> (idx % 64) & 1))
        panic("%s(%p): object is not allocated (double free?)", who, ptr);
    return idx;
}

static void slab_free(struct kheap *heap, struct kheap_span *s, void *ptr)
{
    struct kheap_class *cls = &heap->classes[s->class_idx];
    size_t idx = slab_index(heap, s, ptr, "kheap_free");
#ifdef KHEAP_DEBUG
    memset(ptr, KHEAP_POISON, cls->size);
#endif
    s->used[idx / 64] &= ~((uint64_t)1 << (idx % 64));
    if (s->nfree++ == 0) {
        list_unlink(&cls->full, s);
        list_push(&cls->partial, s);
    }
    KASSERT_DEBUG(cls->live > 0 && cls->allocs - cls->frees == cls->live);
    cls->frees++;
    cls->live--;
    if (s->nfree == cls->objs_per_slab) {
        /* Keep one empty slab per class so an alloc/free pair at a slab
         * boundary does not bounce a page to the provider every time. */
        if (cls->empty_slabs >= 1)
            slab_release(heap, s);
        else
            cls->empty_slabs++;
    }
    KASSERT_DEBUG(cls->empty_slabs <= 1); /* at most one empty slab kept */
}

/* ---- large objects ------------------------------------------------------ */

static void *large_alloc(struct kheap *heap, size_t size)
{
    if (size > SIZE_MAX - KHEAP_PAGE_SIZE)
        return NULL;
    size_t npages = pages_for(size);
    if (!table_reserve(heap))
        return NULL;
    struct kheap_span *s = span_get(heap);
    if (!s)
        return NULL;
    void *p = get_pages(heap, npages);
    if (!p) {
        span_put(heap, s);
        return NULL;
    }
    s->base = (uintptr_t)p;
    s->npages = npages;
    s->size = size;
    s->class_idx = CLASS_LARGE;
    table_put(heap, s);
    heap->large_allocs++;
    heap->large_live++;
    heap->large_pages += npages;
    return p;
}

static void large_free(struct kheap *heap, struct kheap_span *s)
{
#ifdef KHEAP_DEBUG
    memset((void *)s->base, KHEAP_POISON, s->npages * KHEAP_PAGE_SIZE);
#endif
    table_remove(heap, s->base);
    put_pages(heap, (void *)s->base, s->npages);
    heap->large_frees++;
    heap->large_live--;
    heap->large_pages -= s->npages;
    span_put(heap, s);
}

/* ---- public API --------------------------------------------------------- */

/* The span holding ptr; panics (naming who and ptr) if ptr is not the start
 * of a live allocation of this heap. */
static struct kheap_span *span_of(const struct kheap *heap, const void *ptr,
                                  const char *who)
{
    uintptr_t page = (uintptr_t)ptr & ~(uintptr_t)(KHEAP_PAGE_SIZE - 1);
    struct kheap_span *s = table_find(heap, page);
    if (!s)
        panic("%s(%p): not a pointer from this heap", who, ptr);
    if (s->class_idx == CLASS_LARGE) {
        if ((uintptr_t)ptr != s->base)
            panic("%s(%p): not the start of an allocation (inside the "
                  "%zu-byte block at %p)", who, ptr, s->size, (void *)s->base);
    } else {
        slab_index(heap, s, ptr, who);
    }
    return s;
}

void *kheap_alloc(struct kheap *heap, size_t size)
{
    void *p;
    if (size == 0)
        return NULL;
    if (size <= KHEAP_MAX_SMALL)
        p = slab_alloc(heap, class_of(size));
    else
        p = large_alloc(heap, size);
    if (!p)
        heap->failed_allocs++;
    return p;
}

void *kheap_calloc(struct kheap *heap, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) {
        heap->failed_allocs++;
        return NULL;
    }
    void *p = kheap_alloc(heap, n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void kheap_free(struct kheap *heap, void *ptr)
{
    if (!ptr)
        return;
    uintptr_t page = (uintptr_t)ptr & ~(uintptr_t)(KHEAP_PAGE_SIZE - 1);
    struct kheap_span *s = table_find(heap, page);
    if (!s)
        panic("kheap_free(%p): not a pointer from this heap", ptr);
    if (s->class_idx != CLASS_LARGE) {
        slab_free(heap, s, ptr);
        return;
    }
    if ((uintptr_t)ptr != s->base)
        panic("kheap_free(%p): not the start of an allocation (inside the "
              "%zu-byte block at %p)", ptr, s->size, (void *)s->base);
    large_free(heap, s);
}

size_t kheap_usable_size(const struct kheap *heap, const void *ptr)
{
    const struct kheap_span *s = span_of(heap, ptr, "kheap_usable_size");
    return s->class_idx == CLASS_LARGE ? s->size
                                       : heap->classes[s->class_idx].size;
}

void *kheap_realloc(struct kheap *heap, void *ptr, size_t size)
{
    if (!ptr)
        return kheap_alloc(heap, size);
    struct kheap_span *s = span_of(heap, ptr, "kheap_realloc");
    if (size == 0) {
        kheap_free(heap, ptr);
        return NULL;
    }
    size_t old_size;
    if (s->class_idx == CLASS_LARGE) {
        old_size = s->size;
        if (size > KHEAP_MAX_SMALL && pages_for(size) == s->npages) {
            s->size = size; /* same run still fits */
            return ptr;
        }
    } else {
        old_size = heap->classes[s->class_idx].size;
        if (size <= old_size && class_of(size) == s->class_idx)
            return ptr;
    }
    void *p = kheap_alloc(heap, size);
    if (!p)
        return NULL; /* like realloc: the old block stays valid */
    memcpy(p, ptr, old_size < size ? old_size : size);
    kheap_free(heap, ptr);
    return p;
}

void kheap_get_stats(const struct kheap *heap, struct kheap_stats *out)
{
    for (unsigned c = 0; c < KHEAP_NCLASSES; c++) {
        const struct kheap_class *cls = &heap->classes[c];
        out->classes[c].size = cls->size;
        out->classes[c].allocs = cls->allocs;
        out->classes[c].frees = cls->frees;
        out->classes[c].live = cls->live;
        out->classes[c].slabs = cls->slabs;
        out->classes[c].empty_slabs = cls->empty_slabs;
    }
    out->large_allocs = heap->large_allocs;
    out->large_frees = heap->large_frees;
    out->large_live = heap->large_live;
    out->large_pages = heap->large_pages;
    out->meta_pages = heap->desc_page_count +
        (heap->table_cap
             ? pages_for(heap->table_cap * sizeof(struct kheap_table_entry))
             : 0);
    out->provider_pages = heap->provider_pages;
    out->failed_allocs = heap->failed_allocs;
}

/* Check one class list; returns (slabs, live objects, empty slabs). */
static void check_list(const struct kheap *heap, unsigned c,
                       const struct kheap_span *head, bool full,
                       size_t *slabs, size_t *live, size_t *empty)
{
    const struct kheap_class *cls = &heap->classes[c];
    const struct kheap_span *prev = NULL;
    for (const struct kheap_span *s = head; s; prev = s, s = s->next) {
        if (s->prev != prev)
            panic("kheap_check: slab %p: broken list link", (void *)s->base);
        if (s->class_idx != c)
            panic("kheap_check: slab %p of class %u is on class %u's list",
                  (void *)s->base, (unsigned)s->class_idx, c);
        if (table_find(heap, s->base) != s)
            panic("kheap_check: slab %p is not in the table",
                  (void *)s->base);
        unsigned used = 0;
        for (size_t w = 0; w < SLAB_BITMAP_WORDS; w++)
            used += popcount64(s->used[w]);
        if (used + s->nfree != cls->objs_per_slab)
            panic("kheap_check: slab %p: %u objects marked used, nfree %u, "
                  "%u per slab", (void *)s->base, used, (unsigned)s->nfree,
                  (unsigned)cls->objs_per_slab);
        if (full != (s->nfree == 0))
            panic("kheap_check: slab %p with %u free objects is on the %s "
                  "list", (void *)s->base, (unsigned)s->nfree,
                  full ? "full" : "partial");
#ifdef KHEAP_DEBUG
        for (size_t i = 0; i < cls->objs_per_slab; i++) {
            if (s->used[i / 64] >> (i % 64) & 1)
                continue;
            const uint8_t *obj = (const uint8_t *)s->base + i * cls->size;
            size_t bad = poison_mismatch(obj, cls->size);
            if (bad < cls->size)
                panic("kheap_check: free object %p was written after free "
                      "(byte %zu is 0x%02x)", (const void *)obj, bad,
                      (unsigned)obj[bad]);
        }
#endif
        (*slabs)++;
        *live += used;
        if (s->nfree == cls->objs_per_slab)
            (*empty)++;
    }
}

void kheap_check(const struct kheap *heap)
{
    size_t spans = 0;
    for (unsigned c = 0; c < KHEAP_NCLASSES; c++) {
        const struct kheap_class *cls = &heap->classes[c];
        size_t slabs = 0, live = 0, empty = 0;
        check_list(heap, c, cls->partial, false, &slabs, &live, &empty);
        check_list(heap, c, cls->full, true, &slabs, &live, &empty);
        if (slabs != cls->slabs || live != cls->live ||
            empty != cls->empty_slabs || empty > 1 ||
            cls->allocs - cls->frees != cls->live)
            panic("kheap_check: class %u: found %zu slabs, %zu live, %zu "
                  "empty; counters say %zu, %zu, %zu",
                  (unsigned)cls->size, slabs, live, empty, cls->slabs,
                  cls->live, cls->empty_slabs);
        spans += slabs;
    }
    size_t large = 0, large_pages = 0, entries = 0;
    for (size_t i = 0; i < heap->table_cap; i++) {
        const struct kheap_table_entry *e = &heap->table[i];
        if (!e->base)
            continue;
        entries++;
        if (e->span->base != e->base)
            panic("kheap_check: table entry %p points at span %p",
                  (void *)e->base, (void *)e->span->base);
        if (table_find(heap, e->base) != e->span)
            panic("kheap_check: table entry %p is unreachable",
                  (void *)e->base);
        if (e->span->class_idx == CLASS_LARGE) {
            large++;
            large_pages += e->span->npages;
            if (pages_for(e->span->size) != e->span->npages)
                panic("kheap_check: large block %p: %zu bytes in %zu pages",
                      (void *)e->base, e->span->size, e->span->npages);
        }
    }
    if (entries != heap->table_count || entries != spans + large)
        panic("kheap_check: table holds %zu entries, count %zu, %zu slabs + "
              "%zu large", entries, heap->table_count, spans, large);
    if (large != heap->large_live || large_pages != heap->large_pages ||
        heap->large_allocs - heap->large_frees != heap->large_live)
        panic("kheap_check: %zu large blocks in %zu pages; counters say %zu "
              "in %zu", large, large_pages, heap->large_live,
              heap->large_pages);
}
