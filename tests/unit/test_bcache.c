/*
 * tests/unit/test_bcache.c — the block cache (fs/bcache.c) over a memory
 * disk that counts its calls and can be told to fail: LRU eviction order,
 * reference counts, write-back on eviction and sync, read-ahead, errors,
 * write-back classes (their order and the flushes between them) and the
 * dirty-age tracking the kernel's write-back timer relies on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include "tests/unit/check.h"
#include "fs/bcache.h"
#include "kernel/abi/errno.h"

#define BS 1024
#define DISK_BLOCKS 4096

struct memdisk {
    uint8_t *data;
    int reads, writes, flushes;
    uint64_t sectors_read;
    bool fail_reads, fail_writes;
    int64_t fail_read_sector;       /* fail reads touching this sector (-1: none) */
    int64_t log[512];               /* first block of each write; -1 per flush */
    int nlog;
};

static void md_log(struct memdisk *m, int64_t what)
{
    if (m->nlog < (int)(sizeof m->log / sizeof m->log[0]))
        m->log[m->nlog++] = what;
}

static int md_read(struct blockdev *d, uint64_t sector, void *buf, uint32_t n)
{
    struct memdisk *m = d->ctx;
    m->reads++;
    if (sector + n > d->nsectors)
        return -EIO;
    if (m->fail_reads ||
        (m->fail_read_sector >= 0 && (int64_t)sector <= m->fail_read_sector &&
         m->fail_read_sector < (int64_t)(sector + n)))
        return -EIO;
    memcpy(buf, m->data + sector * 512, (size_t)n * 512);
    m->sectors_read += n;
    return 0;
}

static int md_write(struct blockdev *d, uint64_t sector, const void *buf, uint32_t n)
{
    struct memdisk *m = d->ctx;
    m->writes++;
    if (m->fail_writes || sector + n > d->nsectors)
        return -EIO;
    for (uint32_t i = 0; i < n; i += BS / 512)
        md_log(m, (int64_t)((sector + i) / (BS / 512)));
    memcpy(m->data + sector * 512, buf, (size_t)n * 512);
    return 0;
}

static int md_flush(struct blockdev *d)
{
    struct memdisk *m = d->ctx;
    m->flushes++;
    if (m->fail_writes)
        return -EIO;
    md_log(m, -1);
    return 0;
}

static struct memdisk md;
static struct blockdev dev;
static struct bcache cache;
static void *storage;

/* A disk whose block i is filled with the byte (i * 7 + 1). */
static void setup(uint32_t nbufs, uint32_t readahead)
{
    free(md.data);
    memset(&md, 0, sizeof(md));
    md.fail_read_sector = -1;
    md.data = malloc((size_t)DISK_BLOCKS * BS);
    for (int i = 0; i < DISK_BLOCKS; i++)
        memset(md.data + (size_t)i * BS, (uint8_t)(i * 7 + 1), BS);
    dev = (struct blockdev){"mem", DISK_BLOCKS * (BS / 512), md_read, md_write, md_flush, &md};
    free(storage);
    size_t size = bcache_storage_size(BS, nbufs, readahead);
    storage = malloc(size);
    CHECK_EQ(bcache_init(&cache, &dev, BS, readahead, storage, size), 0);
    CHECK_EQ(cache.nbufs, nbufs);
}

static int touch(uint64_t blockno)
{
    struct buf *b;
    int err = bcache_get(&cache, blockno, &b);
    if (err)
        return err;
    int ok = b->data[0] == (uint8_t)(blockno * 7 + 1) && b->data[BS - 1] == b->data[0];
    bcache_release(&cache, b);
    return ok ? 0 : -1000;
}

TEST(storage_size_and_init_limits)
{
    setup(16, 0);
    CHECK_EQ(cache.nblocks, DISK_BLOCKS);
    struct bcache c2;
    char small[512];
    CHECK_EQ(bcache_init(&c2, &dev, BS, 0, small, sizeof(small)), -ENOMEM);
    CHECK_EQ(bcache_init(&c2, &dev, 3000, 0, storage, bcache_storage_size(BS, 16, 0)), -EINVAL);
}

