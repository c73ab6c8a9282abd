/*
 * tests/unit/test_fb.c — gfx/fb.c against naive per-pixel references.
 *
 * Each drawing call runs on a framebuffer with stride padding, allocated to
 * its exact size (ASan catches any write outside), and the same operation
 * is done pixel by pixel on a copy with the obvious "if inside, set"
 * loop. The two must be identical, padding included, for random rectangles
 * that hang over every edge, and the damage must cover every changed pixel.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "gfx/fb.h"

#define W 37
#define H 23
#define STRIDE (W * 4 + 12) /* padding that must stay untouched */

static uint32_t rnd(void)
{
    return (uint32_t)check_rng();
}
static int32_t rnd_range(int32_t lo, int32_t hi) /* inclusive */
{
    return lo + (int32_t)(rnd() % (uint32_t)(hi - lo + 1));
}

static uint8_t *new_buffer(void)
{
    uint8_t *p = malloc(STRIDE * H);
    for (size_t i = 0; i < STRIDE * H; i++)
        p[i] = (uint8_t)rnd();
    return p;
}

static uint32_t *ref_px(uint8_t *buf, int32_t x, int32_t y)
{
    return (uint32_t *)(void *)(buf + (size_t)y * STRIDE + (size_t)x * 4);
}

static bool inside(int64_t x, int64_t y)
{
    return x >= 0 && y >= 0 && x < W && y < H;
}

/* Compare, and check damage covers every differing pixel of before->after. */
static int compare(const uint8_t *got, const uint8_t *want)
{
    return memcmp(got, want, STRIDE * H) == 0;
}

static void check_damage(const uint8_t *before, const uint8_t *after,
                         const struct fb_rect *d)
{
    for (int32_t y = 0; y < H; y++)
        for (int32_t x = 0; x < W; x++) {
            size_t off = (size_t)y * STRIDE + (size_t)x * 4;
            if (memcmp(before + off, after + off, 4) != 0) {
                bool in = x >= d->x && x < d->x + d->w && y >= d->y &&
                          y < d->y + d->h;
                CHECK(in);
                if (!in)
                    return;
            }
        }
    CHECK(d->x >= 0 && d->y >= 0 && d->x + d->w <= W && d->y + d->h <= H);
}

struct setup {
    uint8_t *buf, *ref, *before;
    struct fb fb;
};

static void setup(struct setup *s)
{
    s->buf = new_buffer();
    s->ref = malloc(STRIDE * H);
    s->before = malloc(STRIDE * H);
    memcpy(s->ref, s->buf, STRIDE * H);
    memcpy(s->before, s->buf, STRIDE * H);
    CHECK_EQ(fb_init(&s->fb, s->buf, W, H, STRIDE), 0);
}

static void finish(struct setup *s)
{
    CHECK(compare(s->buf, s->ref));
    struct fb_rect d;
    fb_damage_take(&s->fb, &d);
    check_damage(s->before, s->buf, &d);
    free(s->buf);
    free(s->ref);
    free(s->before);
}

TEST(init_rejects_bad_geometry)
{
    uint32_t px[16];
    struct fb fb;
    CHECK_EQ(fb_init(&fb, px, 4, 4, 15), -EINVAL);
    CHECK_EQ(fb_init(&fb, px, 4, 4, 12), -EINVAL);
    CHECK_EQ(fb_init(&fb, px, 0, 4, 16), -EINVAL);
    CHECK_EQ(fb_init(&fb, NULL, 4, 4, 16), -EINVAL);
    CHECK_EQ(fb_init(&fb, px, 4, 4, 16), 0);
}

TEST(fill_rect_matches_reference)
{
    for (int iter = 0; iter < 400; iter++) {
        struct setup s;
        setup(&s);
        int32_t x = rnd_range(-50, 60), y = rnd_range(-40, 40);
        int32_t w = rnd_range(-5, 80), h = rnd_range(-5, 60);
        uint32_t c = rnd() & 0xffffff;
        fb_fill_rect(&s.fb, x, y, w, h, c);
        for (int64_t j = 0; j < h; j++)
            for (int64_t i = 0; i < w; i++)
                if (inside(x + i, y + j))
                    *ref_px(s.ref, (int32_t)(x + i), (int32_t)(y + j)) = c;
        finish(&s);
    }
}

