/*
 * gfx/tty.c — terminal emulator (interface and supported sequences in
 * gfx/tty.h).
 *
 * Structure: tty_write() feeds bytes to a small state machine (ground,
 * ESC, CSI, OSC) that edits the cell grid and marks changed cells dirty;
 * flush() at the end of the write turns the grid changes into pixels. The
 * grid is a ring of lines so scrolling is O(cols) (advance the top, blank
 * one line) and the lines that leave the screen become scrollback for free.
 */
#include "gfx/tty.h"

#include "kernel/abi/errno.h"
#include "kernel/lib/string.h"

const uint32_t tty_palette[16] = {
    0x000000, 0xaa0000, 0x00aa00, 0xaa5500, 0x0000aa, 0xaa00aa, 0x00aaaa,
    0xaaaaaa, 0x555555, 0xff5555, 0x55ff55, 0xffff55, 0x5555ff, 0xff55ff,
    0x55ffff, 0xffffff,
};

enum { ST_GROUND, ST_ESC, ST_ESC_INTER, ST_CSI, ST_OSC, ST_OSC_ESC };

#define PARAM_MAX 9999u
#define REPLACEMENT 0xfffdu

/* ---- grid ----------------------------------------------------------------- */

static struct tty_cell *line_at(const struct tty *tty, uint32_t ring_index)
{
    return tty->ring + (size_t)(ring_index % tty->ring_lines) * tty->cols;
}

/* Screen row of the live screen. */
static struct tty_cell *screen_line(const struct tty *tty, uint32_t row)
{
    return line_at(tty, tty->top + row);
}

/* Screen row as currently viewed (view_offset lines back). */
static struct tty_cell *view_line(const struct tty *tty, uint32_t row)
{
    return line_at(tty, tty->top + tty->ring_lines - tty->view_offset + row);
}

static struct tty_cell blank_cell(const struct tty *tty)
{
    return (struct tty_cell){' ', TTY_DEFAULT_FG, tty->bg, 0, 0};
}

static void mark_dirty(struct tty *tty, uint32_t row, uint32_t c0, uint32_t c1)
{
    if (c0 >= c1)
        return;
    if (tty->dirty_lo[row] >= tty->dirty_hi[row]) {
        tty->dirty_lo[row] = (uint16_t)c0;
        tty->dirty_hi[row] = (uint16_t)c1;
        return;
    }
    if (c0 < tty->dirty_lo[row])
        tty->dirty_lo[row] = (uint16_t)c0;
    if (c1 > tty->dirty_hi[row])
        tty->dirty_hi[row] = (uint16_t)c1;
}

static void clear_dirty(struct tty *tty)
{
    memset(tty->dirty_lo, 0, sizeof tty->dirty_lo);
    memset(tty->dirty_hi, 0, sizeof tty->dirty_hi);
    tty->scroll_pending = 0;
    tty->full_redraw = false;
}

/* Blank cells [c0, c1) of screen row. */
static void erase_cells(struct tty *tty, uint32_t row, uint32_t c0,
                        uint32_t c1)
{
    struct tty_cell *line = screen_line(tty, row), blank = blank_cell(tty);
    for (uint32_t c = c0; c < c1; c++)
        line[c] = blank;
    mark_dirty(tty, row, c0, c1);
}

/* Move the screen up one line: the top line becomes scrollback. */
static void scroll_up(struct tty *tty)
{
    tty->top = (tty->top + 1) % tty->ring_lines;
    if (tty->history < tty->ring_lines - tty->rows)
        tty->history++;
    uint32_t last = tty->rows - 1;
    if (!tty->full_redraw) {
        if (++tty->scroll_pending >= tty->rows) {
            tty->full_redraw = true;
        } else {
            memmove(tty->dirty_lo, tty->dirty_lo + 1,
                    last * sizeof tty->dirty_lo[0]);
            memmove(tty->dirty_hi, tty->dirty_hi + 1,
                    last * sizeof tty->dirty_hi[0]);
            tty->dirty_lo[last] = tty->dirty_hi[last] = 0;
        }
    }
    erase_cells(tty, last, 0, tty->cols);
}

