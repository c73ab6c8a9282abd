/*
 * tests/unit/test_psf2.c — gfx/psf2.c: the real fonts parse and map
 * Latin-1; malformed fonts (every header check, overflowing sizes, every
 * truncation, broken Unicode tables, random corruption) are refused or at
 * least never read outside the buffer, which is always allocated to its
 * exact size so ASan sees any stray read; drawing matches the bitmaps.
 *
 * Data: the generated built-in font (build/gen/font_default.c, Debian's
 * Uni2-VGA16 converted to PSF2) and build/gen/font_large.psf (Debian's
 * Uni2-Terminus32x16, natively PSF2), both made by gfx/gfx.mk.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "gfx/font_default.h"
#include "gfx/psf2.h"

static uint32_t rnd(void)
{
    return (uint32_t)check_rng();
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16),
    p[3] = (uint8_t)(v >> 24);
}

/* A small valid font: 4 glyphs of 10x3 (2 bytes a row) and a Unicode
 * table mapping glyph 0 to 'A', 1 to 'e' and U+00E9 (plus a sequence),
 * 2 to U+2500, 3 to '?'. */
static size_t make_font(uint8_t *buf)
{
    put32(buf + 0, PSF2_MAGIC);
    put32(buf + 4, 0);
    put32(buf + 8, 32);
    put32(buf + 12, PSF2_FLAG_UNICODE);
    put32(buf + 16, 4);
    put32(buf + 20, 6);
    put32(buf + 24, 3);
    put32(buf + 28, 10);
    for (int i = 0; i < 24; i++)
        buf[32 + i] = (uint8_t)(0x11 * (i + 1));
    static const uint8_t table[] = {
        'A', 0xff,
        'e', 0xc3, 0xa9, 0xfe, 'e', 0xcc, 0x81, 0xff,
        0xe2, 0x94, 0x80, 0xff,
        '?', 0xff,
    };
    memcpy(buf + 56, table, sizeof table);
    return 56 + sizeof table;
}

/* Parse a copy in a buffer of exactly len bytes. */
static int parse_exact(const uint8_t *data, size_t len, struct psf2_font *f,
                       uint8_t **keep)
{
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, data, len);
    int rc = psf2_parse(f, copy, len);
    if (keep)
        *keep = copy;
    else
        free(copy);
    return rc;
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc((size_t)n);
    if (fread(p, 1, (size_t)n, f) != (size_t)n) {
        free(p);
        p = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return p;
}

TEST(builtin_font_parses_and_maps_latin1)
{
    struct psf2_font f;
    CHECK_EQ(psf2_parse(&f, font_default_psf, font_default_psf_len), 0);
    CHECK_EQ(f.width, 8);
    CHECK_EQ(f.height, 16);
    /* Uni2-VGA16's 512, plus what tools/mkfont.py draws for text mode:
     * the 29 block elements it lacks and the 256 braille patterns. */
    CHECK_EQ(f.glyph_count, 512 + 29 + 256);
    CHECK(f.unicode != NULL);
    for (uint32_t cp = 0x20; cp < 0x7f; cp++)
        CHECK(psf2_glyph_index(&f, cp) != f.fallback || cp == '?');
    for (uint32_t cp = 0xa1; cp <= 0xff; cp++)
        if (psf2_glyph_index(&f, cp) == f.fallback) {
            printf("     U+%04X unmapped\n", cp);
            CHECK(0);
        }
    /* Box drawing beyond Latin-1 goes through the table scan. */
    CHECK(psf2_glyph_index(&f, 0x2500) != f.fallback);
    CHECK(psf2_glyph_index(&f, 'A') != psf2_glyph_index(&f, 'B'));
    /* A space is blank, an 'A' is not, and they differ from 'B'. */
    const uint8_t *sp = psf2_glyph_bits(&f, psf2_glyph_index(&f, ' '));
    const uint8_t *a = psf2_glyph_bits(&f, psf2_glyph_index(&f, 'A'));
    int set = 0;
    for (int i = 0; i < 16; i++)
        set += sp[i] != 0;
    CHECK_EQ(set, 0);
    set = 0;
    for (int i = 0; i < 16; i++)
        set += a[i] != 0;
    CHECK(set > 6);
    /* Unmapped code points and out-of-range indices use the fallback. */
    CHECK_EQ(psf2_glyph_index(&f, 0x10fff0), f.fallback);
    CHECK(psf2_glyph_bits(&f, 99999) == psf2_glyph_bits(&f, f.fallback));
}

