/*
 * user/player/textmode.c — the text renderer (interface and mapping in
 * textmode.h). Structure: text_init computes the layout and the source
 * box of every subpixel row and column once; text_frame recomputes the
 * subpixels under the damage rectangle, turns each touched cell into a
 * glyph and emits the cells that differ from `shown`, choosing per gap
 * the cheapest of re-sending the unchanged cells, ESC[nC and ESC[r;cH.
 */
#include "user/player/textmode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FG_WHITE 97
#define BG_BLACK 40
/* The most one changed cell costs: getting there (ESC[999;999H, 10 bytes;
 * ESC[nC and re-sent cells are used only when not longer), its colours
 * (ESC[97;107m, 10) and its glyph (at most 4 bytes of UTF-8). */
#define CELL_MAX_BYTES 24
#define MARK_ON "\x1b[?2026h"
#define MARK_OFF "\x1b[?2026l"

static const char ascii_ramp[] = " .:-=+*#%@";   /* dark -> light */
static const uint8_t shade_fg[4] = { 30, 90, 37, 97 };
static const uint8_t shade_bg[4] = { 40, 100, 47, 107 };

int text_glyphs_parse(const char *name)
{
    if (strcmp(name, "half") == 0)
        return TEXT_HALF;
    if (strcmp(name, "braille") == 0)
        return TEXT_BRAILLE;
    if (strcmp(name, "ascii") == 0)
        return TEXT_ASCII;
    return -1;
}

const char *text_glyphs_name(enum text_glyphs g)
{
    return g == TEXT_BRAILLE ? "braille" : g == TEXT_ASCII ? "ascii" : "half";
}