static void line_feed(struct tty *tty)
{
    if (tty->cur_row + 1 >= tty->rows)
        scroll_up(tty);
    else
        tty->cur_row++;
}

static void put_char(struct tty *tty, uint32_t cp)
{
    if (tty->wrap_pending) {
        tty->wrap_pending = false;
        tty->cur_col = 0;
        line_feed(tty);
    }
    screen_line(tty, tty->cur_row)[tty->cur_col] =
        (struct tty_cell){cp, tty->fg, tty->bg, tty->attrs, 0};
    mark_dirty(tty, tty->cur_row, tty->cur_col, tty->cur_col + 1);
    if (tty->cur_col + 1 >= tty->cols)
        tty->wrap_pending = true;
    else
        tty->cur_col++;
}

/* ---- drawing ------------------------------------------------------------- */

static void draw_cell(struct tty *tty, uint32_t row, uint32_t col,
                      const struct tty_cell *cell, bool cursor)
{
    uint32_t fg = tty_palette[cell->fg & 15], bg = tty_palette[cell->bg & 15];
    bool invert = (cell->attrs & TTY_ATTR_REVERSE) != 0;
    if (cursor && tty->cursor_shape == TTY_CURSOR_BLOCK)
        invert = !invert;
    if (invert) {
        uint32_t t = fg;
        fg = bg, bg = t;
    }
    int32_t x = (int32_t)(col * tty->cell_w), y = (int32_t)(row * tty->cell_h);
    psf2_draw_char(tty->fb, tty->font, cell->ch, x, y, fg, bg,
                   (cell->attrs & TTY_ATTR_BOLD) != 0);
    if (cursor && tty->cursor_shape == TTY_CURSOR_UNDERLINE) {
        uint32_t thick = tty->cell_h >= 8 ? 2 : 1;
        fb_fill_rect(tty->fb, x, y + (int32_t)(tty->cell_h - thick),
                     (int32_t)tty->cell_w, (int32_t)thick, fg);
    }
}

static void draw_cursor(struct tty *tty)
{
    tty->cursor_drawn = false;
    if (tty->suspended || tty->view_offset != 0 || !tty->cursor_enabled)
        return;
    tty->cursor_row = tty->cur_row;
    tty->cursor_col = tty->cur_col;
    draw_cell(tty, tty->cur_row, tty->cur_col,
              &screen_line(tty, tty->cur_row)[tty->cur_col], true);
    tty->cursor_drawn = true;
}

void tty_repaint(struct tty *tty)
{
    clear_dirty(tty);
    tty->cursor_drawn = false;
    if (tty->suspended)
        return;
    struct fb *fb = tty->fb;
    uint32_t text_w = tty->cols * tty->cell_w, text_h = tty->rows * tty->cell_h;
    /* Margins left by a screen that is not a multiple of the cell size. */
    fb_fill_rect(fb, (int32_t)text_w, 0, (int32_t)(fb->width - text_w),
                 (int32_t)fb->height, tty_palette[TTY_DEFAULT_BG]);
    fb_fill_rect(fb, 0, (int32_t)text_h, (int32_t)text_w,
                 (int32_t)(fb->height - text_h), tty_palette[TTY_DEFAULT_BG]);
    for (uint32_t r = 0; r < tty->rows; r++) {
        const struct tty_cell *line = view_line(tty, r);
        for (uint32_t c = 0; c < tty->cols; c++)
            draw_cell(tty, r, c, &line[c], false);
    }
    draw_cursor(tty);
}