TEST(hit_and_miss_counts)
{
    setup(8, 0);
    CHECK_EQ(touch(5), 0);
    CHECK_EQ(touch(5), 0);
    CHECK_EQ(touch(9), 0);
    CHECK_EQ(cache.stats.misses, 2);
    CHECK_EQ(cache.stats.hits, 1);
    CHECK_EQ(md.reads, 2);
    struct buf *b;
    CHECK_EQ(bcache_get(&cache, DISK_BLOCKS, &b), -EINVAL);
    CHECK(b == NULL);
}

TEST(lru_evicts_least_recently_used)
{
    setup(8, 0);
    /* Non-sequential block numbers so read-ahead (off anyway) stays out. */
    for (int i = 0; i < 8; i++)
        CHECK_EQ(touch(100 + 10 * i), 0);
    CHECK_EQ(touch(100), 0);            /* 100 is now the most recent */
    CHECK_EQ(md.reads, 8);
    CHECK_EQ(touch(500), 0);            /* evicts 110, the least recent */
    CHECK_EQ(md.reads, 9);
    CHECK_EQ(touch(100), 0);            /* still cached */
    CHECK_EQ(md.reads, 9);
    CHECK_EQ(touch(120), 0);            /* still cached */
    CHECK_EQ(md.reads, 9);
    CHECK_EQ(touch(110), 0);            /* was evicted: read again, evicts 130 */
    CHECK_EQ(md.reads, 10);
    CHECK_EQ(touch(130), 0);
    CHECK_EQ(md.reads, 11);
}

TEST(referenced_buffers_are_never_evicted)
{
    setup(8, 0);
    struct buf *held[8];
    for (int i = 0; i < 8; i++)
        CHECK_EQ(bcache_get(&cache, (uint64_t)(200 + 3 * i), &held[i]), 0);
    struct buf *b = (struct buf *)1;
    CHECK_EQ(bcache_get(&cache, 999, &b), -ENOMEM);
    CHECK(b == NULL);
    /* A second reference to a cached block works even when full. */
    CHECK_EQ(bcache_get(&cache, 200, &b), 0);
    CHECK(b == held[0]);
    CHECK_EQ(b->refcnt, 2);
    bcache_release(&cache, b);
    bcache_release(&cache, held[3]);
    CHECK_EQ(bcache_get(&cache, 999, &b), 0);   /* reuses held[3]'s buffer */
    CHECK(b == held[3]);
    CHECK_EQ(b->data[0], (uint8_t)(999 * 7 + 1));
    bcache_release(&cache, b);
    for (int i = 0; i < 8; i++)
        if (i != 3)
            bcache_release(&cache, held[i]);
    /* The held blocks kept their contents. */
    CHECK_EQ(touch(200), 0);
    CHECK_EQ(touch(221), 0);
}

static void dirty_block(uint64_t blockno, uint8_t fill, enum bcache_order order)
{
    struct buf *b;
    CHECK_EQ(bcache_get(&cache, blockno, &b), 0);
    memset(b->data, fill, BS);
    bcache_mark_dirty_order(&cache, b, order);
    bcache_release(&cache, b);
}

