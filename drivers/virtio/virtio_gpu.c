/*
 * drivers/virtio/virtio_gpu.c — see virtio_gpu.h. Structures and numbers
 * are those of virtio 1.2 §5.7 (2D subset).
 *
 * Every control command is one chain: the request (device-readable), then
 * the response (device-writable). Setup commands use one static request /
 * response pair and wait on a completion. Presents use a second static set
 * (transfer + flush and their responses); because at most one present is
 * in flight, one set is enough, and nothing here ever needs to allocate in
 * interrupt context.
 *
 * Present state (guarded by disabling interrupts; one hart drives devices):
 *   pending/pending_rect  damage not yet submitted (union of rectangles)
 *   in_flight             a transfer+flush pair is owned by the device
 *   started, finished     sequence numbers of submitted / completed pairs
 */
#include "drivers/virtio/virtio_gpu.h"

#include "drivers/display.h"
#include "drivers/virtio/virtio.h"
#include "drivers/virtio/virtio_regs.h"
#include "kernel/arch/console.h"
#include "kernel/abi/errno.h"
#include "kernel/mm/kalloc.h"
#include "kernel/task/completion.h"
#include "kernel/arch/memlayout.h"
#include "kernel/arch/riscv.h"
#include "kernel/hooks/sched.h"
#include "kernel/lib/string.h"

/* Control command types and responses (§5.7.6.7). */
#define CMD_GET_DISPLAY_INFO       0x0100
#define CMD_RESOURCE_CREATE_2D     0x0101
#define CMD_SET_SCANOUT            0x0103
#define CMD_RESOURCE_FLUSH         0x0104
#define CMD_TRANSFER_TO_HOST_2D    0x0105
#define CMD_RESOURCE_ATTACH_BACKING 0x0106
#define RESP_OK_NODATA             0x1100
#define RESP_OK_DISPLAY_INFO       0x1101
#define FORMAT_B8G8R8X8            2   /* pixel = little-endian 0x00RRGGBB */

#define MAX_SCANOUTS 16
#define RESOURCE_ID 1   /* any nonzero id: we own exactly one resource */
#define CONTROLQ 0
#define MAX_ERRORS_LOGGED 4

struct ctrl_hdr {
    uint32_t type;
    uint32_t flags;
    uint64_t fence_id;
    uint32_t ctx_id;
    uint8_t ring_idx;
    uint8_t padding[3];
};
_Static_assert(sizeof(struct ctrl_hdr) == 24, "virtio-gpu control header");

struct gpu_wire_rect {
    uint32_t x, y, width, height;
};

struct display_info_resp {
    struct ctrl_hdr hdr;
    struct {
        struct gpu_wire_rect r;
        uint32_t enabled;
        uint32_t flags;
    } pmodes[MAX_SCANOUTS];
};
_Static_assert(sizeof(struct display_info_resp) == 24 + 16 * 24, "display info");

struct resource_create_2d {
    struct ctrl_hdr hdr;
    uint32_t resource_id, format, width, height;
};

/* The attach request with its single memory entry in the same buffer. */
struct attach_backing_1 {
    struct ctrl_hdr hdr;
    uint32_t resource_id, nr_entries;
    uint64_t addr;
    uint32_t length, padding;
};
_Static_assert(sizeof(struct attach_backing_1) == 32 + 16, "attach backing");

struct set_scanout {
    struct ctrl_hdr hdr;
    struct gpu_wire_rect r;
    uint32_t scanout_id, resource_id;
};

struct transfer_to_host_2d {
    struct ctrl_hdr hdr;
    struct gpu_wire_rect r;
    uint64_t offset;
    uint32_t resource_id, padding;
};
_Static_assert(sizeof(struct transfer_to_host_2d) == 56, "transfer to host 2d");

struct resource_flush {
    struct ctrl_hdr hdr;
    struct gpu_wire_rect r;
    uint32_t resource_id, padding;
};
_Static_assert(sizeof(struct resource_flush) == 48, "resource flush");

static struct virtio_dev *dev;
static struct virtq *ctrlq;
static struct display display; /* registered once set up */
static bool ready;

/* Setup: one command at a time. */
static union {
    struct ctrl_hdr hdr;
    struct resource_create_2d create;
    struct attach_backing_1 attach;
    struct set_scanout scanout;
} setup_req;
static union {
    struct ctrl_hdr hdr;
    struct display_info_resp info;
} setup_resp;
static struct completion setup_done;

