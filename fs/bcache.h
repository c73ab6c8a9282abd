/*
 * fs/bcache.h — block cache: fixed-size blocks of one block device, kept in
 * caller-supplied memory, written back lazily.
 *
 * Interface:
 *   bcache_init(c, dev, block_size, readahead, storage, size)
 *       block_size 1024..4096 (power of two); readahead = blocks fetched in
 *       one device read when sequential access is detected (0 disables,
 *       at most BCACHE_MAX_READAHEAD); it is also the most blocks one
 *       write-back request carries (adjacent dirty blocks go together). The number of buffers is derived from
 *       size (bcache_storage_size() gives the size for N buffers).
 *   bcache_get(c, blockno, &buf)       referenced buffer holding the block
 *   bcache_get_zero(c, blockno, &buf)  same, but zero-filled without reading
 *                                      (for freshly allocated blocks)
 *   bcache_mark_dirty(c, buf)          contents changed; write back later
 *   bcache_mark_dirty_order(c, buf, o) same, in write-back class o (below)
 *   bcache_release(c, buf)             drop the reference from get
 *   bcache_sync(c)                     write every dirty block, class by
 *                                      class, flushing between classes
 *   bcache_set_dirty_hook(c, clock, hook, arg)
 *       clock() (ns) stamps the moment the cache goes from no dirty block
 *       to one (bcache_dirty_since); hook(arg) is called then, so the
 *       owner can schedule a write-back (kernel/proc/writeback.c).
 *   bcache_dirty_count(c), bcache_dirty_since(c)  (0: nothing dirty)
 *
 * Write-back classes (crash ordering, docs/disk.md): every dirty buffer
 * has one, the highest it was marked with since it was last clean. Sync
 * writes all of class 0 (BCACHE_DATA: file data, indirect blocks, bitmaps,
 * group descriptors, superblock, fresh blocks nothing on disk points to
 * yet), flushes, then class 1 (BCACHE_INODE: inode tables), flushes, then
 * class 2 (BCACHE_DIRENT: directory entries), flushes. A block from
 * bcache_get_zero stays BCACHE_DATA however it is marked until it has been
 * written: it is newly allocated, so nothing on the disk points to it yet
 * (a new directory's first block must reach the disk before the inode that
 * points to it, even after entries were added to it). A run merged into
 * one device write holds blocks of one class. Eviction prefers clean
 * buffers; when only dirty ones are left it syncs the whole cache in that
 * order first, so no single dirty block ever leaves out of order.
 *
 * Invariants: a block is in at most one buffer; ndirty counts the valid
 * dirty buffers and dirty_since != 0 exactly when ndirty > 0; a buffer
 * with refcnt > 0 is never evicted or reused; a dirty buffer is written before its memory is
 * reused; the LRU list holds every buffer, most recently released first.
 * Errors: -EIO from the device (the buffer stays dirty / is not cached),
 * -ENOMEM when every buffer is referenced, -EINVAL for a block past the end
 * of the device. No locking: callers serialize.
 */
#ifndef FS_BCACHE_H
#define FS_BCACHE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "drivers/blockdev.h"

#define BCACHE_MIN_BUFFERS 8
#define BCACHE_MAX_READAHEAD 64

enum bcache_order { BCACHE_DATA = 0, BCACHE_INODE = 1, BCACHE_DIRENT = 2, BCACHE_NORDERS = 3 };

struct buf {
    uint64_t blockno;
    uint8_t *data;              /* block_size bytes */
    uint32_t refcnt;
    bool valid;                 /* data holds blockno's contents */
    bool dirty;                 /* data newer than the disk */
    bool readahead;             /* fetched by read-ahead, not yet asked for */
    uint8_t order;              /* while dirty: its write-back class */
    bool fresh;                 /* from get_zero, not written since */
    struct buf *hash_next;      /* chain of hash bucket (valid buffers only) */
    struct buf *lru_prev, *lru_next;
};

struct bcache_stats {
    uint64_t hits, misses;          /* bcache_get lookups */
    uint64_t dev_reads, dev_writes; /* device calls */
    uint64_t blocks_read, blocks_written;
    uint64_t readahead_blocks;      /* blocks fetched speculatively */
    uint64_t readahead_hits;        /* of those, later asked for */
};

struct bcache {
    struct blockdev *dev;
    uint32_t block_size, sectors_per_block;
    uint64_t nblocks;               /* whole blocks on the device */
    struct buf *bufs;
    uint32_t nbufs;
    struct buf **hash;
    uint32_t nhash;                 /* power of two */
    struct buf lru;                 /* sentinel: lru.lru_next = most recent */
    uint8_t *ra_staging;            /* readahead * block_size bytes */
    uint32_t readahead;
    uint64_t next_sequential;       /* block that would continue the stream */
    uint32_t ndirty;                /* valid dirty buffers */
    uint64_t dirty_since;           /* clock() when ndirty last left 0; 0 if clean */
    uint64_t (*clock)(void);        /* ns; NULL: dirty_since is just 1 */
    void (*dirty_hook)(void *arg);  /* called when ndirty leaves 0 */
    void *dirty_hook_arg;
    struct bcache_stats stats;
};

size_t bcache_storage_size(uint32_t block_size, uint32_t nbufs, uint32_t readahead);
int bcache_init(struct bcache *c, struct blockdev *dev, uint32_t block_size,
                uint32_t readahead, void *storage, size_t size);
int bcache_get(struct bcache *c, uint64_t blockno, struct buf **out);
int bcache_get_zero(struct bcache *c, uint64_t blockno, struct buf **out);
void bcache_mark_dirty(struct bcache *c, struct buf *b);
void bcache_mark_dirty_order(struct bcache *c, struct buf *b, enum bcache_order order);
void bcache_set_dirty_hook(struct bcache *c, uint64_t (*clock)(void),
                           void (*hook)(void *arg), void *arg);
uint32_t bcache_dirty_count(const struct bcache *c);
uint64_t bcache_dirty_since(const struct bcache *c);
void bcache_release(struct bcache *c, struct buf *b);
int bcache_sync(struct bcache *c);

#endif