TEST(dirty_written_on_eviction)
{
    setup(8, 0);
    struct buf *b;
    dirty_block(40, 0xAB, BCACHE_DATA);
    CHECK_EQ(md.writes, 0);
    for (int i = 0; i < 7; i++)
        CHECK_EQ(touch(1000 + 5 * i), 0);
    CHECK_EQ(md.writes, 0);             /* 40 still cached */
    CHECK_EQ(touch(2000), 0);           /* evicts 1000, the coldest clean one */
    CHECK_EQ(md.writes, 0);
    CHECK_EQ(cache.ndirty, 1);
    /* Dirty every unreferenced buffer: the next miss syncs them all. */
    for (int i = 1; i < 7; i++)
        dirty_block(1000 + 5 * (uint64_t)i, (uint8_t)i, BCACHE_DATA);
    dirty_block(2000, 0x20, BCACHE_DATA);
    CHECK_EQ(cache.ndirty, 8);
    CHECK_EQ(touch(3000), 0);
    CHECK_EQ(md.writes, 8);
    CHECK_EQ(md.flushes, 1);
    CHECK_EQ(cache.ndirty, 0);
    CHECK_EQ(md.data[40 * BS], 0xAB);
    CHECK_EQ(md.data[41 * BS - 1], 0xAB);
    CHECK_EQ(bcache_get(&cache, 40, &b), 0);    /* read back from the disk */
    CHECK_EQ(b->data[7], 0xAB);
    bcache_release(&cache, b);
}

/* Position of block blk's write in the log, or -1. */
static int log_pos(int64_t blk)
{
    for (int i = 0; i < md.nlog; i++)
        if (md.log[i] == blk)
            return i;
    return -1;
}

static int nth_flush(int n)
{
    for (int i = 0; i < md.nlog; i++)
        if (md.log[i] == -1 && n-- == 0)
            return i;
    return -1;
}

TEST(sync_writes_classes_in_order_with_flushes_between)
{
    setup(32, 16);
    /* Adjacent blocks of different classes, dirtied newest class first. */
    dirty_block(502, 3, BCACHE_DIRENT);
    dirty_block(501, 2, BCACHE_INODE);
    dirty_block(500, 1, BCACHE_DATA);
    dirty_block(503, 4, BCACHE_DATA);
    dirty_block(700, 5, BCACHE_INODE);
    /* A block marked again keeps the highest class it was given. */
    dirty_block(800, 6, BCACHE_DIRENT);
    dirty_block(800, 7, BCACHE_DATA);
    CHECK_EQ(bcache_sync(&cache), 0);
    CHECK_EQ(md.flushes, 3);
    int f0 = nth_flush(0), f1 = nth_flush(1), f2 = nth_flush(2);
    CHECK(log_pos(500) >= 0 && log_pos(500) < f0);
    CHECK(log_pos(503) >= 0 && log_pos(503) < f0);
    CHECK(log_pos(501) > f0 && log_pos(501) < f1);
    CHECK(log_pos(700) > f0 && log_pos(700) < f1);
    CHECK(log_pos(502) > f1 && log_pos(502) < f2);
    CHECK(log_pos(800) > f1 && log_pos(800) < f2);
    CHECK_EQ(md.data[800 * BS], 7);
    CHECK_EQ(md.data[503 * BS], 4);
    CHECK_EQ(cache.ndirty, 0);
    /* Only data dirty: one class, one flush. */
    dirty_block(900, 8, BCACHE_DATA);
    CHECK_EQ(bcache_sync(&cache), 0);
    CHECK_EQ(md.flushes, 4);
}

TEST(fresh_blocks_stay_data_until_written)
{
    setup(16, 0);
    struct buf *b;
    /* A block already dirty as a directory block is allocated afresh. */
    dirty_block(600, 1, BCACHE_DIRENT);
    CHECK_EQ(bcache_get_zero(&cache, 600, &b), 0);
    CHECK_EQ(b->data[0], 0);
    bcache_mark_dirty_order(&cache, b, BCACHE_DIRENT);
    bcache_release(&cache, b);
    /* A new block gets entries (DIRENT marks) after it was zeroed. */
    CHECK_EQ(bcache_get_zero(&cache, 601, &b), 0);
    bcache_mark_dirty(&cache, b);
    bcache_release(&cache, b);
    dirty_block(601, 2, BCACHE_DIRENT);
    dirty_block(602, 3, BCACHE_INODE);
    CHECK_EQ(bcache_sync(&cache), 0);
    int f0 = nth_flush(0);
    CHECK(log_pos(600) >= 0 && log_pos(600) < f0);
    CHECK(log_pos(601) >= 0 && log_pos(601) < f0);
    CHECK(log_pos(602) > f0);
    /* Once written it is an ordinary block again. */
    dirty_block(601, 4, BCACHE_DIRENT);
    md.nlog = 0;
    CHECK_EQ(bcache_sync(&cache), 0);
    CHECK_EQ(md.nlog, 2);               /* the flush of class 0 is skipped */
    CHECK_EQ(md.log[0], 601);
}

