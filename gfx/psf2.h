/*
 * gfx/psf2.h — PC Screen Font version 2 fonts, parsed in place from memory.
 *
 * File layout (all header fields little-endian uint32):
 *   magic 0x864ab572, version 0, headersize (offset of the glyphs, >= 32),
 *   flags (bit 0: a Unicode table follows the glyphs), length (glyph
 *   count), charsize (bytes per glyph), height, width; then length glyphs
 *   of charsize bytes, each height rows of (width+7)/8 bytes, MSB = leftmost
 *   pixel; then, with flag 0, one entry per glyph: the UTF-8 code points the
 *   glyph shows, optionally 0xFE-prefixed multi-code-point sequences, and a
 *   0xFF terminator.
 *
 * psf2_parse() checks everything before accepting a font (magic, version,
 * header size, unknown flags, charsize == height * row bytes, that glyphs
 * and the whole Unicode table lie inside the buffer, valid UTF-8), so the
 * lookup and drawing functions never read outside it. The font keeps
 * pointing into the caller's buffer, which must outlive it. No allocation:
 * code points below 256 and U+2500..28FF (PSF2_FAST_*) are mapped
 * through tables inside the struct, others by scanning the (validated)
 * Unicode table.
 */
#ifndef GFX_PSF2_H
#define GFX_PSF2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gfx/fb.h"

#define PSF2_MAGIC 0x864ab572u
#define PSF2_HEADER_SIZE 32u
#define PSF2_FLAG_UNICODE 0x1u
#define PSF2_MAX_WIDTH 64u   /* drawable limits: the bold path builds the */
#define PSF2_MAX_HEIGHT 128u /* emboldened glyph in a buffer on the stack */
#define PSF2_MAX_GLYPHS 65536u
#define PSF2_NO_GLYPH 0xffffu
/* Code points looked up through a map instead of the table walk: box
 * drawing, block elements, shapes (U+2500..25FF) and braille (U+2800..28FF),
 * which text-mode pictures send by the thousand per frame. */
#define PSF2_FAST_FIRST 0x2500u
#define PSF2_FAST_COUNT 0x400u

struct psf2_font {
    const uint8_t *glyphs;       /* glyph_count * bytes_per_glyph bytes */
    uint32_t glyph_count;
    uint32_t bytes_per_glyph;
    uint32_t width, height;      /* in pixels */
    uint32_t row_bytes;          /* (width + 7) / 8 */
    const uint8_t *unicode;      /* validated table, NULL when absent */
    size_t unicode_len;
    uint16_t low_map[256];       /* code point < 256 -> glyph, or NO_GLYPH */
    uint16_t fast_map[PSF2_FAST_COUNT];  /* PSF2_FAST_FIRST + i -> glyph */
    uint32_t fallback;           /* glyph for unmapped code points */
};

/* Parse data[0..len) into *font. Returns 0, -EINVAL for a malformed font
 * (bad magic/version/flags, inconsistent sizes, truncated glyphs or Unicode
 * table, bad UTF-8), or -EOPNOTSUPP for a valid font larger than the
 * PSF2_MAX_* limits. On error *font is left zeroed. */
int psf2_parse(struct psf2_font *font, const void *data, size_t len);

/* Glyph index for a Unicode code point: through the Unicode table when the
 * font has one, else the code point itself when below glyph_count; unmapped
 * code points get font->fallback (U+FFFD's glyph, else '?', else 0). */
uint32_t psf2_glyph_index(const struct psf2_font *font, uint32_t codepoint);

/* The bitmap of glyph index (clamped to the fallback when out of range). */
const uint8_t *psf2_glyph_bits(const struct psf2_font *font, uint32_t index);

/* Draw glyph index with its top-left corner at (x, y): set pixels in fg,
 * the rest of the cell in bg (FB_TRANSPARENT: untouched). Bold ORs each row
 * with itself shifted one pixel right, inside the glyph's cell. Clipped. */
void psf2_draw_glyph(struct fb *fb, const struct psf2_font *font,
                     uint32_t index, int32_t x, int32_t y, uint32_t fg,
                     uint32_t bg, bool bold);

/* Same, for a code point. */
void psf2_draw_char(struct fb *fb, const struct psf2_font *font,
                    uint32_t codepoint, int32_t x, int32_t y, uint32_t fg,
                    uint32_t bg, bool bold);

#endif