/* Turn the grid changes of one tty_write into pixels. */
static void flush(struct tty *tty)
{
    if (tty->suspended) {
        clear_dirty(tty);
        return;
    }
    if (tty->full_redraw) {
        tty_repaint(tty);
        return;
    }
    if (tty->scroll_pending) {
        uint32_t k = tty->scroll_pending;
        fb_copy_rect(tty->fb, 0, 0, 0, (int32_t)(k * tty->cell_h),
                     (int32_t)(tty->cols * tty->cell_w),
                     (int32_t)((tty->rows - k) * tty->cell_h));
    }
    for (uint32_t r = 0; r < tty->rows; r++) {
        if (tty->dirty_lo[r] >= tty->dirty_hi[r])
            continue;
        const struct tty_cell *line = screen_line(tty, r);
        for (uint32_t c = tty->dirty_lo[r]; c < tty->dirty_hi[r]; c++)
            draw_cell(tty, r, c, &line[c], false);
    }
    clear_dirty(tty);
    draw_cursor(tty);
}

/* ---- sequences ------------------------------------------------------------- */

static uint32_t param(const struct tty *tty, uint32_t i, uint32_t dflt)
{
    uint32_t v = i < tty->nparams ? tty->params[i] : 0;
    return v == 0 ? dflt : v;
}

static void move_to(struct tty *tty, int64_t row, int64_t col)
{
    if (row < 0)
        row = 0;
    if (row >= tty->rows)
        row = tty->rows - 1;
    if (col < 0)
        col = 0;
    if (col >= tty->cols)
        col = tty->cols - 1;
    tty->cur_row = (uint32_t)row;
    tty->cur_col = (uint32_t)col;
    tty->wrap_pending = false;
}

static void reset_attrs(struct tty *tty)
{
    tty->fg = TTY_DEFAULT_FG;
    tty->bg = TTY_DEFAULT_BG;
    tty->attrs = 0;
}

static void sgr(struct tty *tty)
{
    if (tty->nparams == 0) {
        reset_attrs(tty);
        return;
    }
    for (uint32_t i = 0; i < tty->nparams; i++) {
        uint32_t p = tty->params[i];
        if (p == 0)
            reset_attrs(tty);
        else if (p == 1)
            tty->attrs |= TTY_ATTR_BOLD;
        else if (p == 22)
            tty->attrs &= (uint8_t)~TTY_ATTR_BOLD;
        else if (p == 7)
            tty->attrs |= TTY_ATTR_REVERSE;
        else if (p == 27)
            tty->attrs &= (uint8_t)~TTY_ATTR_REVERSE;
        else if (p >= 30 && p <= 37)
            tty->fg = (uint8_t)(p - 30);
        else if (p == 39)
            tty->fg = TTY_DEFAULT_FG;
        else if (p >= 40 && p <= 47)
            tty->bg = (uint8_t)(p - 40);
        else if (p == 49)
            tty->bg = TTY_DEFAULT_BG;
        else if (p >= 90 && p <= 97)
            tty->fg = (uint8_t)(p - 90 + 8);
        else if (p >= 100 && p <= 107)
            tty->bg = (uint8_t)(p - 100 + 8);
        else if (p == 38 || p == 48)
            return; /* extended colours: arguments follow; ignore the rest */
        /* anything else: ignored */
    }
}

static void save_cursor(struct tty *tty)
{
    tty->saved.row = tty->cur_row;
    tty->saved.col = tty->cur_col;
    tty->saved.fg = tty->fg;
    tty->saved.bg = tty->bg;
    tty->saved.attrs = tty->attrs;
}

static void restore_cursor(struct tty *tty)
{
    move_to(tty, tty->saved.row, tty->saved.col);
    tty->fg = tty->saved.fg;
    tty->bg = tty->saved.bg;
    tty->attrs = tty->saved.attrs;
}

static void erase_display(struct tty *tty, uint32_t mode)
{
    uint32_t r = tty->cur_row, c = tty->cur_col;
    switch (mode) {
    case 0:
        erase_cells(tty, r, c, tty->cols);
        for (uint32_t i = r + 1; i < tty->rows; i++)
            erase_cells(tty, i, 0, tty->cols);
        break;
    case 1:
        for (uint32_t i = 0; i < r; i++)
            erase_cells(tty, i, 0, tty->cols);
        erase_cells(tty, r, 0, c + 1);
        break;
    case 3:
        tty->history = 0;
        /* fall through */
    case 2:
        for (uint32_t i = 0; i < tty->rows; i++)
            erase_cells(tty, i, 0, tty->cols);
        break;
    default:
        break;
    }
}

