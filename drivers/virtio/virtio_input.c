/*
 * drivers/virtio/virtio_input.c — see virtio_input.h. Config layout and
 * event format from virtio 1.2 §5.8.
 *
 * Invariants: every buffer of `event_bufs` is owned by the device except
 * while its completion is being handled (it is resubmitted before the
 * callback returns). The raw ring holds ring_count events starting at
 * ring_head; it is touched with interrupts off (the completion runs in the
 * interrupt handler, readers in process context).
 */
#include "drivers/virtio/virtio_input.h"

#include "drivers/input.h"
#include "drivers/virtio/virtio.h"
#include "kernel/arch/console.h"
#include "kernel/abi/errno.h"
#include "kernel/arch/riscv.h"
#include "kernel/hooks/sched.h"
#include "kernel/lib/string.h"

#define EVENTQ 0
#define NUM_EVENT_BUFS 64
#define RING_EVENTS 128

/* virtio_input_config: select, subsel (written), size (read), data. */
#define CFG_SELECT 0
#define CFG_SIZE 2
#define CFG_DATA 8
#define CFG_ID_NAME 0x01

static struct virtio_dev *dev;
static struct virtq *eventq;
static struct input_event_raw event_bufs[NUM_EVENT_BUFS];
static struct input_event_raw ring[RING_EVENTS];
static uint32_t ring_head, ring_count;
static struct input_stats stats;

static void give_buffer(struct input_event_raw *ev)
{
    struct virtq_buf b = { ev, sizeof *ev };
    /* Cannot fail: this buffer's own descriptor was just freed. */
    virtq_submit(eventq, &b, 0, 1, ev);
}

/* Interrupt context. */
static void event_done(struct virtq *vq, void *token, uint32_t len)
{
    KASSERT_INTR_OFF();
    struct input_event_raw *buf = token;
    struct input_event_raw ev = *buf;
    give_buffer(buf);
    virtq_kick(vq);
    if (len < sizeof ev)
        return;
    stats.events++;
    if (ring_count == RING_EVENTS) {
        ring_head = (ring_head + 1) % RING_EVENTS;
        ring_count--;
        stats.dropped++;
    }
    ring[(ring_head + ring_count) % RING_EVENTS] = ev;
    ring_count++;
    sched_wakeup(ring);
    input_deliver(ev.type, ev.code, (int32_t)ev.value);
}

static long virtio_input_read(struct input_event_raw *out, uint64_t max, bool nonblock)
{
    uint64_t flags = irq_save();
    while (ring_count == 0) {
        int err = sched_sleep_interruptible(ring, nonblock);
        if (err) {
            irq_restore(flags);
            return err;
        }
    }
    uint64_t got = 0;
    while (got < max && ring_count > 0) {
        out[got++] = ring[ring_head];
        ring_head = (ring_head + 1) % RING_EVENTS;
        ring_count--;
    }
    irq_restore(flags);
    return (long)got;
}

static void virtio_input_flush(void)
{
    uint64_t flags = irq_save();
    ring_head = ring_count = 0;
    irq_restore(flags);
}

static void virtio_input_get_stats(struct input_stats *out)
{
    uint64_t flags = irq_save();
    *out = stats;
    irq_restore(flags);
}

static const struct input_dev keyboard = {
    .name = "virtio-input",
    .read = virtio_input_read,
    .flush = virtio_input_flush,
    .get_stats = virtio_input_get_stats,
};

static int virtio_input_probe(struct virtio_dev *d)
{
    dev = d;
    if (virtio_negotiate(dev, 0) < 0)
        return -EIO;

    /* The device's name: select ID_NAME, subsel 0, then size and data. */
    char name[33];
    uint8_t size = 0;
    virtio_config_write32(dev, CFG_SELECT, CFG_ID_NAME);
    virtio_config_read(dev, CFG_SIZE, &size, 1);
    if (size > sizeof name - 1)
        size = sizeof name - 1;
    virtio_config_read(dev, CFG_DATA, name, size);
    name[size] = '\0';

    eventq = virtq_create(dev, EVENTQ, NUM_EVENT_BUFS, event_done);
    if (!eventq)
        return -EIO;
    uint32_t nbufs = virtq_size(eventq);
    if (nbufs > NUM_EVENT_BUFS)
        nbufs = NUM_EVENT_BUFS;
    for (uint32_t i = 0; i < nbufs; i++)
        give_buffer(&event_bufs[i]);
    if (virtio_driver_ok(dev) < 0)
        return -EIO;
    virtq_kick(eventq);
    klog("virtio-input: \"%s\", %u event buffers, /dev/input/kbd\n",
         size ? name : "unnamed", nbufs);
    return input_register(&keyboard);
}

const struct virtio_driver virtio_input_driver = { "virtio-input", VIRTIO_ID_INPUT,
                                                   virtio_input_probe };
