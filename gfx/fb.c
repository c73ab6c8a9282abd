/*
 * gfx/fb.c — drawing on a 32-bpp framebuffer (interface in gfx/fb.h).
 *
 * All clipping is done in 64-bit arithmetic on the half-open destination
 * box [x0,x1) x [y0,y1), so no int32 argument combination (negative, huge,
 * x + w overflowing) can produce an out-of-bounds write. Scaled blits walk
 * the clipped destination box and map each pixel back to its source pixel
 * by division, which makes clipping trivially correct for any scale.
 */
#include "gfx/fb.h"

#include "kernel/abi/errno.h"
#include "kernel/lib/string.h"

struct box {
    int64_t x0, y0, x1, y1; /* half-open, x0 < x1 and y0 < y1 when valid */
};

/* Intersect the rectangle (x, y, w, h) with the framebuffer. */
static bool clip_box(const struct fb *fb, int64_t x, int64_t y, int64_t w,
                     int64_t h, struct box *out)
{
    if (w <= 0 || h <= 0)
        return false;
    int64_t x0 = x < 0 ? 0 : x, y0 = y < 0 ? 0 : y;
    int64_t x1 = x + w, y1 = y + h;
    if (x1 > fb->width)
        x1 = fb->width;
    if (y1 > fb->height)
        y1 = fb->height;
    if (x0 >= x1 || y0 >= y1)
        return false;
    *out = (struct box){x0, y0, x1, y1};
    return true;
}

static void damage_box(struct fb *fb, const struct box *b)
{
    struct fb_rect *d = &fb->damage;
    if (d->w <= 0 || d->h <= 0) {
        *d = (struct fb_rect){(int32_t)b->x0, (int32_t)b->y0,
                              (int32_t)(b->x1 - b->x0),
                              (int32_t)(b->y1 - b->y0)};
        return;
    }
    int64_t x0 = d->x < b->x0 ? d->x : b->x0;
    int64_t y0 = d->y < b->y0 ? d->y : b->y0;
    int64_t x1 = d->x + d->w > b->x1 ? d->x + d->w : b->x1;
    int64_t y1 = d->y + d->h > b->y1 ? d->y + d->h : b->y1;
    *d = (struct fb_rect){(int32_t)x0, (int32_t)y0, (int32_t)(x1 - x0),
                          (int32_t)(y1 - y0)};
}

int fb_init(struct fb *fb, void *pixels, uint32_t width, uint32_t height,
            uint32_t stride)
{
    if (!pixels || width == 0 || height == 0 || width > 65535 ||
        height > 65535 || stride % 4 != 0 || stride < width * 4)
        return -EINVAL;
    fb->pixels = pixels;
    fb->width = width;
    fb->height = height;
    fb->stride = stride;
    fb->damage = (struct fb_rect){0, 0, 0, 0};
    return 0;
}

uint32_t fb_get_pixel(const struct fb *fb, int32_t x, int32_t y)
{
    if (x < 0 || y < 0 || (uint32_t)x >= fb->width ||
        (uint32_t)y >= fb->height)
        return 0;
    return fb_row(fb, (uint32_t)y)[x];
}

void fb_damage_add(struct fb *fb, int32_t x, int32_t y, int32_t w, int32_t h)
{
    struct box b;
    if (clip_box(fb, x, y, w, h, &b))
        damage_box(fb, &b);
}

bool fb_damage_take(struct fb *fb, struct fb_rect *out)
{
    *out = fb->damage;
    fb->damage = (struct fb_rect){0, 0, 0, 0};
    return out->w > 0 && out->h > 0;
}

void fb_fill_rect(struct fb *fb, int32_t x, int32_t y, int32_t w, int32_t h,
                  uint32_t color)
{
    struct box b;
    if (!clip_box(fb, x, y, w, h, &b))
        return;
    for (int64_t row = b.y0; row < b.y1; row++) {
        uint32_t *p = fb_row(fb, (uint32_t)row);
        for (int64_t col = b.x0; col < b.x1; col++)
            p[col] = color;
    }
    damage_box(fb, &b);
}

void fb_blit32(struct fb *fb, int32_t x, int32_t y, const uint32_t *src,
               int32_t w, int32_t h, size_t src_stride)
{
    struct box b;
    if (!src || !clip_box(fb, x, y, w, h, &b))
        return;
    size_t bytes = (size_t)(b.x1 - b.x0) * 4;
    for (int64_t row = b.y0; row < b.y1; row++) {
        const uint8_t *s = (const uint8_t *)src +
                           (size_t)(row - y) * src_stride +
                           (size_t)(b.x0 - x) * 4;
        memcpy(fb_row(fb, (uint32_t)row) + b.x0, s, bytes);
    }
    damage_box(fb, &b);
}

