/*
 * gfx/tty.h — the on-screen terminal: a text grid with scrollback, an
 * ANSI/VT100 subset parser, rendering to a struct fb with a PSF2 font.
 *
 * Output entry point: tty_write(tty, bytes, n) — UTF-8 text plus:
 *   \r  \n (newline: column 0 of the next line, i.e. LF acts as CR+LF)
 *   \b  \t (stops every 8 columns)  BEL ignored  CAN/SUB abort a sequence
 *   ESC 7 / ESC 8, CSI s / CSI u   save / restore cursor and attributes
 *   ESC c                          reset
 *   CSI n A/B/C/D   cursor up/down/forward/back      CSI r;c H, CSI r;c f
 *   CSI n G (column), CSI n d (row)
 *   CSI 0/1/2/3 J   erase below / above / screen / screen and scrollback
 *   CSI 0/1/2 K     erase line right / left / whole
 *   CSI ?25 h/l     show / hide the cursor
 *   CSI ... m (SGR) 0 reset, 1 bold, 22 not bold, 7/27 reverse on/off,
 *                   30-37 39 fg, 40-47 49 bg, 90-97 bright fg, 100-107
 *                   bright bg
 *   ESC ] ... (BEL | ESC \)  operating-system commands: consumed, ignored
 * Anything else (unknown finals, private modes, stray bytes) is consumed
 * without effect; parameters are clamped, so no input can break it.
 *
 * Palette (VGA text-mode RGB, index: colour):
 *   0 000000 black    1 aa0000 red      2 00aa00 green    3 aa5500 brown
 *   4 0000aa blue     5 aa00aa magenta  6 00aaaa cyan     7 aaaaaa gray
 *   8 555555 d.gray   9 ff5555 b.red   10 55ff55 b.green 11 ffff55 yellow
 *  12 5555ff b.blue  13 ff55ff b.mag.  14 55ffff b.cyan  15 ffffff white
 * Default colours: fg 7 on bg 0. Bold draws an emboldened glyph in the same
 * colour (it does not brighten). Erased cells take the current background.
 *
 * Wrapping: printing in the last column leaves the cursor there with a
 * wrap pending; the next printable character goes to the next line (so a
 * full-width line followed by \n does not leave an empty line).
 *
 * Drawing is deferred to the end of each tty_write: changed cells are
 * tracked per row, scrolling is accumulated and done as one fb_copy_rect of
 * the pixels, then only the changed cells are redrawn. Every fb call
 * records damage in the fb, which the driver takes and presents.
 *
 * Storage is the caller's: a ring of (rows + scrollback) lines of cols
 * cells; tty_cells_needed() tells how many. The screen is the newest rows
 * lines of the ring, the scrollback the lines above it. tty_scroll_view()
 * moves a view offset into the scrollback (redraws); tty_write snaps the
 * view back to the bottom. While suspended (a process owns the
 * framebuffer), the grid keeps updating but nothing is drawn;
 * tty_set_suspended(tty, false) repaints everything.
 */
#ifndef GFX_TTY_H
#define GFX_TTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gfx/fb.h"
#include "gfx/psf2.h"

#define TTY_MAX_ROWS 256
#define TTY_MAX_COLS 1024
#define TTY_MAX_PARAMS 16
#define TTY_DEFAULT_FG 7
#define TTY_DEFAULT_BG 0

#define TTY_ATTR_BOLD 0x01
#define TTY_ATTR_REVERSE 0x02

extern const uint32_t tty_palette[16];

struct tty_cell {
    uint32_t ch;     /* Unicode code point, ' ' when blank */
    uint8_t fg, bg;  /* palette indices */
    uint8_t attrs;   /* TTY_ATTR_* */
    uint8_t unused;
};

enum tty_cursor_shape { TTY_CURSOR_BLOCK, TTY_CURSOR_UNDERLINE };

struct tty {
    struct fb *fb;
    const struct psf2_font *font;
    uint32_t cols, rows;          /* screen size in cells */
    uint32_t cell_w, cell_h;      /* font size in pixels */

    struct tty_cell *ring;        /* ring_lines lines of cols cells */
    uint32_t ring_lines;          /* rows + scrollback capacity */
    uint32_t top;                 /* ring line shown at screen row 0 */
    uint32_t history;             /* valid scrollback lines above the screen */
    uint32_t view_offset;         /* lines scrolled back, 0 = live screen */

    uint32_t cur_row, cur_col;
    bool wrap_pending;
    uint8_t fg, bg, attrs;        /* current SGR state */
    struct {
        uint32_t row, col;
        uint8_t fg, bg, attrs;
    } saved;

    bool cursor_enabled;          /* CSI ?25 h/l */
    enum tty_cursor_shape cursor_shape;
    bool cursor_drawn;            /* the cursor is on screen at: */
    uint32_t cursor_row, cursor_col;
    bool suspended;

    /* Deferred drawing: per screen row, the changed column span
     * [dirty_lo, dirty_hi) (empty when lo >= hi); scroll_pending lines of
     * pixel scrolling not done yet; full_redraw overrides both. */
    uint16_t dirty_lo[TTY_MAX_ROWS], dirty_hi[TTY_MAX_ROWS];
    uint32_t scroll_pending;
    bool full_redraw;

    /* Parser state. */
    uint8_t state;
    uint32_t params[TTY_MAX_PARAMS];
    uint32_t nparams;
    bool private_marker;          /* CSI ? ... */
    bool intermediate;            /* CSI with 0x20-0x2f bytes: ignored */
    uint32_t utf8_cp, utf8_min;
    uint8_t utf8_need;
};

/* Number of cells for a terminal filling fb with font and keeping
 * scrollback_lines of history; 0 if the fb is smaller than one cell or
 * larger than TTY_MAX_ROWS x TTY_MAX_COLS cells. */
size_t tty_cells_needed(const struct fb *fb, const struct psf2_font *font,
                        uint32_t scrollback_lines);

/* Set up a blank terminal over the whole fb (cols = width / font width,
 * rows = height / font height) and paint it. Returns 0, -EINVAL (fb too
 * small or too large), or -ENOSPC (ncells < tty_cells_needed()). */
int tty_init(struct tty *tty, struct fb *fb, const struct psf2_font *font,
             struct tty_cell *cells, size_t ncells,
             uint32_t scrollback_lines);

/* Interpret and display bytes (see the sequence list above). */
void tty_write(struct tty *tty, const void *bytes, size_t n);

/* Scroll the view lines back into history (negative: forward); clamped to
 * [0, history]. Shift+PgUp/PgDn call it with +/- (rows - 1). */
void tty_scroll_view(struct tty *tty, int32_t lines);

/* Stop (true) or resume (false) drawing; resuming repaints everything. */
void tty_set_suspended(struct tty *tty, bool suspended);

/* Redraw every cell of the current view, the margins and the cursor. */
void tty_repaint(struct tty *tty);

void tty_set_cursor_shape(struct tty *tty, enum tty_cursor_shape shape);

/* The cell at screen row/col of the live screen (not the view), or of
 * history line back (1 = the line just above the screen). NULL outside. */
const struct tty_cell *tty_cell_at(const struct tty *tty, uint32_t row,
                                   uint32_t col);
const struct tty_cell *tty_history_cell(const struct tty *tty, uint32_t back,
                                        uint32_t col);

#endif