/* Presents: one pair in flight. */
static struct {
    struct transfer_to_host_2d xfer;
    struct ctrl_hdr xfer_resp;
    struct resource_flush flush;
    struct ctrl_hdr flush_resp;
} present_cmd;
static bool pending, in_flight;
static struct display_rect pending_rect;
static uint64_t started, finished;
static uint64_t last_failed;          /* sequence number of the last failed present */
static struct display_stats stats;

static const char *resp_name(uint32_t type)
{
    switch (type) {
    case 0x1100: return "OK_NODATA";
    case 0x1101: return "OK_DISPLAY_INFO";
    case 0x1200: return "ERR_UNSPEC";
    case 0x1201: return "ERR_OUT_OF_MEMORY";
    case 0x1202: return "ERR_INVALID_SCANOUT_ID";
    case 0x1203: return "ERR_INVALID_RESOURCE_ID";
    case 0x1204: return "ERR_INVALID_CONTEXT_ID";
    case 0x1205: return "ERR_INVALID_PARAMETER";
    default: return "unknown response";
    }
}

static const char *cmd_name(uint32_t type)
{
    switch (type) {
    case CMD_GET_DISPLAY_INFO: return "GET_DISPLAY_INFO";
    case CMD_RESOURCE_CREATE_2D: return "RESOURCE_CREATE_2D";
    case CMD_SET_SCANOUT: return "SET_SCANOUT";
    case CMD_RESOURCE_FLUSH: return "RESOURCE_FLUSH";
    case CMD_TRANSFER_TO_HOST_2D: return "TRANSFER_TO_HOST_2D";
    case CMD_RESOURCE_ATTACH_BACKING: return "RESOURCE_ATTACH_BACKING";
    default: return "command";
    }
}

static void submit_pending(void);

/* Interrupt context (or a poll with interrupts off). */
static void ctrl_done(struct virtq *vq, void *token, uint32_t len)
{
    KASSERT_INTR_OFF();
    (void)vq;
    (void)len;
    if (token == &setup_done) {
        completion_signal(&setup_done);
        return;
    }
    if (token != &present_cmd.flush)
        return; /* the transfer: its response is checked with the flush's */
    uint32_t xr = present_cmd.xfer_resp.type, fr = present_cmd.flush_resp.type;
    bool failed = xr != RESP_OK_NODATA || fr != RESP_OK_NODATA;
    in_flight = false;
    finished++;
    if (failed) {
        last_failed = finished;
        stats.errors++;
    }
    stats.presents_done++;
    sched_wakeup(&finished);
    submit_pending();
    /* Log last: the message goes to the screen and may present again. */
    if (failed && stats.errors <= MAX_ERRORS_LOGGED)
        klog("virtio-gpu: present failed: TRANSFER_TO_HOST_2D %s, RESOURCE_FLUSH %s%s\n",
             resp_name(xr), resp_name(fr),
             stats.errors == MAX_ERRORS_LOGGED ? " (further errors not logged)" : "");
}

static void hdr_init(struct ctrl_hdr *h, uint32_t type)
{
    memset(h, 0, sizeof *h);
    h->type = type;
}

/* One setup command, waited for. Returns 0 or -EIO (logged by name). */
static int setup_command(uint32_t req_len, uint32_t resp_len, uint32_t expect)
{
    uint32_t type = setup_req.hdr.type;
    memset(&setup_resp, 0, sizeof setup_resp);
    struct virtq_buf bufs[2] = {
        { &setup_req, req_len },
        { &setup_resp, resp_len },
    };
    completion_init(&setup_done);
    int err = virtq_submit(ctrlq, bufs, 1, 1, &setup_done);
    if (err) {
        klog("virtio-gpu: cannot submit %s (error %d)\n", cmd_name(type), err);
        return -EIO;
    }
    virtq_kick(ctrlq);
    completion_wait(&setup_done);
    if (setup_resp.hdr.type != expect) {
        klog("virtio-gpu: %s answered %s (%x)\n", cmd_name(type),
             resp_name(setup_resp.hdr.type), setup_resp.hdr.type);
        return -EIO;
    }
    return 0;
}