void fb_copy_rect(struct fb *fb, int32_t dst_x, int32_t dst_y, int32_t src_x,
                  int32_t src_y, int32_t w, int32_t h)
{
    /* Clip the source, shift the result to the destination, clip again:
     * what is left has both ends inside the framebuffer. */
    struct box s, d;
    if (!clip_box(fb, src_x, src_y, w, h, &s))
        return;
    int64_t dx = (int64_t)dst_x - src_x, dy = (int64_t)dst_y - src_y;
    if (!clip_box(fb, s.x0 + dx, s.y0 + dy, s.x1 - s.x0, s.y1 - s.y0, &d))
        return;
    int64_t sx0 = d.x0 - dx, sy0 = d.y0 - dy;
    int64_t rows = d.y1 - d.y0;
    size_t bytes = (size_t)(d.x1 - d.x0) * 4;

    if (dx == 0 && dy == 0)
        return;
    if (d.x0 == 0 && d.x1 == fb->width) {
        /* Whole rows: one move covering rows and the stride padding in
         * between (the last row only up to its width). */
        size_t len = (size_t)(rows - 1) * fb->stride + bytes;
        memmove(fb_row(fb, (uint32_t)d.y0), fb_row(fb, (uint32_t)sy0), len);
    } else if (dy <= 0) { /* moving up (or sideways): top row first */
        for (int64_t r = 0; r < rows; r++)
            memmove(fb_row(fb, (uint32_t)(d.y0 + r)) + d.x0,
                    fb_row(fb, (uint32_t)(sy0 + r)) + sx0, bytes);
    } else { /* moving down: bottom row first so sources are read intact */
        for (int64_t r = rows - 1; r >= 0; r--)
            memmove(fb_row(fb, (uint32_t)(d.y0 + r)) + d.x0,
                    fb_row(fb, (uint32_t)(sy0 + r)) + sx0, bytes);
    }
    damage_box(fb, &d);
}

void fb_blit_mono(struct fb *fb, int32_t x, int32_t y, const uint8_t *bits,
                  int32_t w, int32_t h, size_t src_pitch, int32_t scale,
                  uint32_t fg, uint32_t bg)
{
    struct box b;
    if (!bits || scale < 1 ||
        !clip_box(fb, x, y, (int64_t)w * scale, (int64_t)h * scale, &b))
        return;
    bool opaque = bg != FB_TRANSPARENT;
    for (int64_t row = b.y0; row < b.y1; row++) {
        const uint8_t *src = bits + (size_t)((row - y) / scale) * src_pitch;
        uint32_t *p = fb_row(fb, (uint32_t)row);
        if (scale == 1) { /* the glyph path: no division per pixel */
            for (int64_t col = b.x0; col < b.x1; col++) {
                size_t sx = (size_t)(col - x);
                if (src[sx >> 3] & (0x80u >> (sx & 7)))
                    p[col] = fg;
                else if (opaque)
                    p[col] = bg;
            }
            continue;
        }
        for (int64_t col = b.x0; col < b.x1; col++) {
            size_t sx = (size_t)((col - x) / scale);
            if (src[sx >> 3] & (0x80u >> (sx & 7)))
                p[col] = fg;
            else if (opaque)
                p[col] = bg;
        }
    }
    damage_box(fb, &b);
}

void fb_blit_gray8(struct fb *fb, int32_t x, int32_t y, const uint8_t *gray,
                   int32_t w, int32_t h, size_t src_pitch, int32_t scale)
{
    struct box b;
    if (!gray || scale < 1 ||
        !clip_box(fb, x, y, (int64_t)w * scale, (int64_t)h * scale, &b))
        return;
    for (int64_t row = b.y0; row < b.y1; row++) {
        const uint8_t *src = gray + (size_t)((row - y) / scale) * src_pitch;
        uint32_t *p = fb_row(fb, (uint32_t)row);
        for (int64_t col = b.x0; col < b.x1; col++) {
            uint32_t g = src[(col - x) / scale];
            p[col] = g << 16 | g << 8 | g;
        }
    }
    damage_box(fb, &b);
}