static void erase_line(struct tty *tty, uint32_t mode)
{
    uint32_t r = tty->cur_row, c = tty->cur_col;
    if (mode == 0)
        erase_cells(tty, r, c, tty->cols);
    else if (mode == 1)
        erase_cells(tty, r, 0, c + 1);
    else if (mode == 2)
        erase_cells(tty, r, 0, tty->cols);
}

static void reset(struct tty *tty)
{
    reset_attrs(tty);
    tty->cursor_enabled = true;
    tty->cur_row = tty->cur_col = 0;
    tty->wrap_pending = false;
    save_cursor(tty);
    for (uint32_t i = 0; i < tty->rows; i++)
        erase_cells(tty, i, 0, tty->cols);
}

static void csi_dispatch(struct tty *tty, uint8_t final)
{
    if (tty->intermediate)
        return;
    int64_t r = tty->cur_row, c = tty->cur_col;
    if (tty->private_marker) {
        if (param(tty, 0, 0) == 25 && (final == 'h' || final == 'l'))
            tty->cursor_enabled = final == 'h';
        return;
    }
    switch (final) {
    case 'A': move_to(tty, r - param(tty, 0, 1), c); break;
    case 'B': move_to(tty, r + param(tty, 0, 1), c); break;
    case 'C': move_to(tty, r, c + param(tty, 0, 1)); break;
    case 'D': move_to(tty, r, c - param(tty, 0, 1)); break;
    case 'E': move_to(tty, r + param(tty, 0, 1), 0); break;
    case 'F': move_to(tty, r - param(tty, 0, 1), 0); break;
    case 'G': move_to(tty, r, (int64_t)param(tty, 0, 1) - 1); break;
    case 'd': move_to(tty, (int64_t)param(tty, 0, 1) - 1, c); break;
    case 'H':
    case 'f':
        move_to(tty, (int64_t)param(tty, 0, 1) - 1,
                (int64_t)param(tty, 1, 1) - 1);
        break;
    case 'J': erase_display(tty, param(tty, 0, 0)); break;
    case 'K': erase_line(tty, param(tty, 0, 0)); break;
    case 'm': sgr(tty); break;
    case 's': save_cursor(tty); break;
    case 'u': restore_cursor(tty); break;
    default: break; /* unsupported: consumed */
    }
}

static void esc_dispatch(struct tty *tty, uint8_t final)
{
    switch (final) {
    case '7': save_cursor(tty); break;
    case '8': restore_cursor(tty); break;
    case 'c': reset(tty); break;
    case 'D': line_feed(tty); break;                       /* IND */
    case 'E': tty->cur_col = 0; line_feed(tty); break;     /* NEL */
    default: break;
    }
}

/* C0 control characters, valid in the ground state and inside sequences. */
static void control(struct tty *tty, uint8_t b)
{
    switch (b) {
    case '\r':
        tty->cur_col = 0;
        tty->wrap_pending = false;
        break;
    case '\n':
    case 0x0b: /* VT */
    case 0x0c: /* FF */
        tty->cur_col = 0;
        tty->wrap_pending = false;
        line_feed(tty);
        break;
    case '\b':
        if (tty->wrap_pending)
            tty->wrap_pending = false;
        else if (tty->cur_col > 0)
            tty->cur_col--;
        break;
    case '\t': {
        uint32_t next = (tty->cur_col / 8 + 1) * 8;
        tty->cur_col = next < tty->cols ? next : tty->cols - 1;
        tty->wrap_pending = false;
        break;
    }
    default: /* BEL and the rest: ignored */
        break;
    }
}

static void start_sequence(struct tty *tty, uint8_t state)
{
    tty->state = state;
    tty->nparams = 0;
    tty->private_marker = false;
    tty->intermediate = false;
}