static void clip(struct display_rect *r)
{
    if (r->x >= display.width || r->y >= display.height) {
        r->w = r->h = 0;
        return;
    }
    if (r->w > display.width - r->x)
        r->w = display.width - r->x;
    if (r->h > display.height - r->y)
        r->h = display.height - r->y;
}

static void rect_union(struct display_rect *acc, const struct display_rect *r)
{
    uint32_t x0 = acc->x < r->x ? acc->x : r->x;
    uint32_t y0 = acc->y < r->y ? acc->y : r->y;
    uint32_t x1 = acc->x + acc->w > r->x + r->w ? acc->x + acc->w : r->x + r->w;
    uint32_t y1 = acc->y + acc->h > r->y + r->h ? acc->y + acc->h : r->y + r->h;
    *acc = (struct display_rect){ x0, y0, x1 - x0, y1 - y0 };
}

/* Interrupts off. Submits the pending damage unless a present is in flight. */
static void submit_pending(void)
{
    KASSERT_INTR_OFF();
    if (!pending || in_flight || virtq_free_count(ctrlq) < 4)
        return;
    struct display_rect r = pending_rect;
    pending = false;

    /* QEMU copies a full-width rectangle with one memcpy and anything
     * narrower row by row; when the damage is wide anyway, widen it. */
    struct display_rect t = r;
    if (t.w * 2 >= display.width) {
        t.x = 0;
        t.w = display.width;
    }
    hdr_init(&present_cmd.xfer.hdr, CMD_TRANSFER_TO_HOST_2D);
    present_cmd.xfer.r = (struct gpu_wire_rect){ t.x, t.y, t.w, t.h };
    present_cmd.xfer.offset = (uint64_t)t.y * display.stride + (uint64_t)t.x * 4;
    present_cmd.xfer.resource_id = RESOURCE_ID;
    present_cmd.xfer.padding = 0;
    hdr_init(&present_cmd.flush.hdr, CMD_RESOURCE_FLUSH);
    present_cmd.flush.r = (struct gpu_wire_rect){ r.x, r.y, r.w, r.h };
    present_cmd.flush.resource_id = RESOURCE_ID;
    present_cmd.flush.padding = 0;
    present_cmd.xfer_resp.type = 0;
    present_cmd.flush_resp.type = 0;

    struct virtq_buf xfer[2] = {
        { &present_cmd.xfer, sizeof present_cmd.xfer },
        { &present_cmd.xfer_resp, sizeof present_cmd.xfer_resp },
    };
    struct virtq_buf flush[2] = {
        { &present_cmd.flush, sizeof present_cmd.flush },
        { &present_cmd.flush_resp, sizeof present_cmd.flush_resp },
    };
    /* Four free descriptors were checked above, so neither submit fails. */
    virtq_submit(ctrlq, xfer, 1, 1, &present_cmd.xfer);
    virtq_submit(ctrlq, flush, 1, 1, &present_cmd.flush);
    in_flight = true;
    started++;
    stats.presents++;
    stats.pixels_transferred += (uint64_t)t.w * t.h;
    virtq_kick(ctrlq);
}

/* Interrupts off. Adds r to the pending damage; true if it was nonempty. */
static bool add_damage(const struct display_rect *in)
{
    KASSERT_INTR_OFF();
    struct display_rect r = *in;
    clip(&r);
    if (r.w == 0 || r.h == 0)
        return false;
    if (pending)
        rect_union(&pending_rect, &r);
    else
        pending_rect = r;
    pending = true;
    return true;
}

static void virtio_gpu_present(const struct display_rect *r)
{
    if (!ready)
        return;
    uint64_t flags = irq_save();
    if (add_damage(r)) {
        /* With interrupts off for a long time (a burst of log output, a
         * panic) the completion interrupt cannot run: reap it here. */
        if (in_flight)
            virtq_process_used(ctrlq);
        submit_pending();
    }
    irq_restore(flags);
}

static int virtio_gpu_present_wait(const struct display_rect *r)
{
    if (!ready)
        return -ENODEV;
    uint64_t flags = irq_save();
    if (!add_damage(r)) {
        irq_restore(flags);
        return 0;
    }
    /* The damage goes out with the next pair submitted: now if the device
     * is idle, else when the one in flight completes. */
    uint64_t target = started + 1;
    submit_pending();
    while (finished < target)
        sched_sleep(&finished);
    int err = last_failed >= target ? -EIO : 0;
    irq_restore(flags);
    return err;
}