TEST(failed_class_stops_the_sync)
{
    setup(16, 0);
    dirty_block(100, 1, BCACHE_DATA);
    dirty_block(200, 2, BCACHE_INODE);
    dirty_block(300, 3, BCACHE_DIRENT);
    md.fail_writes = true;
    CHECK_EQ(bcache_sync(&cache), -EIO);
    CHECK_EQ(md.writes, 1);             /* only the data block was tried */
    CHECK_EQ(cache.ndirty, 3);
    md.fail_writes = false;
    CHECK_EQ(bcache_sync(&cache), 0);
    CHECK(log_pos(100) < log_pos(200) && log_pos(200) < log_pos(300));
}

static uint64_t fake_now;
static int hook_calls;
static uint64_t fake_clock(void) { return fake_now; }
static void count_hook(void *arg) { (void)arg; hook_calls++; }

TEST(dirty_age_tracks_the_oldest_unwritten_change)
{
    setup(16, 0);
    fake_now = 0;
    hook_calls = 0;
    bcache_set_dirty_hook(&cache, fake_clock, count_hook, NULL);
    CHECK_EQ(bcache_dirty_since(&cache), 0);
    CHECK_EQ(bcache_dirty_count(&cache), 0);
    fake_now = 5000;
    dirty_block(10, 1, BCACHE_DATA);
    CHECK_EQ(bcache_dirty_since(&cache), 5000);
    CHECK_EQ(hook_calls, 1);
    fake_now = 9000;
    dirty_block(11, 1, BCACHE_INODE);   /* later changes keep the oldest stamp */
    dirty_block(10, 2, BCACHE_DATA);
    CHECK_EQ(bcache_dirty_since(&cache), 5000);
    CHECK_EQ(bcache_dirty_count(&cache), 2);
    CHECK_EQ(hook_calls, 1);
    CHECK_EQ(bcache_sync(&cache), 0);
    CHECK_EQ(bcache_dirty_since(&cache), 0);
    CHECK_EQ(bcache_dirty_count(&cache), 0);
    fake_now = 0;                       /* a clock reading 0 still counts as dirty */
    dirty_block(12, 1, BCACHE_DATA);
    CHECK(bcache_dirty_since(&cache) != 0);
    CHECK_EQ(hook_calls, 2);
    /* A failed write keeps the block dirty and the stamp. */
    uint64_t since = bcache_dirty_since(&cache);
    md.fail_writes = true;
    CHECK_EQ(bcache_sync(&cache), -EIO);
    CHECK_EQ(bcache_dirty_since(&cache), since);
    CHECK_EQ(bcache_dirty_count(&cache), 1);
    md.fail_writes = false;
    bcache_set_dirty_hook(&cache, NULL, NULL, NULL);
}

