/*
 * drivers/blockdev.h — a disk as the block cache sees it: an array of 512-byte
 * sectors with synchronous read, write and flush.
 *
 * The kernel's virtio-blk driver implements it; host unit tests implement it
 * over a file or a memory array. Calls return 0 or -EIO and may move many
 * consecutive sectors at once (the cache reads ahead that way). A write has
 * reached stable storage only after flush() returns 0. ctx is the
 * implementation's own state. No locking: callers serialize.
 *
 * Registry: a disk driver registers each disk it brings up
 * (blockdev_register); whoever needs one finds it by name (the root file
 * system mounts "vda", the first virtio disk), so boot code never names a
 * driver.
 */
#ifndef DRIVERS_BLOCKDEV_H
#define DRIVERS_BLOCKDEV_H

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

#define BLOCKDEV_MAX 4

/* 0, or -ENOSPC when BLOCKDEV_MAX disks are registered already. */
int blockdev_register(struct blockdev *dev);
/* The registered disk of that name, or NULL. */
struct blockdev *blockdev_find(const char *name);

#endif
