/*
 * drivers/display.h — the display as its users see it (gfx/screen.c,
 * gfx/fbdev.c, the monitor): one framebuffer in RAM that a display driver
 * shows on the screen, and presents of the rectangles that changed.
 *
 * A display driver (drivers/virtio/virtio_gpu.c) registers the display once
 * its framebuffer is set up and shown; until then, and on a machine without
 * one, display_get() is NULL. There is at most one display, so its
 * operations take no device argument.
 *
 * The framebuffer is fixed from registration on: `pixels` (kernel address,
 * direct map) and `pa` (physical, for mmap) name the same `size` bytes, a
 * whole number of pages; `height` rows of `stride` bytes, `width` pixels
 * each; a pixel is the little-endian uint32 0x00RRGGBB (B8G8R8X8).
 *
 *   present(r)       asks for the rectangle (clipped to the framebuffer)
 *                    to reach the screen. Never waits: safe with interrupts
 *                    off and in interrupt handlers (console output).
 *   present_wait(r)  the same, then sleeps until a present covering r has
 *                    completed: 0, or -EIO when the device refused it.
 *                    Process context.
 *   sync()           sleeps until everything presented so far is on the
 *                    screen. Process context.
 *   get_stats(out)   the driver's counters, for the monitor.
 */
#ifndef DRIVERS_DISPLAY_H
#define DRIVERS_DISPLAY_H

#include <stdint.h>

struct display_rect {
    uint32_t x, y, w, h;
};

struct display_stats {
    uint64_t presents;          /* presents submitted to the device */
    uint64_t presents_done;     /* ... and completed */
    uint64_t pixels_transferred;
    uint64_t errors;            /* presents the device refused */
};

struct display {
    const char *name;           /* the driver, for messages: "virtio-gpu" */
    void *pixels;
    uint64_t pa;
    uint32_t width, height;     /* pixels */
    uint32_t stride;            /* bytes per row */
    uint64_t size;              /* bytes */
    void (*present)(const struct display_rect *r);
    int (*present_wait)(const struct display_rect *r);
    void (*sync)(void);
    void (*get_stats)(struct display_stats *out);
};

/* 0, or -EBUSY when a display is registered already. */
int display_register(const struct display *d);
/* The display, or NULL. */
const struct display *display_get(void);

#endif