TEST(sync_writes_dirty_once_and_flushes)
{
    setup(16, 0);
    struct buf *b;
    for (int i = 0; i < 5; i++) {
        CHECK_EQ(bcache_get_zero(&cache, (uint64_t)(300 + i), &b), 0);
        b->data[0] = (uint8_t)(0x50 + i);
        bcache_mark_dirty(&cache, b);
        bcache_release(&cache, b);
    }
    CHECK_EQ(md.reads, 0);              /* get_zero never reads */
    CHECK_EQ(bcache_sync(&cache), 0);
    CHECK_EQ(md.writes, 5);
    CHECK_EQ(md.flushes, 1);
    for (int i = 0; i < 5; i++) {
        CHECK_EQ(md.data[(300 + i) * BS], 0x50 + i);
        CHECK_EQ(md.data[(300 + i) * BS + 1], 0);
    }
    CHECK_EQ(bcache_sync(&cache), 0);
    CHECK_EQ(md.writes, 5);             /* nothing dirty any more */
    CHECK_EQ(md.flushes, 2);
}

TEST(readahead_sequential_reader)
{
    setup(64, 16);
    for (uint64_t i = 0; i < 1000; i++)
        CHECK_EQ(touch(i), 0);
    /* Block 0 alone, then windows of 16 blocks per device read. */
    printf("     sequential 1000 blocks: %d device reads, %llu read-ahead blocks, "
           "%llu read-ahead hits, %llu hits\n", md.reads,
           (unsigned long long)cache.stats.readahead_blocks,
           (unsigned long long)cache.stats.readahead_hits,
           (unsigned long long)cache.stats.hits);
    CHECK(md.reads <= 1000 / 16 + 3);
    CHECK(cache.stats.hits >= 930);
    CHECK(cache.stats.readahead_hits >= 930);
    CHECK_EQ(md.sectors_read, 1000 * 2 + (cache.stats.readahead_blocks -
                                          cache.stats.readahead_hits) * 2);
}

TEST(readahead_not_for_random_access)
{
    setup(64, 16);
    for (int i = 0; i < 300; i++)
        CHECK_EQ(touch(check_rng_below(DISK_BLOCKS) / 2 * 2), 0); /* even blocks only */
    CHECK_EQ(cache.stats.readahead_blocks, 0);
    CHECK_EQ(md.sectors_read, (uint64_t)md.reads * 2);
}

TEST(readahead_skips_dirty_and_cached_blocks)
{
    setup(32, 16);
    struct buf *b;
    CHECK_EQ(bcache_get(&cache, 5, &b), 0);     /* cached: read-ahead stops there */
    memset(b->data, 0xEE, BS);
    bcache_mark_dirty(&cache, b);
    bcache_release(&cache, b);
    CHECK_EQ(touch(1), 0);
    CHECK_EQ(touch(2), 0);                      /* sequential: fetches 2..4 */
    CHECK_EQ(cache.stats.readahead_blocks, 2);
    CHECK_EQ(bcache_get(&cache, 5, &b), 0);
    CHECK_EQ(b->data[0], 0xEE);                 /* not overwritten by the disk */
    bcache_release(&cache, b);
    CHECK_EQ(touch(3), 0);
    CHECK_EQ(touch(4), 0);
    CHECK_EQ(cache.stats.readahead_hits, 2);
}

TEST(read_errors_propagate)
{
    setup(8, 8);
    md.fail_reads = true;
    struct buf *b = (struct buf *)1;
    CHECK_EQ(bcache_get(&cache, 3, &b), -EIO);
    CHECK(b == NULL);
    md.fail_reads = false;
    CHECK_EQ(touch(3), 0);                      /* nothing stale was cached */
    /* A read-ahead window over a bad sector: the wanted block still loads,
     * the bad one reports -EIO when asked for. */
    md.fail_read_sector = 6 * 2;
    CHECK_EQ(touch(4), 0);
    CHECK_EQ(touch(5), 0);
    CHECK_EQ(touch(6), -EIO);
    CHECK_EQ(touch(7), 0);
    /* The cache still works: every buffer is free again. */
    md.fail_read_sector = -1;
    for (int i = 0; i < 20; i++)
        CHECK_EQ(touch((uint64_t)(50 + 2 * i)), 0);
}