static void virtio_gpu_sync(void)
{
    if (!ready)
        return;
    uint64_t flags = irq_save();
    while (pending || in_flight) {
        submit_pending();
        sched_sleep(&finished);
    }
    irq_restore(flags);
}

static void virtio_gpu_get_stats(struct display_stats *out)
{
    uint64_t flags = irq_save();
    *out = stats;
    irq_restore(flags);
}

static int virtio_gpu_probe(struct virtio_dev *d)
{
    dev = d;
    /* No optional features: 2D needs none (no VIRGL, EDID, blobs). */
    if (virtio_negotiate(dev, 0) < 0)
        return -EIO;
    ctrlq = virtq_create(dev, CONTROLQ, 64, ctrl_done);
    if (!ctrlq || virtio_driver_ok(dev) < 0)
        return -EIO;

    hdr_init(&setup_req.hdr, CMD_GET_DISPLAY_INFO);
    if (setup_command(sizeof setup_req.hdr, sizeof setup_resp.info, RESP_OK_DISPLAY_INFO) < 0)
        goto fail;
    uint32_t width = setup_resp.info.pmodes[0].r.width;
    uint32_t height = setup_resp.info.pmodes[0].r.height;
    if (!setup_resp.info.pmodes[0].enabled || width == 0 || height == 0) {
        klog("virtio-gpu: scanout 0 is not enabled; using 1280x720\n");
        width = 1280;
        height = 720;
    }

    uint64_t bytes = (uint64_t)width * height * 4;
    size_t npages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
    void *pixels = kpages_alloc(npages, 1, PAGE_OWNER_GFX);
    if (!pixels) {
        klog("virtio-gpu: no %lu contiguous pages for a %ux%u framebuffer\n", npages, width,
             height);
        virtio_fail(dev, "out of memory for the framebuffer");
        return -ENOMEM;
    }
    display = (struct display){
        .name = "virtio-gpu",
        .pixels = pixels,
        .pa = kva_to_pa(pixels),
        .width = width,
        .height = height,
        .stride = width * 4,
        .size = npages * PAGE_SIZE,
        .present = virtio_gpu_present,
        .present_wait = virtio_gpu_present_wait,
        .sync = virtio_gpu_sync,
        .get_stats = virtio_gpu_get_stats,
    };

    hdr_init(&setup_req.hdr, CMD_RESOURCE_CREATE_2D);
    setup_req.create.resource_id = RESOURCE_ID;
    setup_req.create.format = FORMAT_B8G8R8X8;
    setup_req.create.width = width;
    setup_req.create.height = height;
    if (setup_command(sizeof setup_req.create, sizeof setup_resp.hdr, RESP_OK_NODATA) < 0)
        goto fail;

    hdr_init(&setup_req.hdr, CMD_RESOURCE_ATTACH_BACKING);
    setup_req.attach.resource_id = RESOURCE_ID;
    setup_req.attach.nr_entries = 1;
    setup_req.attach.addr = display.pa;
    setup_req.attach.length = (uint32_t)bytes;
    setup_req.attach.padding = 0;
    if (setup_command(sizeof setup_req.attach, sizeof setup_resp.hdr, RESP_OK_NODATA) < 0)
        goto fail;

    hdr_init(&setup_req.hdr, CMD_SET_SCANOUT);
    setup_req.scanout.r = (struct gpu_wire_rect){ 0, 0, width, height };
    setup_req.scanout.scanout_id = 0;
    setup_req.scanout.resource_id = RESOURCE_ID;
    if (setup_command(sizeof setup_req.scanout, sizeof setup_resp.hdr, RESP_OK_NODATA) < 0)
        goto fail;

    ready = true;
    klog("virtio-gpu: scanout 0 %ux%u, B8G8R8X8 framebuffer at %lx (%lu KiB)\n", width,
         height, display.pa, display.size / 1024);
    return display_register(&display);

fail:
    /* The device may still reference the framebuffer: keep the pages. */
    virtio_fail(dev, "setup command failed");
    return -EIO;
}

const struct virtio_driver virtio_gpu_driver = { "virtio-gpu", VIRTIO_ID_GPU, virtio_gpu_probe };