static void csi_byte(struct tty *tty, uint8_t b)
{
    if (b >= '0' && b <= '9') {
        if (tty->nparams == 0)
            tty->nparams = 1, tty->params[0] = 0;
        uint32_t *p = &tty->params[tty->nparams - 1];
        *p = *p * 10 + (b - '0');
        if (*p > PARAM_MAX)
            *p = PARAM_MAX;
    } else if (b == ';' || b == ':') {
        if (tty->nparams == 0)
            tty->nparams = 1, tty->params[0] = 0;
        if (tty->nparams < TTY_MAX_PARAMS)
            tty->params[tty->nparams++] = 0;
        /* beyond TTY_MAX_PARAMS, later digits update the last parameter */
    } else if (b >= 0x3c && b <= 0x3f) {
        tty->private_marker = true; /* '<' '=' '>' '?' */
    } else if (b >= 0x20 && b <= 0x2f) {
        tty->intermediate = true;
    } else if (b >= 0x40 && b <= 0x7e) {
        csi_dispatch(tty, b);
        tty->state = ST_GROUND;
    } else {
        tty->state = ST_GROUND; /* DEL or 8-bit byte: malformed, dropped */
    }
}

/* UTF-8 in the ground state: returns true when b was consumed. */
static bool utf8_byte(struct tty *tty, uint8_t b)
{
    if (tty->utf8_need) {
        if ((b & 0xc0) == 0x80) {
            tty->utf8_cp = tty->utf8_cp << 6 | (b & 0x3f);
            if (--tty->utf8_need == 0) {
                uint32_t cp = tty->utf8_cp;
                if (cp < tty->utf8_min || cp > 0x10ffff ||
                    (cp >= 0xd800 && cp <= 0xdfff))
                    cp = REPLACEMENT;
                put_char(tty, cp);
            }
            return true;
        }
        tty->utf8_need = 0; /* truncated sequence; b is handled afresh */
        put_char(tty, REPLACEMENT);
    }
    if (b < 0x80)
        return false;
    if (b >= 0xc2 && b <= 0xdf)
        tty->utf8_need = 1, tty->utf8_cp = b & 0x1f, tty->utf8_min = 0x80;
    else if (b >= 0xe0 && b <= 0xef)
        tty->utf8_need = 2, tty->utf8_cp = b & 0x0f, tty->utf8_min = 0x800;
    else if (b >= 0xf0 && b <= 0xf4)
        tty->utf8_need = 3, tty->utf8_cp = b & 0x07, tty->utf8_min = 0x10000;
    else
        put_char(tty, REPLACEMENT);
    return true;
}

static void feed(struct tty *tty, uint8_t b)
{
    if (tty->state == ST_OSC) {
        if (b == 0x07)
            tty->state = ST_GROUND;
        else if (b == 0x1b)
            tty->state = ST_OSC_ESC;
        else if (b == 0x18 || b == 0x1a)
            tty->state = ST_GROUND;
        return;
    }
    if (tty->state == ST_OSC_ESC) {
        /* ESC \ ends the string; any other byte keeps consuming it */
        tty->state = b == '\\' ? ST_GROUND : ST_OSC;
        return;
    }
    if (tty->state == ST_GROUND && utf8_byte(tty, b))
        return;
    if (b == 0x1b) {
        start_sequence(tty, ST_ESC);
        return;
    }
    if (b == 0x18 || b == 0x1a) {
        tty->state = ST_GROUND;
        return;
    }
    if (b < 0x20) {
        control(tty, b);
        return;
    }
    switch (tty->state) {
    case ST_GROUND:
        if (b != 0x7f)
            put_char(tty, b);
        break;
    case ST_ESC:
        if (b == '[')
            start_sequence(tty, ST_CSI);
        else if (b == ']')
            tty->state = ST_OSC;
        else if (b >= 0x20 && b <= 0x2f)
            tty->state = ST_ESC_INTER; /* e.g. ESC ( B: charset, ignored */
        else {
            tty->state = ST_GROUND;
            esc_dispatch(tty, b);
        }
        break;
    case ST_ESC_INTER:
        if (b >= 0x30 && b <= 0x7e)
            tty->state = ST_GROUND;
        else if (b > 0x7e)
            tty->state = ST_GROUND;
        break;
    case ST_CSI:
        csi_byte(tty, b);
        break;
    default:
        tty->state = ST_GROUND;
        break;
    }
}

