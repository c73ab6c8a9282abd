/*
 * drivers/virtio/virtq.c — the split virtqueue (virtio 1.2 §2.7): one
 * physically contiguous allocation holding the descriptor table, the
 * available ring and (4-byte aligned) the used ring.
 *
 * Invariants: free descriptors form a list through `next` starting at
 * free_head, num_free long; tokens[head] is the token of the chain starting
 * at `head` while the device owns it; last_used counts the used entries
 * already processed. The driver publishes a chain by writing its head to the
 * available ring, then (after a fence) the new avail->idx; it reads a used
 * entry only after seeing used->idx move past it.
 */
#include "drivers/virtio/virtio.h"
#include "drivers/virtio/virtio_regs.h"

#include "kernel/arch/console.h"
#include "kernel/abi/errno.h"
#include "kernel/mm/kalloc.h"
#include "kernel/arch/memlayout.h"
#include "kernel/arch/panic.h"
#include "kernel/arch/riscv.h"

#define VIRTQ_DESC_F_NEXT  1
#define VIRTQ_DESC_F_WRITE 2

struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct virtq_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[];
};

struct virtq_used_elem {
    uint32_t id;
    uint32_t len;
};

struct virtq_used {
    uint16_t flags;
    uint16_t idx;
    struct virtq_used_elem ring[];
};

struct virtq {
    struct virtio_dev *dev;
    uint32_t index, size;
    volatile struct virtq_desc *desc;
    volatile struct virtq_avail *avail;
    volatile struct virtq_used *used;
    void *ring_mem;
    uint16_t free_head, num_free, last_used;
    void **tokens;
    virtq_done_fn done;
    void *driver_data;
};

static inline void fence(void)
{
    __asm__ volatile("fence iorw, iorw" ::: "memory");
}

struct virtq *virtq_create(struct virtio_dev *dev, uint32_t index, uint32_t size,
                           virtq_done_fn done)
{
    volatile uint8_t *r = dev->regs;
    if (index >= VIRTQ_MAX_QUEUES) {
        virtio_fail(dev, "queue index beyond what drivers here use");
        return NULL;
    }
    vreg_write(r, VIRTIO_MMIO_QUEUE_SEL, index);
    if (vreg_read(r, VIRTIO_MMIO_QUEUE_READY)) {
        virtio_fail(dev, "queue already in use");
        return NULL;
    }
    uint32_t max = vreg_read(r, VIRTIO_MMIO_QUEUE_NUM_MAX);
    if (max == 0) {
        klog("virtio: device %x has no queue %u\n", dev->device_id, index);
        virtio_fail(dev, "missing queue");
        return NULL;
    }
    if (size > max)
        size = max;
    if (size > 32768)
        size = 32768;

    size_t desc_bytes = 16UL * size;
    size_t avail_bytes = 6 + 2UL * size;
    size_t used_off = (desc_bytes + avail_bytes + 3) & ~3UL;
    size_t total = used_off + 6 + 8UL * size;
    size_t npages = (total + PAGE_SIZE - 1) / PAGE_SIZE;

    struct virtq *vq = kcalloc(1, sizeof *vq);
    void **tokens = kcalloc(size, sizeof *tokens);
    uint8_t *mem = kpages_alloc(npages, 1, PAGE_OWNER_DMA);
    if (!vq || !tokens || !mem) {
        kfree(vq);
        kfree(tokens);
        if (mem)
            kpages_free(mem);
        virtio_fail(dev, "out of memory for a virtqueue");
        return NULL;
    }
    vq->dev = dev;
    vq->index = index;
    vq->size = size;
    vq->ring_mem = mem;
    vq->desc = (volatile struct virtq_desc *)mem;
    vq->avail = (volatile struct virtq_avail *)(mem + desc_bytes);
    vq->used = (volatile struct virtq_used *)(mem + used_off);
    vq->tokens = tokens;
    vq->done = done;
    for (uint32_t i = 0; i < size; i++)
        vq->desc[i].next = (uint16_t)(i + 1);
    vq->free_head = 0;
    vq->num_free = (uint16_t)size;

    uint64_t desc_pa = kva_to_pa(mem), avail_pa = desc_pa + desc_bytes, used_pa = desc_pa + used_off;
    vreg_write(r, VIRTIO_MMIO_QUEUE_NUM, size);
    vreg_write(r, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc_pa);
    vreg_write(r, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc_pa >> 32));
    vreg_write(r, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail_pa);
    vreg_write(r, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail_pa >> 32));
    vreg_write(r, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used_pa);
    vreg_write(r, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used_pa >> 32));
    vreg_write(r, VIRTIO_MMIO_QUEUE_READY, 1);
    dev->queues[index] = vq;
    return vq;
}

