/*
 * tests/unit/test_textmode.c — the text renderer (user/player/textmode.c).
 *
 * The renderer's bytes are fed through a tiny reference terminal written
 * here (cursor moves, SGR, erase, UTF-8, the wrap-pending rule of the last
 * column), and the resulting cell grid is compared with the frame
 * downsampled by a second implementation of the rule in textmode.h, written
 * here from the documented formula (not calling the renderer's helpers).
 */
#include "tests/unit/check.h"
#include "user/player/textmode.h"

#define VT_MAX_COLS 200
#define VT_MAX_ROWS 80

/* ---- a reference terminal --------------------------------------------------- */

struct vt_cell {
    uint32_t ch;
    int fg, bg;
};

static struct {
    uint32_t cols, rows;
    struct vt_cell cell[VT_MAX_ROWS][VT_MAX_COLS];
    uint32_t row, col;
    bool wrap_pending, cursor_visible, in_sync;
    int fg, bg;
    unsigned syncs;           /* ?2026l seen */
    unsigned bad;             /* bytes or sequences the renderer must not send */
} vt;

static void vt_reset(uint32_t cols, uint32_t rows)
{
    memset(&vt, 0, sizeof vt);
    vt.cols = cols, vt.rows = rows;
    vt.cursor_visible = true;
    vt.fg = 39, vt.bg = 49;
    for (uint32_t r = 0; r < rows; r++)
        for (uint32_t c = 0; c < cols; c++)
            vt.cell[r][c] = (struct vt_cell){ 'X', 39, 49 };   /* old junk */
}

static void vt_put(uint32_t cp)
{
    if (vt.wrap_pending) {
        vt.wrap_pending = false;
        vt.col = 0;
        if (vt.row + 1 < vt.rows)
            vt.row++;
        else
            vt.bad++;         /* would scroll the picture */
    }
    vt.cell[vt.row][vt.col] = (struct vt_cell){ cp, vt.fg, vt.bg };
    if (vt.col + 1 < vt.cols)
        vt.col++;
    else
        vt.wrap_pending = true;
}

static void vt_csi(bool private, const unsigned *p, unsigned np, char final)
{
    unsigned p0 = np > 0 ? p[0] : 0, p1 = np > 1 ? p[1] : 0;
    if (private) {
        if (p0 == 2026 && (final == 'h' || final == 'l')) {
            if (final == 'l')
                vt.syncs++;
            vt.in_sync = final == 'h';
        } else if (p0 == 25 && (final == 'h' || final == 'l')) {
            vt.cursor_visible = final == 'h';
        } else {
            vt.bad++;
        }
        return;
    }
    vt.wrap_pending = false;
    if (final == 'H') {
        vt.row = (p0 ? p0 : 1) - 1, vt.col = (p1 ? p1 : 1) - 1;
        if (vt.row >= vt.rows || vt.col >= vt.cols)
            vt.bad++, vt.row = 0, vt.col = 0;
    } else if (final == 'C') {
        vt.col += p0 ? p0 : 1;
        if (vt.col >= vt.cols)
            vt.bad++, vt.col = vt.cols - 1;
    } else if (final == 'J' && p0 == 2) {
        for (uint32_t r = 0; r < vt.rows; r++)
            for (uint32_t c = 0; c < vt.cols; c++)
                vt.cell[r][c] = (struct vt_cell){ ' ', vt.fg, vt.bg };
    } else if (final == 'm') {
        for (unsigned i = 0; i < (np ? np : 1); i++) {
            unsigned v = np ? p[i] : 0;
            if (v == 0)
                vt.fg = 39, vt.bg = 49;
            else if ((v >= 30 && v <= 37) || (v >= 90 && v <= 97))
                vt.fg = (int)v;
            else if ((v >= 40 && v <= 47) || (v >= 100 && v <= 107))
                vt.bg = (int)v;
            else
                vt.bad++;
        }
    } else {
        vt.bad++;
    }
}