/* The glyphs player --text sends: ▀ is exactly the top half, ▄ the
 * bottom half, █ all ink, braille U+2800 + bits has a dot in each of the
 * 8 dot centres whose bit is set and none elsewhere. */
static bool ink(const struct psf2_font *f, uint32_t cp, uint32_t x, uint32_t y)
{
    const uint8_t *bits = psf2_glyph_bits(f, psf2_glyph_index(f, cp));
    return bits[y * f->row_bytes + x / 8] & (0x80 >> (x % 8));
}

TEST(builtin_font_has_text_mode_glyphs)
{
    struct psf2_font f;
    CHECK_EQ(psf2_parse(&f, font_default_psf, font_default_psf_len), 0);
    for (uint32_t y = 0; y < 16; y++)
        for (uint32_t x = 0; x < 8; x++) {
            CHECK(ink(&f, 0x2580, x, y) == (y < 8));
            CHECK(ink(&f, 0x2584, x, y) == (y >= 8));
            CHECK(ink(&f, 0x2588, x, y));
        }
    static const uint32_t dot_x[8] = { 0, 0, 0, 1, 1, 1, 0, 1 };
    static const uint32_t dot_y[8] = { 0, 1, 2, 0, 1, 2, 3, 3 };
    for (uint32_t bits = 1; bits < 256; bits++) {
        uint32_t cp = 0x2800 + bits;
        CHECK(psf2_glyph_index(&f, cp) != f.fallback);
        for (int d = 0; d < 8; d++)
            CHECK(ink(&f, cp, 8 * (2 * dot_x[d] + 1) / 4, 16 * (2 * dot_y[d] + 1) / 8) ==
                  ((bits >> d & 1) != 0));
    }
    for (uint32_t cp = 0x2580; cp < 0x25a0; cp++)
        CHECK(psf2_glyph_index(&f, cp) != f.fallback);
}

TEST(large_debian_font_parses)
{
    size_t len;
    const char *path = getenv("PSF2_LARGE_FONT"); /* for other build dirs */
    uint8_t *data = read_file(path ? path : build_file("gen/font_large.psf"), &len);
    CHECK(data != NULL);
    if (!data) {
        printf("     missing build/gen/font_large.psf (make it)\n");
        return;
    }
    struct psf2_font f;
    uint8_t *copy;
    CHECK_EQ(parse_exact(data, len, &f, &copy), 0);
    CHECK_EQ(f.width, 16);
    CHECK_EQ(f.height, 32);
    CHECK_EQ(f.row_bytes, 2);
    CHECK(psf2_glyph_index(&f, 0xe9) != f.fallback);
    free(copy);
    free(data);
}

TEST(small_font_lookup)
{
    uint8_t buf[128];
    size_t len = make_font(buf);
    struct psf2_font f;
    uint8_t *copy;
    CHECK_EQ(parse_exact(buf, len, &f, &copy), 0);
    CHECK_EQ(f.row_bytes, 2);
    CHECK_EQ(psf2_glyph_index(&f, 'A'), 0);
    CHECK_EQ(psf2_glyph_index(&f, 'e'), 1);
    CHECK_EQ(psf2_glyph_index(&f, 0xe9), 1);
    CHECK_EQ(psf2_glyph_index(&f, 0x2500), 2);
    CHECK_EQ(f.fallback, 3); /* no U+FFFD: '?' */
    CHECK_EQ(psf2_glyph_index(&f, 'Z'), 3);
    CHECK_EQ(psf2_glyph_index(&f, 0x301), 3); /* only inside a sequence */
    free(copy);

    /* Without a table, code point = glyph index. */
    put32(buf + 12, 0);
    CHECK_EQ(parse_exact(buf, 56, &f, &copy), 0);
    CHECK(f.unicode == NULL);
    CHECK_EQ(psf2_glyph_index(&f, 2), 2);
    CHECK_EQ(psf2_glyph_index(&f, 4), 0); /* beyond the font: fallback 0 */
    free(copy);
}