int virtq_submit(struct virtq *vq, const struct virtq_buf *bufs, int nreadable,
                 int nwritable, void *token)
{
    int n = nreadable + nwritable;
    if (n <= 0 || (uint32_t)n > vq->size)
        return -EINVAL;
    uint64_t flags = irq_save();
    if (vq->num_free < n) {
        irq_restore(flags);
        return -EAGAIN;
    }
    uint16_t head = vq->free_head, d = head;
    for (int i = 0; i < n; i++) {
        /* The direct map and the kernel image are physically contiguous;
         * kernel stacks (and anything else) are not. */
        uint64_t va = (uint64_t)bufs[i].addr;
        bool direct = va >= DIRECT_MAP_BASE && va + bufs[i].len <= KSTACK_BASE;
        if (!direct && va < KERNEL_VBASE)
            panic("virtq_submit: buffer %p is not physically contiguous memory", bufs[i].addr);
        vq->desc[d].addr = kva_to_pa(bufs[i].addr);
        vq->desc[d].len = bufs[i].len;
        vq->desc[d].flags = (uint16_t)((i + 1 < n ? VIRTQ_DESC_F_NEXT : 0) |
                                       (i >= nreadable ? VIRTQ_DESC_F_WRITE : 0));
        d = vq->desc[d].next;
    }
    vq->free_head = d;
    vq->num_free = (uint16_t)(vq->num_free - n);
    vq->tokens[head] = token;

    uint16_t idx = vq->avail->idx;
    vq->avail->ring[idx % vq->size] = head;
    fence(); /* the ring entry before the index that publishes it */
    vq->avail->idx = (uint16_t)(idx + 1);
    irq_restore(flags);
    return 0;
}

void virtq_kick(struct virtq *vq)
{
    fence(); /* published index before the notification */
    vreg_write(vq->dev->regs, VIRTIO_MMIO_QUEUE_NOTIFY, vq->index);
}

void virtq_process_used(struct virtq *vq)
{
    for (;;) {
        fence();
        if (vq->last_used == vq->used->idx)
            break;
        fence(); /* read the index before the entry it covers */
        struct virtq_used_elem e = vq->used->ring[vq->last_used % vq->size];
        vq->last_used++;
        if (e.id >= vq->size) {
            virtio_fail(vq->dev, "used ring names a descriptor out of range");
            return;
        }
        void *token = vq->tokens[e.id];
        vq->tokens[e.id] = NULL;
        /* Return the chain to the free list. */
        uint16_t d = (uint16_t)e.id;
        uint16_t count = 1;
        while (vq->desc[d].flags & VIRTQ_DESC_F_NEXT) {
            d = vq->desc[d].next;
            count++;
        }
        vq->desc[d].next = vq->free_head;
        vq->free_head = (uint16_t)e.id;
        vq->num_free = (uint16_t)(vq->num_free + count);
        if (vq->done)
            vq->done(vq, token, e.len);
    }
}

uint32_t virtq_size(const struct virtq *vq)
{
    return vq->size;
}

uint32_t virtq_free_count(const struct virtq *vq)
{
    return vq->num_free;
}

void *virtq_driver_data(const struct virtq *vq)
{
    return vq->driver_data;
}

void virtq_set_driver_data(struct virtq *vq, void *data)
{
    vq->driver_data = data;
}
