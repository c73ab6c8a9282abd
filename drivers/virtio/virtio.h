/*
 * drivers/virtio/virtio.h — the virtio-mmio transport (virtio 1.2 §4.2,
 * "modern" register layout, version 2) and the split virtqueue (§2.7),
 * shared by every virtio driver: blk, gpu, sound, input.
 *
 * Discovery: virtio_probe() looks at every virtio,mmio slot the device tree
 * lists and remembers the ones with a device behind them, then starts every
 * driver (each contributes a struct virtio_driver to its table) on the
 * first device of its id. A driver registers what it provides with its
 * interface in drivers/ — the disk with blockdev.h, the GPU with
 * display.h, the keyboard with input.h, the sound card with pcm_out.h —
 * where the subsystems above find it; nobody calls a driver by name, and
 * what a driver reports upward (a key, a finished period) goes through
 * the function the subsystem set in that interface. A probe gets its
 * device claimed, negotiates features with
 * virtio_negotiate(), creates its queues with virtq_create(), and sets
 * DRIVER_OK with virtio_driver_ok(). The transport registers the PLIC
 * interrupt and, on each interrupt, hands every used buffer of every queue
 * to that queue's completion callback (interrupt context).
 *
 * Submitting: virtq_submit() takes a list of buffers — the device-readable
 * ones first, then the device-writable ones — as one descriptor chain and a
 * token that comes back with the completion. Buffers must be in the direct
 * map (kmalloc/kpages memory) or the kernel image (statics): both are
 * physically contiguous, so the address translates to one DMA range.
 * Kernel-stack buffers are refused (panic): stack pages are scattered.
 * When the ring is full virtq_submit() returns -EAGAIN; the caller waits for
 * a completion and tries again. Errors the device reports (DEVICE_NEEDS_RESET,
 * rejected features, a queue it cannot have) are returned and printed, never
 * ignored.
 */
#ifndef DRIVERS_VIRTIO_VIRTIO_H
#define DRIVERS_VIRTIO_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

#define VIRTIO_ID_NET    1
#define VIRTIO_ID_BLOCK  2
#define VIRTIO_ID_GPU    16
#define VIRTIO_ID_INPUT  18
#define VIRTIO_ID_SOUND  25

#define VIRTIO_F_VERSION_1 (1ULL << 32)

#define VIRTQ_MAX_QUEUES 4

struct virtq;
struct virtio_dev;

/* Called in interrupt context for each completed chain: token as given to
 * virtq_submit, len = bytes the device wrote into the writable buffers. */
typedef void (*virtq_done_fn)(struct virtq *vq, void *token, uint32_t len);

struct virtio_dev {
    volatile uint8_t *regs;
    uint64_t base_pa;
    uint32_t device_id;
    uint32_t irq;
    uint64_t features;          /* negotiated */
    bool claimed;
    struct virtq *queues[VIRTQ_MAX_QUEUES];
    void (*config_changed)(struct virtio_dev *dev);
    void *driver;               /* the driver's own state */
    uint64_t interrupts;
};

struct virtq_buf {
    void *addr;                 /* direct-map or kernel-image address */
    uint32_t len;
};

void virtio_probe(void);
/* A driver: virtio_probe calls probe() with the first device of device_id
 * (claimed), if there is one; 0, or a negative errno it logs. */
struct virtio_driver {
    const char *name;
    uint32_t device_id;
    int (*probe)(struct virtio_dev *dev);
};
/* Reset, ACKNOWLEDGE|DRIVER, offer `wanted` & what the device has (plus
 * VERSION_1, which is required), FEATURES_OK. 0 or -EIO with a message. */
int virtio_negotiate(struct virtio_dev *dev, uint64_t wanted);
int virtio_driver_ok(struct virtio_dev *dev);
void virtio_fail(struct virtio_dev *dev, const char *why);

/* Device configuration space, read consistently (config generation). */
void virtio_config_read(struct virtio_dev *dev, uint32_t offset, void *out, uint32_t len);
void virtio_config_write32(struct virtio_dev *dev, uint32_t offset, uint32_t value);

/* Queue `index` with up to `size` entries (clamped to the device's max). */
struct virtq *virtq_create(struct virtio_dev *dev, uint32_t index, uint32_t size,
                           virtq_done_fn done);
int virtq_submit(struct virtq *vq, const struct virtq_buf *bufs, int nreadable,
                 int nwritable, void *token);
void virtq_kick(struct virtq *vq);
uint32_t virtq_size(const struct virtq *vq);
uint32_t virtq_free_count(const struct virtq *vq);
void *virtq_driver_data(const struct virtq *vq);
void virtq_set_driver_data(struct virtq *vq, void *data);

/* For `devices`: what was found, one line each. */
void virtio_print_devices(void);

#endif
