/*
 * fs/bcache.c — block cache (interface and invariants in fs/bcache.h).
 *
 * Buffers live in one array carved from the caller's storage; a buffer is
 * found by block number through a hash table of chains and chosen for reuse
 * from the cold end of an LRU list, skipping referenced buffers. A dirty
 * victim is never written alone: eviction takes the coldest clean buffer,
 * and when none is left it syncs the whole cache in write-back class order
 * (bcache.h) first. Sync writes each dirty block together with the dirty
 * blocks of the same class next to it on the disk in one device write
 * (write_run), so streaming writes leave in big requests too.
 *
 * Read-ahead: the cache remembers the block that would continue the last
 * run of consecutive requests. A miss on exactly that block is taken as a
 * streaming reader, and the next `readahead` blocks that are not cached yet
 * are fetched in one device read (into a staging area, then copied into
 * clean, unreferenced buffers). Blocks fetched that way are marked so a
 * later hit on them counts as a read-ahead hit.
 */
#include "fs/bcache.h"
#include "kernel/abi/errno.h"
#include "kernel/arch/panic.h"
#include "kernel/lib/string.h"

#define ALIGN_UP(x, a) (((x) + (a) - 1) / (a) * (a))

static uint32_t hash_size_for(uint32_t nbufs)
{
    uint32_t n = 1;
    while (n < nbufs)
        n <<= 1;
    return n;
}

size_t bcache_storage_size(uint32_t block_size, uint32_t nbufs, uint32_t readahead)
{
    size_t size = 64; /* slack for aligning the caller's pointer */
    size += ALIGN_UP((size_t)hash_size_for(nbufs) * sizeof(struct buf *), 64);
    size += ALIGN_UP((size_t)nbufs * sizeof(struct buf), 64);
    size += (size_t)readahead * block_size;
    size += (size_t)nbufs * block_size;
    return size;
}

static void lru_unlink(struct buf *b)
{
    b->lru_prev->lru_next = b->lru_next;
    b->lru_next->lru_prev = b->lru_prev;
}

static void lru_push_front(struct bcache *c, struct buf *b)
{
    b->lru_next = c->lru.lru_next;
    b->lru_prev = &c->lru;
    c->lru.lru_next->lru_prev = b;
    c->lru.lru_next = b;
}

static void lru_push_back(struct bcache *c, struct buf *b)
{
    b->lru_prev = c->lru.lru_prev;
    b->lru_next = &c->lru;
    c->lru.lru_prev->lru_next = b;
    c->lru.lru_prev = b;
}

int bcache_init(struct bcache *c, struct blockdev *dev, uint32_t block_size,
                uint32_t readahead, void *storage, size_t size)
{
    if (block_size < 1024 || block_size > 4096 || (block_size & (block_size - 1)))
        return -EINVAL;
    if (readahead > BCACHE_MAX_READAHEAD)
        readahead = BCACHE_MAX_READAHEAD;
    if (readahead == 1)
        readahead = 0;

    /* Largest buffer count whose layout fits in size. */
    uint32_t nbufs = (uint32_t)(size / (block_size + sizeof(struct buf) + 2 * sizeof(void *)));
    while (nbufs > 0 && bcache_storage_size(block_size, nbufs, readahead) > size)
        nbufs--;
    while (bcache_storage_size(block_size, nbufs + 1, readahead) <= size)
        nbufs++;
    if (nbufs < BCACHE_MIN_BUFFERS)
        return -ENOMEM;

    memset(c, 0, sizeof(*c));
    c->dev = dev;
    c->block_size = block_size;
    c->sectors_per_block = block_size / BLOCKDEV_SECTOR_SIZE;
    c->nblocks = dev->nsectors / c->sectors_per_block;
    c->nbufs = nbufs;
    c->nhash = hash_size_for(nbufs);
    c->readahead = readahead;
    c->next_sequential = UINT64_MAX;

    uintptr_t p = ALIGN_UP((uintptr_t)storage, 64);
    c->hash = (struct buf **)p;
    p += ALIGN_UP((size_t)c->nhash * sizeof(struct buf *), 64);
    c->bufs = (struct buf *)p;
    p += ALIGN_UP((size_t)nbufs * sizeof(struct buf), 64);
    c->ra_staging = (uint8_t *)p;
    p += (size_t)readahead * block_size;
    for (uint32_t i = 0; i < c->nhash; i++)
        c->hash[i] = NULL;

    c->lru.lru_next = c->lru.lru_prev = &c->lru;
    for (uint32_t i = 0; i < nbufs; i++) {
        struct buf *b = &c->bufs[i];
        memset(b, 0, sizeof(*b));
        b->data = (uint8_t *)p + (size_t)i * block_size;
        lru_push_back(c, b);
    }
    return 0;
}

