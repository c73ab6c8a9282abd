/*
 * drivers/blockdev.h — a disk as the block cache sees it: an array of 512-byte
 * sectors with synchronous read, write and flush.
 *
 * The kernel's virtio-blk driver implements it; host unit tests implement it
 * over a file or a memory array. Calls return 0 or -EIO and may move many
 * consecutive sectors at once (the cache reads ahead that way). A write has
 * reached stable storage only after flush() returns 0. ctx is the
 * implementation's own state. No locking: callers serialize.
 */
#ifndef FS_BLOCKDEV_H
#define FS_BLOCKDEV_H

#include <stdint.h>

#define BLOCKDEV_SECTOR_SIZE 512

struct blockdev {
    const char *name;
    uint64_t nsectors;              /* 512-byte sectors */
    /* Synchronous: return 0 or -EIO. May transfer many sectors in one call. */
    int (*read)(struct blockdev *dev, uint64_t sector, void *buf, uint32_t nsectors);
    int (*write)(struct blockdev *dev, uint64_t sector, const void *buf, uint32_t nsectors);
    int (*flush)(struct blockdev *dev);
    void *ctx;
};

#endif
