/*
 * drivers/virtio/virtio_mmio.c — the virtio-mmio transport: discovery,
 * status and feature negotiation, configuration space, interrupts.
 * Register offsets are those of virtio 1.2 §4.2.2 (version 2 layout).
 */
#include "drivers/virtio/virtio.h"
#include "drivers/virtio/virtio_blk.h"
#include "drivers/virtio/virtio_gpu.h"
#include "drivers/virtio/virtio_input.h"
#include "drivers/virtio/virtio_regs.h"
#include "drivers/virtio/virtio_snd.h"

#include "kernel/arch/console.h"
#include "kernel/abi/errno.h"
#include "kernel/arch/memlayout.h"
#include "kernel/arch/platform.h"
#include "kernel/arch/plic.h"

#define MAGIC_VIRT 0x74726976 /* "virt" little-endian */

static struct virtio_dev devices[PLATFORM_MAX_VIRTIO];
static int ndevices;

/* Every virtio driver, each contributed by its driver: virtio_probe starts
 * each on the first device of its id, and the driver registers what it
 * provides with its drivers/ interface. */
static const struct virtio_driver *const virtio_drivers[] = {
    &virtio_blk_driver,
    &virtio_gpu_driver,
    &virtio_input_driver,
    &virtio_snd_driver,
};

static const char *device_name(uint32_t id)
{
    switch (id) {
    case VIRTIO_ID_NET: return "net";
    case VIRTIO_ID_BLOCK: return "block";
    case VIRTIO_ID_GPU: return "gpu";
    case VIRTIO_ID_INPUT: return "input";
    case VIRTIO_ID_SOUND: return "sound";
    default: return "other";
    }
}

/* The n-th device of device_id (0: the first), or NULL; each is claimed once. */
static struct virtio_dev *virtio_claim(uint32_t device_id, int n)
{
    /* QEMU fills slots from the top down; order by address so "the first
     * disk" is the one given first on the command line. */
    int seen = 0;
    for (int i = ndevices - 1; i >= 0; i--) {
        struct virtio_dev *d = &devices[i];
        if (d->device_id != device_id)
            continue;
        if (seen++ == n) {
            if (d->claimed)
                return NULL;
            d->claimed = true;
            return d;
        }
    }
    return NULL;
}

void virtio_probe(void)
{
    for (int i = 0; i < platform.nvirtio; i++) {
        volatile uint8_t *regs = pa_to_kva(platform.virtio[i].base);
        uint32_t magic = vreg_read(regs, VIRTIO_MMIO_MAGIC);
        uint32_t version = vreg_read(regs, VIRTIO_MMIO_VERSION);
        uint32_t id = vreg_read(regs, VIRTIO_MMIO_DEVICE_ID);
        if (magic != MAGIC_VIRT) {
            klog("virtio: slot %lx has bad magic %x, skipped\n", platform.virtio[i].base, magic);
            continue;
        }
        if (id == 0)
            continue; /* empty slot */
        if (version != 2) {
            klog("virtio: %s device at %lx speaks version %u, need 2 "
                 "(start QEMU with -global virtio-mmio.force-legacy=false)\n",
                 device_name(id), platform.virtio[i].base, version);
            continue;
        }
        struct virtio_dev *d = &devices[ndevices++];
        d->regs = regs;
        d->base_pa = platform.virtio[i].base;
        d->device_id = id;
        d->irq = platform.virtio[i].irq;
    }
    for (size_t i = 0; i < sizeof virtio_drivers / sizeof *virtio_drivers; i++) {
        const struct virtio_driver *drv = virtio_drivers[i];
        struct virtio_dev *d = virtio_claim(drv->device_id, 0);
        if (d)
            drv->probe(d);
    }
}