static struct buf **hash_slot(struct bcache *c, uint64_t blockno)
{
    return &c->hash[blockno & (c->nhash - 1)];
}

static struct buf *hash_find(struct bcache *c, uint64_t blockno)
{
    for (struct buf *b = *hash_slot(c, blockno); b; b = b->hash_next)
        if (b->blockno == blockno)
            return b;
    return NULL;
}

static void hash_remove(struct bcache *c, struct buf *b)
{
    for (struct buf **pp = hash_slot(c, b->blockno); *pp; pp = &(*pp)->hash_next) {
        if (*pp == b) {
            *pp = b->hash_next;
            b->hash_next = NULL;
            return;
        }
    }
    panic("bcache: block %llu not in its hash chain", (unsigned long long)b->blockno);
}

static void hash_insert(struct bcache *c, struct buf *b)
{
    KASSERT_DEBUG(!hash_find(c, b->blockno)); /* a block is in at most one buffer */
    struct buf **slot = hash_slot(c, b->blockno);
    b->hash_next = *slot;
    *slot = b;
}

/* b's contents reached the device: it is clean now. */
static void set_clean(struct bcache *c, struct buf *b)
{
    if (!b->dirty)
        return;
    KASSERT(c->ndirty > 0);
    b->dirty = false;
    b->fresh = false;
    if (--c->ndirty == 0)
        c->dirty_since = 0;
}

static int write_block(struct bcache *c, struct buf *b)
{
    c->stats.dev_writes++;
    int err = c->dev->write(c->dev, b->blockno * c->sectors_per_block, b->data,
                            c->sectors_per_block);
    if (err)
        return -EIO;
    c->stats.blocks_written++;
    set_clean(c, b);
    return 0;
}

static struct buf *dirty_neighbour(struct bcache *c, uint64_t blockno, uint8_t order)
{
    struct buf *n = hash_find(c, blockno);
    return n && n->dirty && n->order == order ? n : NULL;
}

/*
 * Writes b together with the dirty blocks of its class adjacent to it on
 * the disk, up to
 * the staging area's size, in one device write (a streaming writer's blocks
 * then leave in large requests). Without a staging area, just b.
 */
static int write_run(struct bcache *c, struct buf *b)
{
    uint32_t max = c->readahead;
    if (max < 2)
        return write_block(c, b);
    uint64_t first = b->blockno;
    while (first > 0 && b->blockno - first + 1 < max && dirty_neighbour(c, first - 1, b->order))
        first--;
    uint32_t count = 0;
    while (count < max && dirty_neighbour(c, first + count, b->order))
        count++;
    if (count == 1)
        return write_block(c, b);
    for (uint32_t i = 0; i < count; i++)
        memcpy(c->ra_staging + (size_t)i * c->block_size,
               hash_find(c, first + i)->data, c->block_size);
    c->stats.dev_writes++;
    if (c->dev->write(c->dev, first * c->sectors_per_block, c->ra_staging,
                      count * c->sectors_per_block))
        return -EIO;
    c->stats.blocks_written += count;
    for (uint32_t i = 0; i < count; i++)
        set_clean(c, hash_find(c, first + i));
    return 0;
}

/* Turn a buffer into an unused one: out of the hash, contents forgotten. */
static void forget(struct bcache *c, struct buf *b)
{
    /* A referenced buffer is never evicted; a dirty one is written first. */
    KASSERT_DEBUG(b->refcnt == 0 && !b->dirty);
    if (b->valid)
        hash_remove(c, b);
    b->valid = false;
    b->readahead = false;
    b->fresh = false;
}

