/*
 * gfx/fb.h — a linear 32-bpp framebuffer and the drawing primitives on it.
 *
 * Pixel format: B8G8R8X8, i.e. each pixel is a little-endian uint32_t
 * 0x00RRGGBB (virtio-gpu's VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM). The top byte is
 * never looked at by the device; FB_TRANSPARENT uses it as a "do not paint"
 * marker for the background of 1-bit blits.
 *
 * Invariants: every drawing function clips to [0,width) x [0,height), so no
 * call writes outside the pixel buffer whatever its arguments (negative or
 * huge coordinates included). Every function that changes pixels adds the
 * clipped rectangle it touched to fb->damage; the driver calls
 * fb_damage_take() to learn the union of changes since the previous take and
 * transfers/flushes only that rectangle.
 *
 * The struct does not own the pixels: the caller allocates them (stride is
 * in bytes, a multiple of 4, at least width * 4). Pure module: no allocation,
 * no locking (the caller serializes access).
 */
#ifndef GFX_FB_H
#define GFX_FB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FB_TRANSPARENT 0xff000000u /* as a background colour: leave pixels */

struct fb_rect {
    int32_t x, y, w, h; /* w == 0 or h == 0: empty */
};

struct fb {
    uint8_t *pixels;        /* pixel (x, y) at pixels + y*stride + x*4 */
    uint32_t width, height; /* in pixels */
    uint32_t stride;        /* bytes from one row to the next */
    struct fb_rect damage;  /* union of changes since the last take */
};

/* Describe a buffer; returns 0, or -EINVAL if stride < width*4 or is not a
 * multiple of 4, or a dimension is 0 or above 65535. Damage starts empty. */
int fb_init(struct fb *fb, void *pixels, uint32_t width, uint32_t height,
            uint32_t stride);

static inline uint32_t *fb_row(const struct fb *fb, uint32_t y)
{
    return (uint32_t *)(void *)(fb->pixels + (size_t)y * fb->stride);
}

/* Pixel value at (x, y), 0 when outside. */
uint32_t fb_get_pixel(const struct fb *fb, int32_t x, int32_t y);

void fb_fill_rect(struct fb *fb, int32_t x, int32_t y, int32_t w, int32_t h,
                  uint32_t color);

/* Copy a w x h 32-bpp image (rows src_stride bytes apart) to (x, y). */
void fb_blit32(struct fb *fb, int32_t x, int32_t y, const uint32_t *src,
               int32_t w, int32_t h, size_t src_stride);

/* Move the w x h rectangle at (src_x, src_y) to (dst_x, dst_y); the two may
 * overlap (scrolling). Pixels whose source or destination lies outside the
 * framebuffer are not copied. Full-width moves are one memmove. */
void fb_copy_rect(struct fb *fb, int32_t dst_x, int32_t dst_y, int32_t src_x,
                  int32_t src_y, int32_t w, int32_t h);

/* Draw a w x h 1-bit image (rows src_pitch bytes apart, MSB = leftmost
 * pixel) magnified scale times in each direction at (x, y): set bits in fg,
 * clear bits in bg (or untouched if bg == FB_TRANSPARENT). scale < 1 draws
 * nothing. */
void fb_blit_mono(struct fb *fb, int32_t x, int32_t y, const uint8_t *bits,
                  int32_t w, int32_t h, size_t src_pitch, int32_t scale,
                  uint32_t fg, uint32_t bg);

/* Draw a w x h 8-bit gray image (gray g becomes 0x00gggggg), magnified. */
void fb_blit_gray8(struct fb *fb, int32_t x, int32_t y, const uint8_t *gray,
                   int32_t w, int32_t h, size_t src_pitch, int32_t scale);

/* Add a rectangle (clipped) to the damage; drawing calls do this itself. */
void fb_damage_add(struct fb *fb, int32_t x, int32_t y, int32_t w, int32_t h);

/* Store the damage union in *out and reset it; false (and *out empty) when
 * nothing changed since the last take. */
bool fb_damage_take(struct fb *fb, struct fb_rect *out);

#endif
