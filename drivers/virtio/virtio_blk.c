/*
 * drivers/virtio/virtio_blk.c — see virtio_blk.h. Each request is one chain:
 * the 16-byte header (device-readable), the data (readable for writes,
 * writable for reads), and the status byte (writable). Request structs are
 * kmalloc'ed by the synchronous wrappers so header and status are in the
 * direct map, as virtq_submit requires.
 */
#include "drivers/virtio/virtio_blk.h"

#include "drivers/virtio/virtio.h"
#include "kernel/arch/console.h"
#include "kernel/abi/errno.h"
#include "kernel/mm/kalloc.h"
#include "kernel/lib/string.h"

#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX  2
#define VIRTIO_BLK_F_RO       5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH    9

#define VIRTIO_BLK_S_OK     0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2

#define CONFIG_CAPACITY 0
#define CONFIG_SIZE_MAX 8

static struct virtio_dev *dev;
static struct virtq *vq;
static struct blockdev blockdev;
static bool read_only, has_flush;
static uint32_t max_segment_bytes;
static struct completion slot_freed;

static void request_done(struct virtq *q, void *token, uint32_t len)
{
    (void)q;
    (void)len;
    struct blk_request *req = token;
    req->result = req->status == VIRTIO_BLK_S_OK ? 0 : -EIO;
    completion_signal(&req->done);
    completion_signal(&slot_freed);
}

int virtio_blk_submit(struct blk_request *req)
{
    if (req->op == BLK_WRITE && read_only)
        return -EIO;
    if (req->op != BLK_FLUSH &&
        (req->sector + req->nsectors > blockdev.nsectors || req->nsectors == 0))
        return -EIO;
    uint64_t bytes = (uint64_t)req->nsectors * BLOCKDEV_SECTOR_SIZE;
    if (req->op != BLK_FLUSH && max_segment_bytes && bytes > max_segment_bytes)
        return -EINVAL; /* the synchronous wrappers split large requests */
    req->hdr.type = req->op;
    req->hdr.reserved = 0;
    req->hdr.sector = req->op == BLK_FLUSH ? 0 : req->sector;
    req->status = 0xff;
    completion_init(&req->done);

    struct virtq_buf bufs[3];
    int nr = 0, nw = 0;
    bufs[0] = (struct virtq_buf){ &req->hdr, sizeof req->hdr };
    nr = 1;
    if (req->op == BLK_WRITE) {
        bufs[1] = (struct virtq_buf){ req->buf, (uint32_t)bytes };
        nr = 2;
    } else if (req->op == BLK_READ) {
        bufs[1] = (struct virtq_buf){ req->buf, (uint32_t)bytes };
        nw = 1;
    }
    bufs[nr + nw] = (struct virtq_buf){ &req->status, 1 };
    nw++;
    for (;;) {
        completion_init(&slot_freed);
        int err = virtq_submit(vq, bufs, nr, nw, req);
        if (err != -EAGAIN) {
            if (err)
                return err;
            break;
        }
        completion_wait(&slot_freed);
    }
    virtq_kick(vq);
    return 0;
}

int virtio_blk_wait(struct blk_request *req)
{
    completion_wait(&req->done);
    return req->result;
}

static int do_sync(enum blk_op op, uint64_t sector, void *buf, uint32_t nsectors)
{
    struct blk_request *req = kmalloc(sizeof *req);
    if (!req)
        return -EIO;
    int err = 0;
    /* Respect the device's largest segment, if it has one. */
    uint32_t chunk = max_segment_bytes ? max_segment_bytes / BLOCKDEV_SECTOR_SIZE : nsectors;
    if (chunk == 0)
        chunk = 1;
    do {
        uint32_t n = nsectors < chunk ? nsectors : chunk;
        req->op = op;
        req->sector = sector;
        req->buf = buf;
        req->nsectors = op == BLK_FLUSH ? 0 : n;
        err = virtio_blk_submit(req);
        if (!err)
            err = virtio_blk_wait(req);
        sector += n;
        buf = (uint8_t *)buf + (uint64_t)n * BLOCKDEV_SECTOR_SIZE;
        nsectors -= n;
    } while (!err && op != BLK_FLUSH && nsectors > 0);
    kfree(req);
    return err;
}

static int blk_read(struct blockdev *bd, uint64_t sector, void *buf, uint32_t nsectors)
{
    (void)bd;
    return do_sync(BLK_READ, sector, buf, nsectors);
}

static int blk_write(struct blockdev *bd, uint64_t sector, const void *buf, uint32_t nsectors)
{
    (void)bd;
    return do_sync(BLK_WRITE, sector, (void *)buf, nsectors);
}

static int blk_flush(struct blockdev *bd)
{
    (void)bd;
    return has_flush ? do_sync(BLK_FLUSH, 0, NULL, 0) : 0;
}

static int virtio_blk_probe(struct virtio_dev *d)
{
    dev = d;
    uint64_t wanted = (1ULL << VIRTIO_BLK_F_RO) | (1ULL << VIRTIO_BLK_F_FLUSH) |
                      (1ULL << VIRTIO_BLK_F_SIZE_MAX) | (1ULL << VIRTIO_BLK_F_BLK_SIZE) |
                      (1ULL << VIRTIO_BLK_F_SEG_MAX);
    if (virtio_negotiate(dev, wanted) < 0)
        return -EIO;
    read_only = dev->features & (1ULL << VIRTIO_BLK_F_RO);
    has_flush = dev->features & (1ULL << VIRTIO_BLK_F_FLUSH);
    if (dev->features & (1ULL << VIRTIO_BLK_F_SIZE_MAX))
        virtio_config_read(dev, CONFIG_SIZE_MAX, &max_segment_bytes, 4);
    uint64_t capacity;
    virtio_config_read(dev, CONFIG_CAPACITY, &capacity, 8);
    vq = virtq_create(dev, 0, 128, request_done);
    if (!vq || virtio_driver_ok(dev) < 0)
        return -EIO;
    blockdev = (struct blockdev){
        .name = "vda",
        .nsectors = capacity,
        .read = blk_read,
        .write = blk_write,
        .flush = blk_flush,
        .ctx = NULL,
    };
    klog("virtio-blk: %lu sectors (%lu MiB)%s%s, queue of %u\n", capacity, capacity >> 11,
         read_only ? ", read-only" : "", has_flush ? ", flush" : "", virtq_size(vq));
    return blockdev_register(&blockdev);
}

const struct virtio_driver virtio_blk_driver = { "virtio-blk", VIRTIO_ID_BLOCK,
                                                 virtio_blk_probe };