/* The least recently used unreferenced buffer that is clean (or any). */
static struct buf *coldest_unreferenced(struct bcache *c, bool clean_only)
{
    for (struct buf *b = c->lru.lru_prev; b != &c->lru; b = b->lru_prev)
        if (!b->refcnt && !(clean_only && b->dirty))
            return b;
    return NULL;
}

/*
 * The least recently used unreferenced clean buffer, made free (removed
 * from the hash). When every unreferenced buffer is dirty, the whole cache
 * is synced in class order first (never one block out of order).
 * -ENOMEM when every buffer is referenced.
 */
static int take_victim(struct bcache *c, struct buf **out)
{
    *out = NULL;
    struct buf *b = coldest_unreferenced(c, true);
    if (!b) {
        if (!coldest_unreferenced(c, false))
            return -ENOMEM;
        int err = bcache_sync(c);
        if (err)
            return err;
        b = coldest_unreferenced(c, true);
        KASSERT(b);
    }
    forget(c, b);
    *out = b;
    return 0;
}

/*
 * Up to max clean, unreferenced buffers (other than exclude) for read-ahead,
 * taken from the cold end and forgotten. Never writes.
 */
static uint32_t take_clean_victims(struct bcache *c, struct buf **victims, uint32_t max)
{
    uint32_t n = 0;
    for (struct buf *b = c->lru.lru_prev; b != &c->lru && n < max; b = b->lru_prev) {
        if (b->refcnt || b->dirty)
            continue;
        forget(c, b);
        b->refcnt = 1; /* reserved until installed */
        victims[n++] = b;
    }
    return n;
}

/* Installs b as holding blockno, referenced once (refcnt 1). */
static void install(struct bcache *c, struct buf *b, uint64_t blockno)
{
    b->blockno = blockno;
    KASSERT(!b->dirty);
    b->valid = true;
    b->readahead = false;
    b->refcnt = 1;
    hash_insert(c, b);
}

/*
 * Read blockno into target (already taken), and, when the access looks
 * sequential, the following blocks into clean free buffers in the same
 * device read.
 */
static int fill_with_readahead(struct bcache *c, struct buf *target, uint64_t blockno,
                               bool sequential)
{
    struct buf *extra[BCACHE_MAX_READAHEAD];
    uint32_t want = 0;
    if (sequential && c->readahead > 1) {
        while (want + 1 < c->readahead && blockno + want + 1 < c->nblocks &&
               !hash_find(c, blockno + want + 1))
            want++;
    }
    uint32_t got = want ? take_clean_victims(c, extra, want) : 0;

    if (got) {
        uint32_t count = got + 1;
        c->stats.dev_reads++;
        int err = c->dev->read(c->dev, blockno * c->sectors_per_block, c->ra_staging,
                               count * c->sectors_per_block);
        if (!err) {
            c->stats.blocks_read += count;
            c->stats.readahead_blocks += got;
            memcpy(target->data, c->ra_staging, c->block_size);
            for (uint32_t i = 0; i < got; i++) {
                struct buf *b = extra[i];
                install(c, b, blockno + 1 + i);
                memcpy(b->data, c->ra_staging + (size_t)(i + 1) * c->block_size,
                       c->block_size);
                b->refcnt = 0;
                b->readahead = true;
                lru_unlink(b);
                lru_push_front(c, b);
            }
            c->next_sequential = blockno + count;
            return 0;
        }
        /* The long read failed: give the buffers back, try the one block. */
        for (uint32_t i = 0; i < got; i++) {
            extra[i]->refcnt = 0;
            lru_unlink(extra[i]);
            lru_push_back(c, extra[i]);
        }
    }

    c->stats.dev_reads++;
    if (c->dev->read(c->dev, blockno * c->sectors_per_block, target->data,
                     c->sectors_per_block))
        return -EIO;
    c->stats.blocks_read++;
    c->next_sequential = blockno + 1;
    return 0;
}

/* A newly allocated block: zeros, written with the data class (bcache.h). */
static void make_fresh(struct bcache *c, struct buf *b)
{
    memset(b->data, 0, c->block_size);
    b->fresh = true;
    b->order = BCACHE_DATA;
}

