/*
 * drivers/virtio/virtio_blk.h — the virtio block device (virtio 1.2 §5.2).
 *
 * virtio_probe() starts it (virtio_blk_driver) on the first block device,
 * which it registers as the struct blockdev "vda" (drivers/blockdev.h) for
 * the block cache. Requests are interrupt-driven; many may be in flight at once
 * (virtio_blk_submit + virtio_blk_wait); the blockdev calls are the
 * synchronous wrappers. A device error or a rejected request is -EIO.
 */
#ifndef DRIVERS_VIRTIO_VIRTIO_BLK_H
#define DRIVERS_VIRTIO_VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/blockdev.h"
#include "kernel/task/completion.h"

enum blk_op { BLK_READ = 0, BLK_WRITE = 1, BLK_FLUSH = 4 };

struct blk_request {
    /* filled in by the caller */
    enum blk_op op;
    uint64_t sector;
    void *buf;                  /* direct-map memory, nsectors * 512 bytes */
    uint32_t nsectors;
    /* owned by the driver until done */
    struct {
        uint32_t type, reserved;
        uint64_t sector;
    } hdr;
    uint8_t status;
    int result;                 /* 0 or -EIO once done */
    struct completion done;
};

struct virtio_driver;
extern const struct virtio_driver virtio_blk_driver;
int virtio_blk_submit(struct blk_request *req);
int virtio_blk_wait(struct blk_request *req);


#endif