TEST(malformed_headers_rejected)
{
    uint8_t good[128], buf[128];
    size_t len = make_font(good);
    struct psf2_font f;
    struct {
        size_t offset;
        uint32_t value;
        int expect;
    } cases[] = {
        {0, 0x864ab573, -EINVAL},          /* magic */
        {4, 1, -EINVAL},                   /* version */
        {8, 31, -EINVAL},                  /* header too small */
        {8, 200, -EINVAL},                 /* header beyond data */
        {8, 0xffffffff, -EINVAL},
        {12, 0x2, -EINVAL},                /* unknown flag */
        {16, 0, -EINVAL},                  /* no glyphs */
        {16, 5, -EINVAL},                  /* more glyphs than data */
        {16, 0xffffffff, -EINVAL},
        {20, 5, -EINVAL},                  /* charsize != height*rowbytes */
        {20, 0xffffffff, -EINVAL},
        {24, 0, -EINVAL},                  /* height 0 */
        {28, 0, -EINVAL},                  /* width 0 */
        {28, 17, -EINVAL},                 /* 3 bytes a row: charsize wrong */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(buf, good, len);
        put32(buf + cases[i].offset, cases[i].value);
        int rc = parse_exact(buf, len, &f, NULL);
        if (rc != cases[i].expect)
            printf("     case %zu: rc %d\n", i, rc);
        CHECK_EQ(rc, cases[i].expect);
        CHECK(f.glyphs == NULL);
    }
    /* Sizes whose product overflows 32 bits and dwarfs the data. */
    memcpy(buf, good, len);
    put32(buf + 16, 0xffffffff);
    put32(buf + 24, 0x1fffffff);
    put32(buf + 28, 64);
    put32(buf + 20, 0xfffffff8);
    CHECK_EQ(parse_exact(buf, len, &f, NULL), -EINVAL);
    /* Consistent but wider than the renderer supports. */
    uint8_t wide[32 + 9 * 2];
    memset(wide, 0, sizeof wide);
    memcpy(wide, good, 32);
    put32(wide + 12, 0);
    put32(wide + 16, 1);
    put32(wide + 20, 18);
    put32(wide + 24, 2);
    put32(wide + 28, 72);
    CHECK_EQ(parse_exact(wide, sizeof wide, &f, NULL), -EOPNOTSUPP);
}

TEST(every_truncation_rejected)
{
    uint8_t good[128];
    size_t len = make_font(good);
    struct psf2_font f;
    for (size_t n = 0; n < len; n++)
        CHECK_EQ(parse_exact(good, n, &f, NULL), -EINVAL);
    CHECK_EQ(parse_exact(good, len, &f, NULL), 0);
    /* Trailing padding after the table is accepted. */
    good[len] = 0;
    CHECK_EQ(parse_exact(good, len + 1, &f, NULL), 0);
}