static void vt_feed(const char *bytes, size_t n)
{
    const uint8_t *b = (const uint8_t *)bytes;
    for (size_t i = 0; i < n;) {
        if (b[i] == 0x1b) {
            if (i + 1 >= n || b[i + 1] != '[') {
                vt.bad++;
                return;
            }
            i += 2;
            bool private = i < n && b[i] == '?';
            if (private)
                i++;
            unsigned p[4] = { 0 }, np = 0;
            while (i < n && ((b[i] >= '0' && b[i] <= '9') || b[i] == ';')) {
                if (np == 0)
                    np = 1;
                if (b[i] == ';')
                    np = np < 4 ? np + 1 : np;
                else
                    p[np - 1] = p[np - 1] * 10 + (b[i] - '0');
                i++;
            }
            if (i >= n) {
                vt.bad++;
                return;
            }
            vt_csi(private, p, np, (char)b[i++]);
        } else if (b[i] < 0x20 || b[i] == 0x7f) {
            vt.bad++;
            i++;
        } else if (b[i] < 0x80) {
            vt_put(b[i++]);
        } else {
            unsigned len = b[i] >= 0xf0 ? 4 : b[i] >= 0xe0 ? 3 : 2;
            uint32_t cp = b[i] & (0x7f >> len);
            for (unsigned k = 1; k < len && i + k < n; k++)
                cp = cp << 6 | (b[i + k] & 0x3f);
            i += len;
            vt_put(cp);
        }
    }
}

/* ---- the documented mapping, independently -------------------------------------- */

static unsigned ref_sub(const uint8_t *g, uint32_t w, uint32_t h, uint32_t pw, uint32_t ph,
                        uint32_t X, uint32_t Y)
{
    uint32_t x0 = X * w / pw, x1 = (X + 1) * w / pw, y0 = Y * h / ph, y1 = (Y + 1) * h / ph;
    if (x1 <= x0)
        x1 = x0 + 1;
    if (y1 <= y0)
        y1 = y0 + 1;
    unsigned sum = 0;
    for (uint32_t y = y0; y < y1; y++)
        for (uint32_t x = x0; x < x1; x++)
            sum += g[y * w + x];
    return sum / ((x1 - x0) * (y1 - y0));
}

static struct vt_cell ref_cell(const struct text_renderer *r, const uint8_t *g,
                               uint32_t col, uint32_t row)
{
    unsigned s[8];
    for (uint32_t j = 0; j < r->gy; j++)
        for (uint32_t i = 0; i < r->gx; i++)
            s[j * r->gx + i] = ref_sub(g, r->w, r->h, r->pw, r->ph, col * r->gx + i,
                                       row * r->gy + j);
    struct vt_cell c = { ' ', 97, 40 };
    if (r->glyphs == TEXT_HALF && r->shades) {
        static const int fg[4] = { 30, 90, 37, 97 }, bg[4] = { 40, 100, 47, 107 };
        c.ch = 0x2580;
        c.fg = fg[(s[0] * 3 + 127) / 255];
        c.bg = bg[(s[1] * 3 + 127) / 255];
    } else if (r->glyphs == TEXT_HALF) {
        bool top = s[0] >= 128, bottom = s[1] >= 128;
        c.ch = top && bottom ? 0x2588 : top ? 0x2580 : bottom ? 0x2584 : ' ';
    } else if (r->glyphs == TEXT_BRAILLE) {
        /* dots: 1 (0,0) 2 (0,1) 3 (0,2) 4 (1,0) 5 (1,1) 6 (1,2) 7 (0,3) 8 (1,3) */
        static const unsigned dot_x[8] = { 0, 0, 0, 1, 1, 1, 0, 1 };
        static const unsigned dot_y[8] = { 0, 1, 2, 0, 1, 2, 3, 3 };
        unsigned bits = 0;
        for (unsigned d = 0; d < 8; d++)
            if (s[dot_y[d] * 2 + dot_x[d]] >= 128)
                bits |= 1u << d;
        c.ch = bits ? 0x2800 + bits : ' ';
    } else {
        c.ch = (uint8_t)" .:-=+*#%@"[((s[0] + s[1]) / 2 * 9 + 127) / 255];
    }
    return c;
}

/* Cells of the terminal that differ from the reference (picture) or from
 * the cleared state (outside it). */
static unsigned grid_mismatches(const struct text_renderer *r, const uint8_t *g)
{
    unsigned bad = 0;
    for (uint32_t row = 0; row < vt.rows; row++)
        for (uint32_t col = 0; col < vt.cols; col++) {
            struct vt_cell want = { ' ', 97, 40 };
            if (row >= r->y0 && row < r->y0 + r->rows && col >= r->x0 && col < r->x0 + r->cols)
                want = ref_cell(r, g, col - r->x0, row - r->y0);
            struct vt_cell got = vt.cell[row][col];
            if (got.ch != want.ch || got.fg != want.fg || got.bg != want.bg)
                bad++;
        }
    return bad;
}

/* ---- frames ----------------------------------------------------------------------- */