static int get(struct bcache *c, uint64_t blockno, bool zero, struct buf **out)
{
    *out = NULL;
    if (blockno >= c->nblocks)
        return -EINVAL;

    struct buf *b = hash_find(c, blockno);
    if (b) {
        c->stats.hits++;
        if (b->readahead) {
            c->stats.readahead_hits++;
            b->readahead = false;
        }
        if (blockno == c->next_sequential)
            c->next_sequential = blockno + 1;
        b->refcnt++;
        if (zero)
            make_fresh(c, b);
        *out = b;
        return 0;
    }

    c->stats.misses++;
    int err = take_victim(c, &b);
    if (err)
        return err;
    if (!zero) {
        /* Reserve the victim so read-ahead cannot pick it too. */
        b->refcnt = 1;
        err = fill_with_readahead(c, b, blockno, blockno == c->next_sequential);
        b->refcnt = 0;
        if (err)
            return err;
    }
    install(c, b, blockno);
    if (zero)
        make_fresh(c, b);
    *out = b;
    return 0;
}

int bcache_get(struct bcache *c, uint64_t blockno, struct buf **out)
{
    return get(c, blockno, false, out);
}

int bcache_get_zero(struct bcache *c, uint64_t blockno, struct buf **out)
{
    return get(c, blockno, true, out);
}

void bcache_mark_dirty_order(struct bcache *c, struct buf *b, enum bcache_order order)
{
    KASSERT(b->refcnt > 0 && b->valid && order < BCACHE_NORDERS);
    if (b->fresh)
        order = BCACHE_DATA;
    if (b->dirty) {
        if (order > b->order)
            b->order = (uint8_t)order;
        return;
    }
    b->dirty = true;
    b->order = (uint8_t)order;
    if (c->ndirty++ == 0) {
        uint64_t t = c->clock ? c->clock() : 1;
        c->dirty_since = t ? t : 1;
        if (c->dirty_hook)
            c->dirty_hook(c->dirty_hook_arg);
    }
}

void bcache_mark_dirty(struct bcache *c, struct buf *b)
{
    bcache_mark_dirty_order(c, b, BCACHE_DATA);
}

void bcache_set_dirty_hook(struct bcache *c, uint64_t (*clock)(void),
                           void (*hook)(void *arg), void *arg)
{
    c->clock = clock;
    c->dirty_hook = hook;
    c->dirty_hook_arg = arg;
}

uint32_t bcache_dirty_count(const struct bcache *c)
{
    return c->ndirty;
}

uint64_t bcache_dirty_since(const struct bcache *c)
{
    return c->dirty_since;
}

void bcache_release(struct bcache *c, struct buf *b)
{
    KASSERT(b->refcnt > 0);
    if (--b->refcnt == 0) {
        lru_unlink(b);
        lru_push_front(c, b);
    }
}

/* Writes every dirty buffer of one class; how many were dirty in it. */
static int write_class(struct bcache *c, uint8_t order, uint32_t *found)
{
    int result = 0;
    *found = 0;
    for (uint32_t i = 0; i < c->nbufs; i++) {
        struct buf *b = &c->bufs[i];
        if (!b->valid || !b->dirty || b->order != order)
            continue;
        ++*found;
        if (write_run(c, b))
            result = -EIO;
    }
    return result;
}

static int flush(struct bcache *c)
{
    return c->dev->flush && c->dev->flush(c->dev) ? -EIO : 0;
}

/*
 * Class by class with a flush after each class that had blocks (a barrier:
 * the device may reorder writes it holds). A failed class stops the sync,
 * so nothing of a later class is ever on the disk before it.
 */
int bcache_sync(struct bcache *c)
{
    bool flushed = false;
    for (uint8_t order = 0; order < BCACHE_NORDERS && c->ndirty; order++) {
        uint32_t found;
        int err = write_class(c, order, &found);
        if (err)
            return err;
        if (found) {
            if ((err = flush(c)))
                return err;
            flushed = true;
        }
    }
    return flushed ? 0 : flush(c);
}