TEST(fill_rect_extreme_coordinates)
{
    struct setup s;
    setup(&s);
    fb_fill_rect(&s.fb, INT32_MAX, INT32_MAX, INT32_MAX, INT32_MAX, 1);
    fb_fill_rect(&s.fb, INT32_MIN, INT32_MIN, INT32_MAX, INT32_MAX, 2);
    fb_fill_rect(&s.fb, INT32_MAX - 1, 0, INT32_MAX, 5, 3);
    fb_copy_rect(&s.fb, INT32_MIN, 0, INT32_MAX, 0, INT32_MAX, INT32_MAX);
    fb_blit_mono(&s.fb, INT32_MIN, INT32_MIN, (const uint8_t *)"x", 1, 1, 1,
                 INT32_MAX, 4, 5);
    finish(&s); /* nothing changed and nothing crashed */
}

TEST(blit32_matches_reference)
{
    for (int iter = 0; iter < 300; iter++) {
        struct setup s;
        setup(&s);
        int32_t w = rnd_range(1, 50), h = rnd_range(1, 30);
        size_t sstride = (size_t)w * 4 + (size_t)rnd_range(0, 3) * 4;
        uint32_t *src = malloc(sstride * (size_t)h);
        for (size_t i = 0; i < sstride * (size_t)h / 4; i++)
            src[i] = rnd() & 0xffffff;
        int32_t x = rnd_range(-55, 40), y = rnd_range(-35, 25);
        fb_blit32(&s.fb, x, y, src, w, h, sstride);
        for (int32_t j = 0; j < h; j++)
            for (int32_t i = 0; i < w; i++)
                if (inside((int64_t)x + i, (int64_t)y + j))
                    *ref_px(s.ref, x + i, y + j) =
                        src[(size_t)j * sstride / 4 + (size_t)i];
        free(src);
        finish(&s);
    }
}

TEST(copy_rect_matches_reference_with_overlap)
{
    for (int iter = 0; iter < 600; iter++) {
        struct setup s;
        setup(&s);
        int32_t w = rnd_range(0, 45), h = rnd_range(0, 30);
        int32_t sx = rnd_range(-10, 40), sy = rnd_range(-10, 25);
        int32_t dx = rnd_range(-10, 40), dy = rnd_range(-10, 25);
        if (iter % 4 == 0) { /* the scroll case: full width, rows up */
            sx = dx = 0, w = W;
            sy = rnd_range(1, 10), dy = 0, h = H - sy;
        }
        fb_copy_rect(&s.fb, dx, dy, sx, sy, w, h);
        for (int32_t j = 0; j < h; j++)
            for (int32_t i = 0; i < w; i++)
                if (inside(sx + i, sy + j) && inside(dx + i, dy + j))
                    *ref_px(s.ref, dx + i, dy + j) =
                        *ref_px(s.before, sx + i, sy + j);
        if (iter % 4 == 0) {
            /* a whole-row move may also move stride padding; the pixels
             * are what matters, so copy padding over before comparing */
            for (int32_t y = 0; y < H; y++)
                memcpy(s.ref + (size_t)y * STRIDE + W * 4,
                       s.buf + (size_t)y * STRIDE + W * 4, STRIDE - W * 4);
        }
        finish(&s);
    }
}

TEST(blit_mono_scaled_matches_reference)
{
    for (int iter = 0; iter < 400; iter++) {
        struct setup s;
        setup(&s);
        int32_t w = rnd_range(1, 20), h = rnd_range(1, 12);
        int32_t scale = rnd_range(1, 4);
        size_t pitch = (size_t)(w + 7) / 8 + (size_t)rnd_range(0, 2);
        uint8_t *bits = malloc(pitch * (size_t)h);
        for (size_t i = 0; i < pitch * (size_t)h; i++)
            bits[i] = (uint8_t)rnd();
        int32_t x = rnd_range(-40, 40), y = rnd_range(-30, 25);
        uint32_t fg = rnd() & 0xffffff;
        uint32_t bg = iter % 3 == 0 ? FB_TRANSPARENT : rnd() & 0xffffff;
        fb_blit_mono(&s.fb, x, y, bits, w, h, pitch, scale, fg, bg);
        for (int32_t j = 0; j < h * scale; j++)
            for (int32_t i = 0; i < w * scale; i++) {
                if (!inside(x + i, y + j))
                    continue;
                int32_t bx = i / scale, by = j / scale;
                bool on = bits[(size_t)by * pitch + (size_t)bx / 8] &
                          (0x80 >> (bx % 8));
                if (on)
                    *ref_px(s.ref, x + i, y + j) = fg;
                else if (bg != FB_TRANSPARENT)
                    *ref_px(s.ref, x + i, y + j) = bg;
            }
        free(bits);
        finish(&s);
    }
}