static uint32_t rng_state = 12345;
static uint32_t rng(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

/* Frame f: a barcode of f on top, a moving bar, and (gray) a ramp. */
static void make_frame(uint8_t *g, uint32_t w, uint32_t h, uint32_t f, unsigned levels)
{
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            uint8_t v;
            if (y < h / 4)
                v = (f >> (15 - x * 16 / w)) & 1 ? 255 : 0;
            else if (y < h / 2)
                v = (x + f * 7) % w < w / 8 ? 255 : 0;
            else
                v = (uint8_t)((x * 255 / w + y + f) % 256);
            if (levels == 2)
                v = v >= 128 ? 255 : 0;
            else
                v = (uint8_t)(v * (levels - 1) / 255 * 255 / (levels - 1));
            g[y * w + x] = v;
        }
}

/* Plays `frames` frames through the renderer and the reference terminal;
 * checks the grid after each frame's end marker. Damage is the true
 * changed rectangle (as the decoder reports it). Returns total bytes. */
static size_t play(enum text_glyphs gs, unsigned levels, uint32_t cols, uint32_t rows,
                   uint32_t w, uint32_t h, unsigned frames)
{
    struct text_renderer r;
    CHECK_EQ(text_init(&r, gs, levels > 2, cols, rows, w, h), 0);
    char *out = malloc(text_out_max(&r));
    uint8_t *prev = calloc((size_t)w * h, 1), *g = malloc((size_t)w * h);
    vt_reset(cols, rows);
    vt_feed(out, text_start(&r, out));
    size_t total = 0;
    for (unsigned f = 0; f < frames; f++) {
        make_frame(g, w, h, f * 3, levels);
        struct bav_rect d = { w, h, 0, 0 };
        for (uint32_t y = 0; y < h; y++)
            for (uint32_t x = 0; x < w; x++)
                if (g[y * w + x] != prev[y * w + x]) {
                    if (x < d.x0) d.x0 = x;
                    if (y < d.y0) d.y0 = y;
                    if (x + 1 > d.x1) d.x1 = x + 1;
                    if (y + 1 > d.y1) d.y1 = y + 1;
                }
        if (d.x0 >= d.x1)
            d = (struct bav_rect){ 0, 0, 0, 0 };
        size_t n = text_frame(&r, g, &d, out);
        CHECK(n <= text_out_max(&r));
        CHECK(n >= 16 && memcmp(out, "\x1b[?2026h", 8) == 0 &&
              memcmp(out + n - 8, "\x1b[?2026l", 8) == 0);
        unsigned syncs = vt.syncs;
        vt_feed(out, n);
        CHECK_EQ(vt.syncs, syncs + 1);
        CHECK_EQ(grid_mismatches(&r, g), 0);
        total += n;
        memcpy(prev, g, (size_t)w * h);
    }
    vt_feed(out, text_end(&r, out));
    CHECK(vt.cursor_visible);
    CHECK(!vt.in_sync);
    CHECK_EQ(vt.fg, 39);
    CHECK_EQ(vt.row, r.y0 + r.rows < rows ? r.y0 + r.rows : rows - 1);
    CHECK_EQ(vt.col, 0);
    CHECK_EQ(vt.bad, 0);
    free(out), free(prev), free(g);
    text_free(&r);
    return total;
}

TEST(layout_80x24)
{
    struct text_renderer r;
    CHECK_EQ(text_init(&r, TEXT_HALF, false, 80, 24, 480, 360), 0);
    CHECK_EQ(r.pw, 61); CHECK_EQ(r.ph, 46);
    CHECK_EQ(r.cols, 61); CHECK_EQ(r.rows, 23);
    CHECK_EQ(r.x0, 9); CHECK_EQ(r.y0, 0);
    text_free(&r);
    CHECK_EQ(text_init(&r, TEXT_BRAILLE, false, 80, 24, 480, 360), 0);
    CHECK_EQ(r.pw, 122); CHECK_EQ(r.ph, 92);
    CHECK_EQ(r.cols, 61); CHECK_EQ(r.rows, 23);
    text_free(&r);
    /* A wide terminal: height binds; a tall one: width binds, centred. */
    CHECK_EQ(text_init(&r, TEXT_ASCII, false, 100, 81, 400, 100), 0);
    CHECK_EQ(r.cols, 100); CHECK_EQ(r.rows, 12);
    CHECK_EQ(r.x0, 0); CHECK_EQ(r.y0, (80 - 12) / 2);
    text_free(&r);
}

TEST(too_small_terminal)
{
    struct text_renderer r;
    CHECK_EQ(text_init(&r, TEXT_BRAILLE, false, 1, 1, 4000, 10), -1);
    CHECK_EQ(text_init(&r, TEXT_HALF, false, 0, 24, 480, 360), -1);
    CHECK_EQ(text_init(&r, TEXT_HALF, false, 80, 24, 0, 360), -1);
}