TEST(bad_unicode_tables_rejected)
{
    static const uint8_t bad[][6] = {
        {0xc0, 0x80, 0xff}, /* overlong NUL */
        {0xed, 0xa0, 0x80, 0xff}, /* surrogate */
        {0x80, 0xff},       /* lone continuation */
        {0xe2, 0x94, 0xff}, /* truncated sequence */
        {0xf5, 0x80, 0x80, 0x80, 0xff}, /* beyond U+10FFFF */
    };
    uint8_t good[128], buf[128];
    size_t len = make_font(good);
    struct psf2_font f;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        /* Replace the last glyph's entry ('?', 0xff) with the bad one. */
        memcpy(buf, good, len - 2);
        size_t n = 0;
        while (bad[i][n] != 0xff)
            n++;
        memcpy(buf + len - 2, bad[i], n + 1);
        CHECK_EQ(parse_exact(buf, len - 2 + n + 1, &f, NULL), -EINVAL);
    }
    /* Too few entries: the last terminator missing. */
    CHECK_EQ(parse_exact(good, len - 1, &f, NULL), -EINVAL);
}

TEST(random_corruption_never_reads_outside)
{
    uint8_t good[128], buf[128];
    size_t len = make_font(good);
    uint32_t fb_px[32 * 32];
    struct fb fb;
    fb_init(&fb, fb_px, 32, 32, 32 * 4);
    int accepted = 0;
    for (int iter = 0; iter < 20000; iter++) {
        memcpy(buf, good, len);
        int flips = 1 + (int)(rnd() % 4);
        for (int k = 0; k < flips; k++)
            buf[rnd() % len] = (uint8_t)rnd();
        size_t n = len - (rnd() % 4 == 0 ? rnd() % len : 0);
        struct psf2_font f;
        uint8_t *copy;
        if (parse_exact(buf, n, &f, &copy) == 0) {
            accepted++;
            for (int k = 0; k < 8; k++) {
                uint32_t cp = rnd() % 0x3000;
                psf2_draw_char(&fb, &f, cp, (int)(rnd() % 40) - 8,
                               (int)(rnd() % 40) - 8, 0xffffff, 0, k & 1);
            }
            psf2_glyph_index(&f, 0x10ffff);
        }
        free(copy);
    }
    CHECK(accepted > 0);
}

TEST(draw_glyph_matches_bitmap_and_bold)
{
    struct psf2_font f;
    CHECK_EQ(psf2_parse(&f, font_default_psf, font_default_psf_len), 0);
    uint32_t px[24 * 20];
    struct fb fb;
    fb_init(&fb, px, 24, 20, 24 * 4);
    for (int bold = 0; bold < 2; bold++) {
        memset(px, 0x5a, sizeof px);
        uint32_t g = psf2_glyph_index(&f, 'W');
        psf2_draw_glyph(&fb, &f, g, 3, 2, 0xff0000, 0x0000ff, bold);
        const uint8_t *bits = psf2_glyph_bits(&f, g);
        for (int y = 0; y < 20; y++)
            for (int x = 0; x < 24; x++) {
                uint32_t want = 0x5a5a5a5a;
                if (x >= 3 && x < 11 && y >= 2 && y < 18) {
                    int gx = x - 3, row = bits[y - 2];
                    bool on = row & (0x80 >> gx);
                    if (bold && gx > 0 && (row & (0x80 >> (gx - 1))))
                        on = true;
                    want = on ? 0xff0000 : 0x0000ff;
                }
                CHECK_EQ(px[y * 24 + x], want);
                if (px[y * 24 + x] != want)
                    return;
            }
    }
    /* Drawn partly off the framebuffer: clipped, no crash. */
    psf2_draw_char(&fb, &f, 'M', -4, -10, 1, 2, true);
    psf2_draw_char(&fb, &f, 'M', 20, 15, 1, 2, false);
}

int main(void)
{
    RUN(builtin_font_parses_and_maps_latin1);
    RUN(builtin_font_has_text_mode_glyphs);
    RUN(large_debian_font_parses);
    RUN(small_font_lookup);
    RUN(malformed_headers_rejected);
    RUN(every_truncation_rejected);
    RUN(bad_unicode_tables_rejected);
    RUN(random_corruption_never_reads_outside);
    RUN(draw_glyph_matches_bitmap_and_bold);
    return check_summary();
}
