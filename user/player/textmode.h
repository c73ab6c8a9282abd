/*
 * user/player/textmode.h — the text renderer of `player --text`: turns a
 * decoded frame (one gray byte per pixel) into the bytes that make a
 * VT100/xterm-compatible terminal show it as text cells, sending only the
 * cells that changed. Pure: no system calls, the same source runs in the
 * player and in the host unit tests (tests/unit/test_textmode.c).
 *
 *   text_init(&r, glyphs, shades, term_cols, term_rows, w, h)  layout, grids
 *   text_start(&r, out)       hide cursor, colours, clear: before frame 1
 *   text_frame(&r, cur, &damage, out)   one frame, in ?2026h ... ?2026l
 *   text_end(&r, out)         restore the terminal, cursor below picture
 *   text_free(&r)
 * `out` must hold text_out_max(&r) bytes; each call returns the length.
 *
 * The mapping (docs/player.md "Text mode" is the long form):
 *  - A cell is gx x gy subpixels (half blocks 1x2, braille 2x4, ASCII 1x2);
 *    cells are taken to be twice as tall as wide, so subpixels are square.
 *    The picture is the largest whole-cell rectangle of the clip's aspect
 *    ratio that fits the terminal less its last row, centred.
 *  - Subpixel (X, Y) of the PW x PH grid is the truncated mean of source
 *    box [X*w/PW, max(that+1, (X+1)*w/PW)) x (the same in y); it is lit
 *    when the mean is >= 128.
 *  - half: ' ' ▀ ▄ █ by which of top/bottom is lit; for gray clips every
 *    cell is ▀ with the top's shade as foreground and the bottom's as
 *    background (4 shades: SGR 30/90/37/97 and 40/100/47/107).
 *    braille: U+2800 + the lit dots (' ' for none). ascii: " .:-=+*#%@"
 *    indexed by the mean of the two subpixels.
 *
 * Invariants: `shown` is what the terminal displays in the picture area
 * (given it received every byte returned so far); text_frame makes it
 * equal to the frame's cells. Output never exceeds text_out_max.
 */
#ifndef USER_PLAYER_TEXTMODE_H
#define USER_PLAYER_TEXTMODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "user/player/bav.h"

enum text_glyphs { TEXT_HALF, TEXT_BRAILLE, TEXT_ASCII };

struct text_cell {
    uint32_t ch;                  /* Unicode code point */
    uint8_t fg, bg;               /* SGR colour codes (30..107) */
};

struct text_renderer {
    enum text_glyphs glyphs;
    bool shades;                  /* half blocks in colour (gray clips) */
    uint32_t w, h;                /* source frame */
    uint32_t term_cols, term_rows;
    uint32_t gx, gy;              /* subpixels per cell */
    uint32_t pw, ph;              /* subpixel grid */
    uint32_t cols, rows;          /* picture size in cells */
    uint32_t x0, y0;              /* picture's top-left cell, 0-based */
    uint32_t *box_x, *box_y;      /* subpixel X covers source columns
                                     [box_x[2X], box_x[2X+1]) (text_box);
                                     rows likewise */
    uint8_t *sub;                 /* pw x ph subpixel means */
    bool computed;                /* sub holds a whole frame (after frame 1) */
    struct text_cell *shown;      /* cols x rows */
    /* The terminal's cursor and colours as far as we know. */
    bool cursor_known;
    uint32_t cursor_row, cursor_col;
    uint8_t fg, bg;
};

/* The glyph set named "half", "braille" or "ascii"; -1 otherwise. */
int text_glyphs_parse(const char *name);
const char *text_glyphs_name(enum text_glyphs g);

/* 0, -1 when the terminal cannot hold one cell of picture, -2 when out of
 * memory. `shades` asks for coloured half blocks (clips with > 2 levels). */
int text_init(struct text_renderer *r, enum text_glyphs glyphs, bool shades,
              uint32_t term_cols, uint32_t term_rows, uint32_t w, uint32_t h);
void text_free(struct text_renderer *r);

size_t text_out_max(const struct text_renderer *r);
size_t text_start(struct text_renderer *r, char *out);
/* Renders frame `cur` (w*h bytes). Only source pixels inside `damage` may
 * have changed since the previous call (NULL: anything may have). */
size_t text_frame(struct text_renderer *r, const uint8_t *cur,
                  const struct bav_rect *damage, char *out);
size_t text_end(struct text_renderer *r, char *out);

/* The source box of subpixel column X (rows: the same with h, ph). */
void text_box(uint32_t X, uint32_t src, uint32_t sub, uint32_t *lo, uint32_t *hi);
/* The cell the glyph set makes of subpixel means (gx*gy of them, row-major
 * within the cell: s[j*gx+i]); for tests and the renderer alike. */
struct text_cell text_cell_of(enum text_glyphs g, bool shades, const uint8_t *s);
/* UTF-8 of cp into out (1..4 bytes); returns the length. */
size_t text_utf8(uint32_t cp, char *out);

#endif