TEST(half_blocks_frames)
{
    play(TEXT_HALF, 2, 80, 24, 480, 360, 12);
    play(TEXT_HALF, 2, 37, 11, 64, 48, 30);         /* upscaling: 1-pixel boxes */
}

TEST(braille_frames)
{
    play(TEXT_BRAILLE, 2, 80, 24, 480, 360, 12);
    play(TEXT_BRAILLE, 16, 53, 20, 97, 61, 10);
}

TEST(ascii_frames)
{
    play(TEXT_ASCII, 2, 80, 24, 480, 360, 12);
    play(TEXT_ASCII, 16, 80, 24, 480, 360, 8);
}

TEST(gray_half_blocks)
{
    play(TEXT_HALF, 4, 80, 24, 480, 360, 8);
    play(TEXT_HALF, 16, 41, 13, 120, 90, 8);
}

TEST(full_width_picture_wraps_nothing)
{
    /* The picture touches the last column: the cursor after it is unknown
     * and the next change must reposition (the reference terminal counts
     * a wrap into the next row as an error). */
    play(TEXT_HALF, 2, 40, 40, 480, 360, 10);
    play(TEXT_BRAILLE, 2, 40, 40, 480, 360, 10);
}

TEST(unchanged_frame_is_the_envelope_only)
{
    struct text_renderer r;
    CHECK_EQ(text_init(&r, TEXT_HALF, false, 80, 24, 480, 360), 0);
    char *out = malloc(text_out_max(&r));
    uint8_t *g = malloc(480 * 360);
    make_frame(g, 480, 360, 5, 2);
    text_start(&r, out);
    size_t first = text_frame(&r, g, NULL, out);
    CHECK(first > 16);
    CHECK_EQ(text_frame(&r, g, NULL, out), 16);
    struct bav_rect none = { 0, 0, 0, 0 };
    CHECK_EQ(text_frame(&r, g, &none, out), 16);
    free(out), free(g);
    text_free(&r);
}

TEST(random_damage_rectangles)
{
    /* Random frames changing only inside a random rectangle each time. */
    uint32_t w = 200, h = 150;
    struct text_renderer r;
    CHECK_EQ(text_init(&r, TEXT_BRAILLE, false, 70, 30, w, h), 0);
    char *out = malloc(text_out_max(&r));
    uint8_t *g = calloc((size_t)w * h, 1);
    vt_reset(70, 30);
    vt_feed(out, text_start(&r, out));
    for (int f = 0; f < 40; f++) {
        struct bav_rect d;
        d.x0 = rng() % w, d.y0 = rng() % h;
        d.x1 = d.x0 + 1 + rng() % (w - d.x0), d.y1 = d.y0 + 1 + rng() % (h - d.y0);
        for (uint32_t y = d.y0; y < d.y1; y++)
            for (uint32_t x = d.x0; x < d.x1; x++)
                g[y * w + x] = rng() % 3 ? 0 : 255;
        vt_feed(out, text_frame(&r, g, &d, out));
        CHECK_EQ(grid_mismatches(&r, g), 0);
    }
    CHECK_EQ(vt.bad, 0);
    free(out), free(g);
    text_free(&r);
}

TEST(bytes_per_frame_are_small)
{
    /* The moving bar changes few cells per frame: the stream stays far
     * below a full redraw. */
    size_t total = play(TEXT_HALF, 2, 80, 24, 480, 360, 30);
    CHECK(total / 30 < 61 * 23);
}

TEST(utf8)
{
    char b[4];
    CHECK_EQ(text_utf8('a', b), 1);
    CHECK_EQ(text_utf8(0x2580, b), 3);
    CHECK(memcmp(b, "\xe2\x96\x80", 3) == 0);
    CHECK_EQ(text_utf8(0x28ff, b), 3);
    CHECK(memcmp(b, "\xe2\xa3\xbf", 3) == 0);
    CHECK_EQ(text_glyphs_parse("braille"), TEXT_BRAILLE);
    CHECK_EQ(text_glyphs_parse("nope"), -1);
}

int main(void)
{
    RUN(layout_80x24);
    RUN(too_small_terminal);
    RUN(half_blocks_frames);
    RUN(braille_frames);
    RUN(ascii_frames);
    RUN(gray_half_blocks);
    RUN(full_width_picture_wraps_nothing);
    RUN(unchanged_frame_is_the_envelope_only);
    RUN(random_damage_rectangles);
    RUN(bytes_per_frame_are_small);
    RUN(utf8);
    return check_summary();
}
