/*
 * gfx/font_default.h — the built-in console font: a PSF2 image (8x16, with a
 * Unicode table) generated at build time by tools/mkfont.py from Debian's
 * console-setup-linux font Uni2-VGA16 into build/gen/font_default.c (see
 * gfx/gfx.mk). Parse it with psf2_parse(&font, font_default_psf,
 * font_default_psf_len).
 */
#ifndef GFX_FONT_DEFAULT_H
#define GFX_FONT_DEFAULT_H

#include <stddef.h>
#include <stdint.h>

extern const uint8_t font_default_psf[];
extern const size_t font_default_psf_len;

#endif