TEST(blit_gray8_scaled_matches_reference)
{
    for (int iter = 0; iter < 300; iter++) {
        struct setup s;
        setup(&s);
        int32_t w = rnd_range(1, 20), h = rnd_range(1, 12);
        int32_t scale = rnd_range(1, 3);
        size_t pitch = (size_t)w + (size_t)rnd_range(0, 5);
        uint8_t *gray = malloc(pitch * (size_t)h);
        for (size_t i = 0; i < pitch * (size_t)h; i++)
            gray[i] = (uint8_t)rnd();
        int32_t x = rnd_range(-40, 40), y = rnd_range(-30, 25);
        fb_blit_gray8(&s.fb, x, y, gray, w, h, pitch, scale);
        for (int32_t j = 0; j < h * scale; j++)
            for (int32_t i = 0; i < w * scale; i++) {
                if (!inside(x + i, y + j))
                    continue;
                uint32_t g = gray[(size_t)(j / scale) * pitch + (size_t)(i / scale)];
                *ref_px(s.ref, x + i, y + j) = g << 16 | g << 8 | g;
            }
        free(gray);
        finish(&s);
    }
}

TEST(scale_zero_draws_nothing)
{
    struct setup s;
    setup(&s);
    uint8_t bits[2] = {0xff, 0xff};
    fb_blit_mono(&s.fb, 0, 0, bits, 8, 2, 1, 0, 1, 2);
    fb_blit_gray8(&s.fb, 0, 0, bits, 2, 1, 2, -1);
    struct fb_rect d;
    CHECK(!fb_damage_take(&s.fb, &d));
    finish(&s);
}

TEST(damage_is_union_and_take_resets)
{
    uint32_t *px = calloc(W * H, 4);
    struct fb fb;
    fb_init(&fb, px, W, H, W * 4);
    struct fb_rect d;
    CHECK(!fb_damage_take(&fb, &d));
    CHECK_EQ(d.w, 0);
    fb_fill_rect(&fb, 2, 3, 4, 5, 1);     /* [2,6) x [3,8) */
    fb_fill_rect(&fb, 10, 1, 2, 2, 1);    /* [10,12) x [1,3) */
    fb_fill_rect(&fb, -5, 20, 7, 100, 1); /* clipped: [0,2) x [20,23) */
    CHECK(fb_damage_take(&fb, &d));
    CHECK_EQ(d.x, 0);
    CHECK_EQ(d.y, 1);
    CHECK_EQ(d.w, 12);
    CHECK_EQ(d.h, 22);
    CHECK(!fb_damage_take(&fb, &d));
    fb_fill_rect(&fb, 100, 100, 5, 5, 1); /* entirely outside: no damage */
    CHECK(!fb_damage_take(&fb, &d));
    fb_damage_add(&fb, 30, 20, 50, 50);
    CHECK(fb_damage_take(&fb, &d));
    CHECK_EQ(d.x, 30);
    CHECK_EQ(d.y, 20);
    CHECK_EQ(d.w, W - 30);
    CHECK_EQ(d.h, H - 20);
    free(px);
}

int main(void)
{
    RUN(init_rejects_bad_geometry);
    RUN(fill_rect_matches_reference);
    RUN(fill_rect_extreme_coordinates);
    RUN(blit32_matches_reference);
    RUN(copy_rect_matches_reference_with_overlap);
    RUN(blit_mono_scaled_matches_reference);
    RUN(blit_gray8_scaled_matches_reference);
    RUN(scale_zero_draws_nothing);
    RUN(damage_is_union_and_take_resets);
    return check_summary();
}