/* ---- interface -------------------------------------------------------------- */

size_t tty_cells_needed(const struct fb *fb, const struct psf2_font *font,
                        uint32_t scrollback_lines)
{
    if (!font->width || !font->height)
        return 0;
    uint32_t cols = fb->width / font->width, rows = fb->height / font->height;
    if (cols == 0 || rows == 0 || cols > TTY_MAX_COLS || rows > TTY_MAX_ROWS)
        return 0;
    return (size_t)cols * ((size_t)rows + scrollback_lines);
}

int tty_init(struct tty *tty, struct fb *fb, const struct psf2_font *font,
             struct tty_cell *cells, size_t ncells, uint32_t scrollback_lines)
{
    size_t need = tty_cells_needed(fb, font, scrollback_lines);
    if (need == 0 || scrollback_lines > 1000000)
        return -EINVAL;
    if (!cells || ncells < need)
        return -ENOSPC;
    memset(tty, 0, sizeof *tty);
    tty->fb = fb;
    tty->font = font;
    tty->cell_w = font->width;
    tty->cell_h = font->height;
    tty->cols = fb->width / font->width;
    tty->rows = fb->height / font->height;
    tty->ring = cells;
    tty->ring_lines = tty->rows + scrollback_lines;
    tty->cursor_shape = TTY_CURSOR_BLOCK;
    tty->state = ST_GROUND;
    reset(tty);
    for (uint32_t i = 0; i < tty->ring_lines; i++) {
        struct tty_cell *line = line_at(tty, i), blank = blank_cell(tty);
        for (uint32_t c = 0; c < tty->cols; c++)
            line[c] = blank;
    }
    tty_repaint(tty);
    return 0;
}

void tty_write(struct tty *tty, const void *bytes, size_t n)
{
    const uint8_t *p = bytes;
    if (tty->view_offset != 0) {
        tty->view_offset = 0;
        tty->full_redraw = true;
    }
    if (tty->cursor_drawn) { /* un-draw it: redraw that cell plainly */
        mark_dirty(tty, tty->cursor_row, tty->cursor_col,
                   tty->cursor_col + 1);
        tty->cursor_drawn = false;
    }
    for (size_t i = 0; i < n; i++)
        feed(tty, p[i]);
    flush(tty);
}

void tty_scroll_view(struct tty *tty, int32_t lines)
{
    int64_t v = (int64_t)tty->view_offset + lines;
    if (v < 0)
        v = 0;
    if (v > tty->history)
        v = tty->history;
    if ((uint32_t)v == tty->view_offset)
        return;
    tty->view_offset = (uint32_t)v;
    tty_repaint(tty);
}

void tty_set_suspended(struct tty *tty, bool suspended)
{
    tty->suspended = suspended;
    if (suspended)
        tty->cursor_drawn = false;
    else
        tty_repaint(tty);
}

void tty_set_cursor_shape(struct tty *tty, enum tty_cursor_shape shape)
{
    tty->cursor_shape = shape;
    if (tty->cursor_drawn)
        draw_cursor(tty);
}

const struct tty_cell *tty_cell_at(const struct tty *tty, uint32_t row,
                                   uint32_t col)
{
    if (row >= tty->rows || col >= tty->cols)
        return NULL;
    return &screen_line(tty, row)[col];
}

const struct tty_cell *tty_history_cell(const struct tty *tty, uint32_t back,
                                        uint32_t col)
{
    if (back == 0 || back > tty->history || col >= tty->cols)
        return NULL;
    return &line_at(tty, tty->top + tty->ring_lines - back)[col];
}