size_t text_utf8(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

void text_box(uint32_t X, uint32_t src, uint32_t sub, uint32_t *lo, uint32_t *hi)
{
    uint32_t a = (uint32_t)((uint64_t)X * src / sub);
    uint32_t b = (uint32_t)((uint64_t)(X + 1) * src / sub);
    *lo = a;
    *hi = b > a ? b : a + 1;
}

struct text_cell text_cell_of(enum text_glyphs g, bool shades, const uint8_t *s)
{
    struct text_cell c = { ' ', FG_WHITE, BG_BLACK };
    if (g == TEXT_HALF && shades) {
        c.ch = 0x2580;
        c.fg = shade_fg[(s[0] * 3 + 127) / 255];
        c.bg = shade_bg[(s[1] * 3 + 127) / 255];
    } else if (g == TEXT_HALF) {
        static const uint32_t halves[4] = { ' ', 0x2580, 0x2584, 0x2588 };
        c.ch = halves[(s[0] >= 128) | (s[1] >= 128) << 1];
    } else if (g == TEXT_BRAILLE) {
        /* s is 2 wide, 4 tall: dots 1-3 down the left, 4-6 down the
         * right, 7 and 8 at the bottom (Unicode's braille bit order). */
        static const uint8_t bit[8] = { 0x01, 0x08, 0x02, 0x10, 0x04, 0x20, 0x40, 0x80 };
        uint32_t dots = 0;
        for (int i = 0; i < 8; i++)
            if (s[i] >= 128)
                dots |= bit[i];
        c.ch = dots ? 0x2800 + dots : ' ';
    } else {
        unsigned v = (s[0] + s[1]) / 2u;
        c.ch = (uint8_t)ascii_ramp[(v * 9 + 127) / 255];
    }
    return c;
}

/* ---- layout ---------------------------------------------------------------- */

static int layout(struct text_renderer *r)
{
    r->gx = r->glyphs == TEXT_BRAILLE ? 2 : 1;
    r->gy = r->glyphs == TEXT_BRAILLE ? 4 : 2;
    uint64_t avail_rows = r->term_rows > 1 ? r->term_rows - 1 : 1;
    uint64_t mw = (uint64_t)r->term_cols * r->gx, mh = avail_rows * r->gy;
    uint64_t pw, ph;
    if (mw * r->h <= mh * r->w)
        pw = mw, ph = mw * r->h / r->w;
    else
        ph = mh, pw = mh * r->w / r->h;
    pw -= pw % r->gx;
    ph -= ph % r->gy;
    if (pw == 0 || ph == 0)
        return -1;
    r->pw = (uint32_t)pw, r->ph = (uint32_t)ph;
    r->cols = r->pw / r->gx, r->rows = r->ph / r->gy;
    r->x0 = (r->term_cols - r->cols) / 2;
    r->y0 = (uint32_t)((avail_rows - r->rows) / 2);
    return 0;
}

int text_init(struct text_renderer *r, enum text_glyphs glyphs, bool shades,
              uint32_t term_cols, uint32_t term_rows, uint32_t w, uint32_t h)
{
    memset(r, 0, sizeof *r);
    r->glyphs = glyphs;
    r->shades = shades && glyphs == TEXT_HALF;
    r->w = w, r->h = h;
    r->term_cols = term_cols, r->term_rows = term_rows;
    if (!w || !h || !term_cols || !term_rows || term_cols > 999 || term_rows > 999 ||
        layout(r) < 0)
        return -1;
    r->box_x = malloc(2 * sizeof *r->box_x * r->pw);
    r->box_y = malloc(2 * sizeof *r->box_y * r->ph);
    r->sub = calloc((size_t)r->pw * r->ph, 1);
    r->shown = malloc(sizeof *r->shown * r->cols * r->rows);
    if (!r->box_x || !r->box_y || !r->sub || !r->shown) {
        text_free(r);
        return -2;
    }
    for (uint32_t X = 0; X < r->pw; X++)
        text_box(X, w, r->pw, &r->box_x[2 * X], &r->box_x[2 * X + 1]);
    for (uint32_t Y = 0; Y < r->ph; Y++)
        text_box(Y, h, r->ph, &r->box_y[2 * Y], &r->box_y[2 * Y + 1]);
    return 0;
}

void text_free(struct text_renderer *r)
{
    free(r->box_x);
    free(r->box_y);
    free(r->sub);
    free(r->shown);
    r->box_x = r->box_y = NULL;
    r->sub = NULL;
    r->shown = NULL;
}

size_t text_out_max(const struct text_renderer *r)
{
    return (size_t)r->cols * r->rows * CELL_MAX_BYTES + 64;
}

/* ---- start and end ------------------------------------------------------------ */

size_t text_start(struct text_renderer *r, char *out)
{
    static const char seq[] = "\x1b[?25l\x1b[0;97;40m\x1b[2J";
    for (size_t i = 0; i < (size_t)r->cols * r->rows; i++)
        r->shown[i] = (struct text_cell){ ' ', FG_WHITE, BG_BLACK };
    r->fg = FG_WHITE, r->bg = BG_BLACK;
    r->cursor_known = false;
    memcpy(out, seq, sizeof seq - 1);
    return sizeof seq - 1;
}

size_t text_end(struct text_renderer *r, char *out)
{
    r->cursor_known = false;
    return (size_t)sprintf(out, MARK_OFF "\x1b[0m\x1b[?25h\x1b[%u;1H", r->y0 + r->rows + 1);
}

/* ---- one frame ------------------------------------------------------------------ */

/* The subpixel range [*lo, *hi) whose boxes meet source range [a, b). */
static void sub_range(const uint32_t *box, uint32_t n, uint32_t a, uint32_t b,
                      uint32_t *lo, uint32_t *hi)
{
    uint32_t i = 0;
    while (i < n && box[2 * i + 1] <= a)
        i++;
    *lo = i;
    while (i < n && box[2 * i] < b)
        i++;
    *hi = i;
}

static void compute_subpixels(struct text_renderer *r, const uint8_t *cur,
                              uint32_t X0, uint32_t X1, uint32_t Y0, uint32_t Y1)
{
    for (uint32_t Y = Y0; Y < Y1; Y++) {
        uint32_t ya = r->box_y[2 * Y], yb = r->box_y[2 * Y + 1];
        for (uint32_t X = X0; X < X1; X++) {
            uint32_t xa = r->box_x[2 * X], xb = r->box_x[2 * X + 1];
            uint32_t sum = 0;
            for (uint32_t y = ya; y < yb; y++) {
                const uint8_t *row = cur + (size_t)y * r->w;
                for (uint32_t x = xa; x < xb; x++)
                    sum += row[x];
            }
            r->sub[(size_t)Y * r->pw + X] = (uint8_t)(sum / ((yb - ya) * (xb - xa)));
        }
    }
}

static struct text_cell cell_at(const struct text_renderer *r, uint32_t col, uint32_t row)
{
    uint8_t s[8];
    for (uint32_t j = 0; j < r->gy; j++)
        for (uint32_t i = 0; i < r->gx; i++)
            s[j * r->gx + i] = r->sub[(size_t)(row * r->gy + j) * r->pw + col * r->gx + i];
    return text_cell_of(r->glyphs, r->shades, s);
}

static bool same_cell(struct text_cell a, struct text_cell b)
{
    return a.ch == b.ch && a.fg == b.fg && a.bg == b.bg;
}

/* Bytes to re-send shown cells [c0, c1) of picture row `row` as they are,
 * or SIZE_MAX when one needs other colours than the current ones. */
static size_t resend_cost(const struct text_renderer *r, uint32_t row, uint32_t c0, uint32_t c1)
{
    size_t n = 0;
    char tmp[4];
    for (uint32_t c = c0; c < c1; c++) {
        struct text_cell k = r->shown[(size_t)row * r->cols + c];
        if (k.fg != r->fg || k.bg != r->bg)
            return SIZE_MAX;
        n += text_utf8(k.ch, tmp);
    }
    return n;
}

/* Moves the cursor to picture cell (col, row) the cheapest way. */
static size_t move_to(struct text_renderer *r, uint32_t col, uint32_t row, char *out)
{
    uint32_t tcol = r->x0 + col, trow = r->y0 + row;
    if (r->cursor_known && r->cursor_row == trow && r->cursor_col == tcol)
        return 0;
    char cup[16], cuf[16];
    size_t cup_n = (size_t)sprintf(cup, "\x1b[%u;%uH", trow + 1, tcol + 1);
    if (r->cursor_known && r->cursor_row == trow && r->cursor_col < tcol) {
        uint32_t gap = tcol - r->cursor_col;
        size_t cuf_n = (size_t)sprintf(cuf, "\x1b[%uC", gap);
        size_t resend = resend_cost(r, row, r->cursor_col - r->x0, col);
        if (resend <= cuf_n && resend <= cup_n) {
            size_t n = 0;
            for (uint32_t c = r->cursor_col - r->x0; c < col; c++)
                n += text_utf8(r->shown[(size_t)row * r->cols + c].ch, out + n);
            return n;
        }
        if (cuf_n < cup_n) {
            memcpy(out, cuf, cuf_n);
            return cuf_n;
        }
    }
    memcpy(out, cup, cup_n);
    return cup_n;
}

static size_t put_cell(struct text_renderer *r, uint32_t col, uint32_t row,
                       struct text_cell k, char *out)
{
    size_t n = move_to(r, col, row, out);
    if (k.fg != r->fg || k.bg != r->bg) {
        n += (size_t)sprintf(out + n, "\x1b[%u;%um", k.fg, k.bg);
        r->fg = k.fg, r->bg = k.bg;
    }
    n += text_utf8(k.ch, out + n);
    r->shown[(size_t)row * r->cols + col] = k;
    uint32_t tcol = r->x0 + col;
    /* After the last column the cursor waits to wrap: position unknown. */
    r->cursor_known = tcol + 1 < r->term_cols;
    r->cursor_row = r->y0 + row;
    r->cursor_col = tcol + 1;
    return n;
}

size_t text_frame(struct text_renderer *r, const uint8_t *cur,
                  const struct bav_rect *damage, char *out)
{
    size_t n = sizeof MARK_ON - 1;
    memcpy(out, MARK_ON, n);
    struct bav_rect all = { 0, 0, r->w, r->h };
    if (!damage || !r->computed)
        damage = &all;      /* the first frame: every subpixel */
    r->computed = true;
    uint32_t X0, X1, Y0, Y1;
    sub_range(r->box_x, r->pw, damage->x0, damage->x1, &X0, &X1);
    sub_range(r->box_y, r->ph, damage->y0, damage->y1, &Y0, &Y1);
    if (X0 < X1 && Y0 < Y1) {
        compute_subpixels(r, cur, X0, X1, Y0, Y1);
        uint32_t c1 = (X1 + r->gx - 1) / r->gx, r1 = (Y1 + r->gy - 1) / r->gy;
        for (uint32_t row = Y0 / r->gy; row < r1; row++) {
            for (uint32_t col = X0 / r->gx; col < c1; col++) {
                struct text_cell k = cell_at(r, col, row);
                if (!same_cell(k, r->shown[(size_t)row * r->cols + col]))
                    n += put_cell(r, col, row, k, out + n);
            }
        }
    }
    memcpy(out + n, MARK_OFF, sizeof MARK_OFF - 1);
    return n + sizeof MARK_OFF - 1;
}