void virtio_fail(struct virtio_dev *dev, const char *why)
{
    klog("virtio: %s device at %lx failed: %s\n", device_name(dev->device_id), dev->base_pa, why);
    vreg_write(dev->regs, VIRTIO_MMIO_STATUS,
               vreg_read(dev->regs, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FAILED);
}

int virtio_negotiate(struct virtio_dev *dev, uint64_t wanted)
{
    volatile uint8_t *r = dev->regs;
    vreg_write(r, VIRTIO_MMIO_STATUS, 0); /* reset */
    while (vreg_read(r, VIRTIO_MMIO_STATUS) != 0)
        ;
    vreg_write(r, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    vreg_write(r, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);

    uint64_t offered = 0;
    for (uint32_t sel = 0; sel < 2; sel++) {
        vreg_write(r, VIRTIO_MMIO_DEVICE_FEATURES_SEL, sel);
        offered |= (uint64_t)vreg_read(r, VIRTIO_MMIO_DEVICE_FEATURES) << (32 * sel);
    }
    if (!(offered & VIRTIO_F_VERSION_1)) {
        virtio_fail(dev, "device does not offer VIRTIO_F_VERSION_1");
        return -EIO;
    }
    uint64_t accepted = (wanted | VIRTIO_F_VERSION_1) & offered;
    for (uint32_t sel = 0; sel < 2; sel++) {
        vreg_write(r, VIRTIO_MMIO_DRIVER_FEATURES_SEL, sel);
        vreg_write(r, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(accepted >> (32 * sel)));
    }
    vreg_write(r, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                                          VIRTIO_STATUS_FEATURES_OK);
    if (!(vreg_read(r, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK)) {
        virtio_fail(dev, "device rejected the features we accepted");
        return -EIO;
    }
    dev->features = accepted;
    return 0;
}

static void virtio_interrupt(void *arg)
{
    struct virtio_dev *dev = arg;
    uint32_t status = vreg_read(dev->regs, VIRTIO_MMIO_INTERRUPT_STATUS);
    vreg_write(dev->regs, VIRTIO_MMIO_INTERRUPT_ACK, status);
    dev->interrupts++;
    if (status & VIRTIO_INT_USED_BUFFER)
        for (int q = 0; q < VIRTQ_MAX_QUEUES; q++)
            if (dev->queues[q])
                virtq_process_used(dev->queues[q]);
    if (status & VIRTIO_INT_CONFIG_CHANGE) {
        if (vreg_read(dev->regs, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET)
            klog("virtio: %s device at %lx needs a reset (device error)\n",
                 device_name(dev->device_id), dev->base_pa);
        if (dev->config_changed)
            dev->config_changed(dev);
    }
}

int virtio_driver_ok(struct virtio_dev *dev)
{
    if (dev->irq)
        plic_register(dev->irq, virtio_interrupt, dev);
    uint32_t s = vreg_read(dev->regs, VIRTIO_MMIO_STATUS);
    vreg_write(dev->regs, VIRTIO_MMIO_STATUS, s | VIRTIO_STATUS_DRIVER_OK);
    if (vreg_read(dev->regs, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET) {
        virtio_fail(dev, "device needs reset right after DRIVER_OK");
        return -EIO;
    }
    return 0;
}

void virtio_config_read(struct virtio_dev *dev, uint32_t offset, void *out, uint32_t len)
{
    uint8_t *dst = out;
    uint32_t gen;
    do {
        gen = vreg_read(dev->regs, VIRTIO_MMIO_CONFIG_GENERATION);
        for (uint32_t i = 0; i < len; i++)
            dst[i] = dev->regs[VIRTIO_MMIO_CONFIG + offset + i];
    } while (gen != vreg_read(dev->regs, VIRTIO_MMIO_CONFIG_GENERATION));
}

void virtio_config_write32(struct virtio_dev *dev, uint32_t offset, uint32_t value)
{
    vreg_write(dev->regs, VIRTIO_MMIO_CONFIG + offset, value);
}

void virtio_print_devices(void)
{
    for (int i = ndevices - 1; i >= 0; i--) {
        struct virtio_dev *d = &devices[i];
        kprintf("virtio %-6s at %lx irq %u%s, %lu interrupts\n", device_name(d->device_id),
                d->base_pa, d->irq, d->claimed ? ", driver attached" : "", d->interrupts);
    }
}