TEST(write_errors_propagate_and_keep_data)
{
    setup(8, 0);
    struct buf *b;
    CHECK_EQ(bcache_get(&cache, 70, &b), 0);
    b->data[0] = 0x11;
    bcache_mark_dirty(&cache, b);
    bcache_release(&cache, b);
    md.fail_writes = true;
    CHECK_EQ(bcache_sync(&cache), -EIO);
    CHECK(b->dirty);
    /* Eviction needs the dirty buffer (it is the only unreferenced one). */
    struct buf *held[7];
    for (int i = 0; i < 7; i++)
        CHECK_EQ(bcache_get(&cache, (uint64_t)(400 + 2 * i), &held[i]), 0);
    struct buf *nb;
    CHECK_EQ(bcache_get(&cache, 900, &nb), -EIO);
    md.fail_writes = false;
    CHECK_EQ(bcache_get(&cache, 900, &nb), 0);  /* now the write-back succeeds */
    CHECK_EQ(md.data[70 * BS], 0x11);
    bcache_release(&cache, nb);
    for (int i = 0; i < 7; i++)
        bcache_release(&cache, held[i]);
    CHECK_EQ(bcache_sync(&cache), 0);
}

TEST(adjacent_dirty_blocks_written_together)
{
    setup(64, 16);
    struct buf *b;
    /* 40 consecutive dirty blocks, dirtied in a scrambled order, plus one
     * lone block: sync needs ceil(40 / 16) + 1 device writes. */
    for (int k = 0; k < 40; k++) {
        uint64_t blk = 100 + (uint64_t)((k * 17) % 40);
        CHECK_EQ(bcache_get_zero(&cache, blk, &b), 0);
        memset(b->data, (int)blk, BS);
        bcache_mark_dirty(&cache, b);
        bcache_release(&cache, b);
    }
    CHECK_EQ(bcache_get_zero(&cache, 900, &b), 0);
    bcache_mark_dirty(&cache, b);
    bcache_release(&cache, b);
    CHECK_EQ(bcache_sync(&cache), 0);
    CHECK(md.writes <= 5);
    CHECK_EQ(cache.stats.blocks_written, 41);
    for (int blk = 100; blk < 140; blk++)
        CHECK_EQ(md.data[(size_t)blk * BS + BS / 2], (uint8_t)blk);
    /* A streaming writer evicting its own blocks writes in runs too. */
    setup(32, 16);
    for (uint64_t blk = 0; blk < 500; blk++) {
        CHECK_EQ(bcache_get_zero(&cache, 1000 + blk, &b), 0);
        b->data[0] = (uint8_t)blk;
        bcache_mark_dirty(&cache, b);
        bcache_release(&cache, b);
    }
    CHECK_EQ(bcache_sync(&cache), 0);
    printf("     500 streamed blocks written in %d device writes\n", md.writes);
    CHECK(md.writes <= 500 / 8);
    for (int blk = 0; blk < 500; blk++)
        CHECK_EQ(md.data[(size_t)(1000 + blk) * BS], (uint8_t)blk);
}

int main(void)
{
    RUN(storage_size_and_init_limits);
    RUN(hit_and_miss_counts);
    RUN(lru_evicts_least_recently_used);
    RUN(referenced_buffers_are_never_evicted);
    RUN(dirty_written_on_eviction);
    RUN(sync_writes_dirty_once_and_flushes);
    RUN(sync_writes_classes_in_order_with_flushes_between);
    RUN(fresh_blocks_stay_data_until_written);
    RUN(failed_class_stops_the_sync);
    RUN(dirty_age_tracks_the_oldest_unwritten_change);
    RUN(readahead_sequential_reader);
    RUN(readahead_not_for_random_access);
    RUN(readahead_skips_dirty_and_cached_blocks);
    RUN(adjacent_dirty_blocks_written_together);
    RUN(read_errors_propagate);
    RUN(write_errors_propagate_and_keep_data);
    free(md.data);
    free(storage);
    return check_summary();
}
