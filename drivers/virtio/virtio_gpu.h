/*
 * drivers/virtio/virtio_gpu.h — the virtio-gpu 2D driver (device id 16):
 * one scanout showing one host resource backed by one physically contiguous
 * framebuffer in guest RAM.
 *
 * virtio_gpu_init() runs the setup sequence synchronously (process context,
 * interrupts on): GET_DISPLAY_INFO (scanout 0's size), RESOURCE_CREATE_2D in
 * B8G8R8X8, RESOURCE_ATTACH_BACKING with the framebuffer (kpages, owner
 * PAGE_OWNER_GFX, so one backing entry), SET_SCANOUT. Every response is
 * checked; an error response is logged by name and setup fails.
 *
 * Presenting (TRANSFER_TO_HOST_2D + RESOURCE_FLUSH of a rectangle) is
 * asynchronous with at most one present in flight:
 *   virtio_gpu_present(rect)       adds rect to the pending damage and, if
 *                                  nothing is in flight, submits it. Never
 *                                  waits: safe with interrupts off and from
 *                                  interrupt handlers (kernel log output).
 *   virtio_gpu_present_wait(rect)  the same, then sleeps until a present
 *                                  that covers rect has completed. Process
 *                                  context only (fb0 ioctl, benchmarks).
 * When a present completes (interrupt), pending damage that arrived
 * meanwhile is submitted as the next one, so changes coalesce instead of
 * queueing. Callers that run with interrupts off for long stretches still
 * make progress: virtio_gpu_present() first reaps finished work from the
 * used ring itself.
 */
#ifndef DRIVERS_VIRTIO_VIRTIO_GPU_H
#define DRIVERS_VIRTIO_VIRTIO_GPU_H

#include <stdbool.h>
#include <stdint.h>

struct gpu_rect {
    uint32_t x, y, w, h;
};

struct gpu_framebuffer {
    void *pixels;           /* kernel virtual address (direct map) */
    uint64_t pa;            /* physical address, for mmap */
    uint32_t width, height; /* pixels */
    uint32_t stride;        /* bytes per row = width * 4 */
    uint32_t format;        /* VIRTIO_GPU_FORMAT_B8G8R8X8 */
    uint64_t size;          /* bytes, a multiple of the page size */
};

#define VIRTIO_GPU_FORMAT_B8G8R8X8 2

struct virtio_gpu_stats {
    uint64_t presents;          /* transfer+flush pairs submitted */
    uint64_t presents_done;     /* ... and completed */
    uint64_t pixels_transferred;
    uint64_t errors;            /* error responses seen */
};

/* 0, -ENODEV (no gpu), -EIO / -ENOMEM after a message. */
int virtio_gpu_init(void);
bool virtio_gpu_ready(void);
/* The framebuffer; only valid after a successful init. */
const struct gpu_framebuffer *virtio_gpu_framebuffer(void);

/* Rectangles are clipped to the framebuffer; empty ones are ignored. */
void virtio_gpu_present(const struct gpu_rect *r);
/* 0, or -EIO when the device answered the present with an error. */
int virtio_gpu_present_wait(const struct gpu_rect *r);
/* Sleep until every present submitted or pending has completed (process
 * context): afterwards the host shows exactly the framebuffer's state as of
 * the last present. */
void virtio_gpu_sync(void);

void virtio_gpu_get_stats(struct virtio_gpu_stats *out);

#endif
