/*
 * gfx/psf2.c — PSF2 parsing, code point lookup and glyph drawing (see
 * gfx/psf2.h for the format and the guarantees).
 *
 * Validation happens once, in psf2_parse(): every length is checked in
 * 64-bit arithmetic against the buffer, and the Unicode table is walked in
 * full (one 0xFF-terminated entry per glyph, well-formed UTF-8 only), so the
 * later lookups can walk it without bounds surprises.
 */
#include "gfx/psf2.h"

#include "kernel/abi/errno.h"
#include "kernel/lib/string.h"

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* Decode one UTF-8 code point from p[0..end). Returns the number of bytes
 * used, or 0 if the bytes are not a well-formed, shortest-form scalar value
 * (0xFE and 0xFF, the table's separators, are never valid UTF-8). */
static size_t utf8_decode(const uint8_t *p, const uint8_t *end, uint32_t *cp)
{
    uint8_t b = p[0];
    size_t n;
    uint32_t v, min;
    if (b < 0x80) {
        *cp = b;
        return 1;
    } else if (b >= 0xc2 && b <= 0xdf) {
        n = 2, v = b & 0x1f, min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
        n = 3, v = b & 0x0f, min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
        n = 4, v = b & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        v = v << 6 | (p[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return n;
}

/* Walk the Unicode table: check it (glyph_count entries, valid UTF-8 and
 * sequences), and fill low_map. Returns 0 or -EINVAL. */
static int scan_unicode(struct psf2_font *font)
{
    const uint8_t *p = font->unicode, *end = font->unicode + font->unicode_len;
    for (uint32_t glyph = 0; glyph < font->glyph_count; glyph++) {
        bool in_sequence = false; /* after 0xFE: not a single-code-point map */
        for (;;) {
            if (p >= end)
                return -EINVAL; /* entry not terminated */
            if (*p == 0xff) {
                p++;
                break;
            }
            if (*p == 0xfe) {
                in_sequence = true;
                p++;
                continue;
            }
            uint32_t cp;
            size_t n = utf8_decode(p, end, &cp);
            if (n == 0)
                return -EINVAL;
            p += n;
            if (!in_sequence && cp < 256 && font->low_map[cp] == PSF2_NO_GLYPH)
                font->low_map[cp] = (uint16_t)glyph;
            uint32_t fast = cp - PSF2_FAST_FIRST;
            if (!in_sequence && cp >= PSF2_FAST_FIRST && fast < PSF2_FAST_COUNT &&
                font->fast_map[fast] == PSF2_NO_GLYPH)
                font->fast_map[fast] = (uint16_t)glyph;
        }
    }
    /* Bytes after the last entry are tolerated (padding) but not used. */
    font->unicode_len = (size_t)(p - font->unicode);
    return 0;
}

/* Look a code point >= 256 up in the table (the first glyph listing it). */
static uint32_t lookup_table(const struct psf2_font *font, uint32_t want)
{
    const uint8_t *p = font->unicode, *end = font->unicode + font->unicode_len;
    uint32_t glyph = 0;
    bool in_sequence = false;
    while (p < end) {
        if (*p == 0xff) {
            glyph++, p++, in_sequence = false;
            continue;
        }
        if (*p == 0xfe) {
            in_sequence = true, p++;
            continue;
        }
        uint32_t cp = 0;
        size_t n = utf8_decode(p, end, &cp);
        if (n == 0)
            break; /* cannot happen: validated in scan_unicode */
        if (!in_sequence && cp == want)
            return glyph;
        p += n;
    }
    return PSF2_NO_GLYPH;
}

static uint32_t lookup(const struct psf2_font *font, uint32_t cp)
{
    if (!font->unicode)
        return cp < font->glyph_count ? cp : PSF2_NO_GLYPH;
    if (cp < 256)
        return font->low_map[cp];
    if (cp >= PSF2_FAST_FIRST && cp - PSF2_FAST_FIRST < PSF2_FAST_COUNT)
        return font->fast_map[cp - PSF2_FAST_FIRST];
    return lookup_table(font, cp);
}

int psf2_parse(struct psf2_font *font, const void *data, size_t len)
{
    const uint8_t *bytes = data;
    memset(font, 0, sizeof *font);
    if (!bytes || len < PSF2_HEADER_SIZE)
        return -EINVAL;
    uint32_t magic = get_le32(bytes), version = get_le32(bytes + 4);
    uint32_t header_size = get_le32(bytes + 8), flags = get_le32(bytes + 12);
    uint32_t count = get_le32(bytes + 16), charsize = get_le32(bytes + 20);
    uint32_t height = get_le32(bytes + 24), width = get_le32(bytes + 28);

    if (magic != PSF2_MAGIC || version != 0)
        return -EINVAL;
    if (header_size < PSF2_HEADER_SIZE || header_size > len)
        return -EINVAL;
    if (flags & ~PSF2_FLAG_UNICODE)
        return -EINVAL;
    if (count == 0 || width == 0 || height == 0)
        return -EINVAL;
    uint64_t row_bytes = ((uint64_t)width + 7) / 8;
    if ((uint64_t)charsize != row_bytes * height)
        return -EINVAL;
    uint64_t glyph_bytes = (uint64_t)count * charsize;
    if (glyph_bytes > (uint64_t)(len - header_size))
        return -EINVAL; /* truncated (and no overflow: 32x32-bit product) */
    if (width > PSF2_MAX_WIDTH || height > PSF2_MAX_HEIGHT ||
        count > PSF2_MAX_GLYPHS)
        return -EOPNOTSUPP;

    font->glyphs = bytes + header_size;
    font->glyph_count = count;
    font->bytes_per_glyph = charsize;
    font->width = width;
    font->height = height;
    font->row_bytes = (uint32_t)row_bytes;
    for (size_t i = 0; i < 256; i++)
        font->low_map[i] = PSF2_NO_GLYPH;
    for (size_t i = 0; i < PSF2_FAST_COUNT; i++)
        font->fast_map[i] = PSF2_NO_GLYPH;
    if (flags & PSF2_FLAG_UNICODE) {
        font->unicode = font->glyphs + glyph_bytes;
        font->unicode_len = len - header_size - (size_t)glyph_bytes;
        if (scan_unicode(font) != 0) {
            memset(font, 0, sizeof *font);
            return -EINVAL;
        }
    }
    uint32_t fallback = lookup(font, 0xfffd);
    if (fallback == PSF2_NO_GLYPH)
        fallback = lookup(font, '?');
    font->fallback = fallback == PSF2_NO_GLYPH ? 0 : fallback;
    return 0;
}

uint32_t psf2_glyph_index(const struct psf2_font *font, uint32_t codepoint)
{
    uint32_t g = lookup(font, codepoint);
    return g == PSF2_NO_GLYPH ? font->fallback : g;
}

const uint8_t *psf2_glyph_bits(const struct psf2_font *font, uint32_t index)
{
    if (index >= font->glyph_count)
        index = font->fallback;
    return font->glyphs + (size_t)index * font->bytes_per_glyph;
}

void psf2_draw_glyph(struct fb *fb, const struct psf2_font *font,
                     uint32_t index, int32_t x, int32_t y, uint32_t fg,
                     uint32_t bg, bool bold)
{
    const uint8_t *bits = psf2_glyph_bits(font, index);
    if (!bold) {
        fb_blit_mono(fb, x, y, bits, (int32_t)font->width,
                     (int32_t)font->height, font->row_bytes, 1, fg, bg);
        return;
    }
    /* Emboldened copy: each row ORed with itself one pixel to the right;
     * the bit shifted past the glyph width is masked off so bold never
     * bleeds into the neighbouring cell. */
    uint8_t thick[PSF2_MAX_WIDTH / 8 * PSF2_MAX_HEIGHT];
    uint32_t rb = font->row_bytes;
    uint8_t last_mask = (uint8_t)(0xff00u >> (font->width - (rb - 1) * 8));
    for (uint32_t r = 0; r < font->height; r++) {
        const uint8_t *in = bits + r * rb;
        uint8_t *out = thick + r * rb;
        uint8_t carry = 0;
        for (uint32_t i = 0; i < rb; i++) {
            out[i] = (uint8_t)(in[i] | in[i] >> 1 | carry);
            carry = (uint8_t)(in[i] << 7);
        }
        out[rb - 1] &= last_mask;
    }
    fb_blit_mono(fb, x, y, thick, (int32_t)font->width, (int32_t)font->height,
                 rb, 1, fg, bg);
}

void psf2_draw_char(struct fb *fb, const struct psf2_font *font,
                    uint32_t codepoint, int32_t x, int32_t y, uint32_t fg,
                    uint32_t bg, bool bold)
{
    psf2_draw_glyph(fb, font, psf2_glyph_index(font, codepoint), x, y, fg, bg,
                    bold);
}
