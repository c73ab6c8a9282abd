/*
 * tests/unit/test_tty.c — gfx/tty.c on real pixels.
 *
 * The terminal draws with the built-in font into a framebuffer allocated to
 * its exact size (ASan sees any write outside). Cells are checked against
 * the font's glyph bitmaps and the documented palette; scrolled screens are
 * compared with a fresh terminal given the text they should show.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "gfx/font_default.h"
#include "gfx/tty.h"

#define COLS 80
#define ROWS 25
#define FB_W (COLS * 8 + 5)  /* a margin right and below: not whole cells */
#define FB_H (ROWS * 16 + 7)
#define SCROLLBACK 500

static struct psf2_font font;

struct term {
    struct fb fb;
    uint32_t *px;
    struct tty_cell *cells;
    struct tty tty;
};

static void term_open(struct term *t, uint32_t scrollback)
{
    t->px = malloc((size_t)FB_W * FB_H * 4);
    memset(t->px, 0x77, (size_t)FB_W * FB_H * 4);
    CHECK_EQ(fb_init(&t->fb, t->px, FB_W, FB_H, FB_W * 4), 0);
    size_t n = tty_cells_needed(&t->fb, &font, scrollback);
    CHECK_EQ(n, (size_t)COLS * (ROWS + scrollback));
    t->cells = malloc(n * sizeof *t->cells);
    CHECK_EQ(tty_init(&t->tty, &t->fb, &font, t->cells, n, scrollback), 0);
}

static void term_close(struct term *t)
{
    free(t->px);
    free(t->cells);
}

static void put(struct term *t, const char *s)
{
    tty_write(&t->tty, s, strlen(s));
}

/* Does screen cell (row, col) show code point cp in fg on bg (RGB)? */
static bool cell_shows(const struct term *t, uint32_t row, uint32_t col,
                       uint32_t cp, uint32_t fg, uint32_t bg, bool bold)
{
    const uint8_t *bits = psf2_glyph_bits(&font, psf2_glyph_index(&font, cp));
    for (uint32_t y = 0; y < 16; y++)
        for (uint32_t x = 0; x < 8; x++) {
            bool on = bits[y] & (0x80 >> x);
            if (bold && x > 0 && (bits[y] & (0x80 >> (x - 1))))
                on = true;
            uint32_t got = t->px[(row * 16 + y) * FB_W + col * 8 + x];
            if (got != (on ? fg : bg)) {
                printf("     cell %u,%u pixel %u,%u: %06x, want %06x\n", row,
                       col, x, y, got, on ? fg : bg);
                return false;
            }
        }
    return true;
}

static bool text_shows(const struct term *t, uint32_t row, const char *s)
{
    for (uint32_t c = 0; s[c]; c++)
        if (!cell_shows(t, row, c, (uint8_t)s[c], 0xaaaaaa, 0, false))
            return false;
    return true;
}

static bool same_pixels(const struct term *a, const struct term *b)
{
    return memcmp(a->px, b->px, (size_t)FB_W * FB_H * 4) == 0;
}

TEST(init_checks_storage_and_clears_screen)
{
    struct term t;
    term_open(&t, 10);
    /* Whole screen black except the block cursor at 0,0 (gray). */
    CHECK(cell_shows(&t, 0, 0, ' ', 0, 0xaaaaaa, false));
    CHECK(cell_shows(&t, 0, 1, ' ', 0xaaaaaa, 0, false));
    CHECK_EQ(t.px[FB_H * FB_W - 1], 0);       /* margin painted */
    CHECK_EQ(t.px[FB_W - 1], 0);
    struct tty other;
    CHECK_EQ(tty_init(&other, &t.fb, &font, t.cells, 5, 0), -ENOSPC);
    uint32_t tiny_px[4 * 4];
    struct fb tiny;
    fb_init(&tiny, tiny_px, 4, 4, 16);
    CHECK_EQ(tty_cells_needed(&tiny, &font, 10), 0);
    CHECK_EQ(tty_init(&other, &tiny, &font, t.cells, 100, 0), -EINVAL);
    term_close(&t);
}

TEST(hello_matches_glyph_bitmaps)
{
    struct term t;
    term_open(&t, 10);
    struct fb_rect d;
    fb_damage_take(&t.fb, &d);
    put(&t, "Hello");
    CHECK(text_shows(&t, 0, "Hello"));
    CHECK(cell_shows(&t, 0, 5, ' ', 0, 0xaaaaaa, false)); /* cursor */
    CHECK_EQ(t.tty.cur_col, 5);
    CHECK_EQ(tty_cell_at(&t.tty, 0, 1)->ch, 'e');
    /* Damage: the six cells touched, nothing more. */
    CHECK(fb_damage_take(&t.fb, &d));
    CHECK_EQ(d.x, 0);
    CHECK_EQ(d.y, 0);
    CHECK_EQ(d.w, 6 * 8);
    CHECK_EQ(d.h, 16);
    /* UTF-8 and Latin-1 glyphs. */
    put(&t, "\r\n\xc3\xa9\xe2\x94\x80\xff!");
    CHECK(cell_shows(&t, 1, 0, 0xe9, 0xaaaaaa, 0, false));
    CHECK(cell_shows(&t, 1, 1, 0x2500, 0xaaaaaa, 0, false));
    CHECK(cell_shows(&t, 1, 2, 0xfffd, 0xaaaaaa, 0, false));
    CHECK(cell_shows(&t, 1, 3, '!', 0xaaaaaa, 0, false));
    term_close(&t);
}

TEST(sgr_colours_land_in_cells)
{
    struct term t;
    term_open(&t, 10);
    put(&t, "\x1b[31;42mR\x1b[1;94;103mB\x1b[22mb\x1b[39;49mD"
            "\x1b[7mV\x1b[0mN\x1b[35m\x1b[mZ\x1b[97;100mW");
    CHECK(cell_shows(&t, 0, 0, 'R', 0xaa0000, 0x00aa00, false));
    CHECK(cell_shows(&t, 0, 1, 'B', 0x5555ff, 0xffff55, true));
    CHECK(cell_shows(&t, 0, 2, 'b', 0x5555ff, 0xffff55, false));
    CHECK(cell_shows(&t, 0, 3, 'D', 0xaaaaaa, 0x000000, false));
    CHECK(cell_shows(&t, 0, 4, 'V', 0x000000, 0xaaaaaa, false));
    CHECK(cell_shows(&t, 0, 5, 'N', 0xaaaaaa, 0x000000, false));
    CHECK(cell_shows(&t, 0, 6, 'Z', 0xaaaaaa, 0x000000, false));
    CHECK(cell_shows(&t, 0, 7, 'W', 0xffffff, 0x555555, false));
    /* All 16 documented colours. */
    for (int i = 0; i < 16; i++) {
        char seq[32];
        snprintf(seq, sizeof seq, "\x1b[0;%dm#", i < 8 ? 30 + i : 82 + i);
        put(&t, seq);
        CHECK(cell_shows(&t, 0, 8 + (uint32_t)i, '#', tty_palette[i],
                         tty_palette[i == 7 ? 0 : 0], false));
    }
    CHECK_EQ(tty_palette[1], 0xaa0000);
    CHECK_EQ(tty_palette[3], 0xaa5500);
    CHECK_EQ(tty_palette[8], 0x555555);
    CHECK_EQ(tty_palette[14], 0x55ffff);
    /* Erase uses the current background. */
    put(&t, "\x1b[0;44m\x1b[2;1H\x1b[K");
    CHECK(cell_shows(&t, 1, 5, ' ', 0xaaaaaa, 0x0000aa, false));
    term_close(&t);
}

TEST(wrap_at_right_edge)
{
    struct term t;
    term_open(&t, 10);
    char line[COLS + 4];
    memset(line, 'x', COLS + 3);
    line[COLS + 3] = 0;
    put(&t, line);
    CHECK_EQ(t.tty.cur_row, 1);
    CHECK_EQ(t.tty.cur_col, 3);
    CHECK(text_shows(&t, 1, "xx"));
    /* Exactly a full line then \n: no blank line in between. */
    put(&t, "\r\n");
    memset(line, 'y', COLS);
    line[COLS] = 0;
    put(&t, line);
    CHECK_EQ(t.tty.cur_row, 2);
    CHECK_EQ(t.tty.cur_col, COLS - 1);
    put(&t, "\n");
    CHECK_EQ(t.tty.cur_row, 3);
    CHECK_EQ(t.tty.cur_col, 0);
    term_close(&t);
}

static void write_numbered_lines(struct term *t, int from, int to,
                                 bool one_write)
{
    static char big[100000];
    size_t len = 0;
    for (int i = from; i < to; i++) {
        char l[32];
        int n = snprintf(l, sizeof l, "line %d\n", i);
        if (one_write) {
            memcpy(big + len, l, (size_t)n);
            len += (size_t)n;
        } else {
            tty_write(&t->tty, l, (size_t)n);
        }
    }
    if (one_write)
        tty_write(&t->tty, big, len);
}

TEST(scrolling_100_lines_matches_fresh_render)
{
    struct term a, b, fresh;
    term_open(&a, SCROLLBACK);
    term_open(&b, SCROLLBACK);
    term_open(&fresh, SCROLLBACK);
    write_numbered_lines(&a, 0, 100, false); /* scroll line by line */
    write_numbered_lines(&b, 0, 100, true);  /* 76 scrolls in one write */
    write_numbered_lines(&fresh, 100 - (ROWS - 1), 100, true); /* none */
    CHECK(same_pixels(&a, &fresh));
    CHECK(same_pixels(&b, &fresh));
    CHECK(text_shows(&a, ROWS - 2, "line 99"));
    CHECK(text_shows(&a, 0, "line 76"));
    CHECK_EQ(a.tty.history, 76);
    /* Partial scroll batches: some lines, a few at a time. */
    struct term c;
    term_open(&c, SCROLLBACK);
    for (int i = 0; i < 100; i += 7)
        write_numbered_lines(&c, i, i + 7 > 100 ? 100 : i + 7, true);
    CHECK(same_pixels(&c, &fresh));
    term_close(&a);
    term_close(&b);
    term_close(&c);
    term_close(&fresh);
}

TEST(scrollback_view)
{
    struct term t;
    term_open(&t, SCROLLBACK);
    write_numbered_lines(&t, 0, 100, false);
    tty_scroll_view(&t.tty, 10);
    CHECK_EQ(t.tty.view_offset, 10);
    CHECK(text_shows(&t, 0, "line 66"));
    CHECK(text_shows(&t, ROWS - 1, "line 90"));
    CHECK(cell_shows(&t, ROWS - 1, 7, ' ', 0xaaaaaa, 0, false)); /* no cursor */
    tty_scroll_view(&t.tty, 1000); /* clamped to the oldest line */
    CHECK_EQ(t.tty.view_offset, 76);
    CHECK(text_shows(&t, 0, "line 0"));
    CHECK_EQ(tty_history_cell(&t.tty, 76, 5)->ch, '0');
    CHECK(tty_history_cell(&t.tty, 77, 0) == NULL);
    tty_scroll_view(&t.tty, -1000);
    CHECK_EQ(t.tty.view_offset, 0);
    CHECK(text_shows(&t, 0, "line 76"));
    /* Output snaps the view back. */
    tty_scroll_view(&t.tty, 5);
    put(&t, "z");
    CHECK_EQ(t.tty.view_offset, 0);
    CHECK(text_shows(&t, ROWS - 1, "z"));
    CHECK(text_shows(&t, 0, "line 76"));
    /* Capacity: 1000 more lines keep exactly SCROLLBACK of history. */
    write_numbered_lines(&t, 100, 1100, true);
    CHECK_EQ(t.tty.history, SCROLLBACK);
    tty_scroll_view(&t.tty, 100000);
    char want[32];
    snprintf(want, sizeof want, "line %d", 1100 - (ROWS - 1) - SCROLLBACK);
    CHECK(text_shows(&t, 0, want));
    term_close(&t);
}

TEST(cursor_movement_and_erase)
{
    struct term t;
    term_open(&t, 10);
    put(&t, "\x1b[5;10HX");
    CHECK_EQ(tty_cell_at(&t.tty, 4, 9)->ch, 'X');
    put(&t, "\x1b[2AU\x1b[3BD\x1b[4CR\x1b[20DL");
    CHECK_EQ(tty_cell_at(&t.tty, 2, 10)->ch, 'U');
    CHECK_EQ(tty_cell_at(&t.tty, 5, 11)->ch, 'D');
    CHECK_EQ(tty_cell_at(&t.tty, 5, 16)->ch, 'R');
    CHECK_EQ(tty_cell_at(&t.tty, 5, 0)->ch, 'L');
    put(&t, "\x1b[999;999HE"); /* clamped to the corner */
    CHECK_EQ(tty_cell_at(&t.tty, ROWS - 1, COLS - 1)->ch, 'E');
    put(&t, "\x1b[H\x1b[0;0fA\x1b[3;3f"); /* 0 means 1 */
    CHECK_EQ(tty_cell_at(&t.tty, 0, 0)->ch, 'A');
    CHECK_EQ(t.tty.cur_row, 2);
    CHECK_EQ(t.tty.cur_col, 2);
    /* \b \t \r */
    put(&t, "\x1b[10;1Habc\bZ\tT\rR");
    CHECK_EQ(tty_cell_at(&t.tty, 9, 0)->ch, 'R');
    CHECK_EQ(tty_cell_at(&t.tty, 9, 2)->ch, 'Z');
    CHECK_EQ(tty_cell_at(&t.tty, 9, 8)->ch, 'T');
    /* EL 0/1/2 */
    put(&t, "\x1b[11;1H0123456789\x1b[11;5H\x1b[K");
    CHECK_EQ(tty_cell_at(&t.tty, 10, 3)->ch, '3');
    CHECK_EQ(tty_cell_at(&t.tty, 10, 4)->ch, ' ');
    CHECK(cell_shows(&t, 10, 5, ' ', 0xaaaaaa, 0, false));
    put(&t, "\x1b[12;1H0123456789\x1b[12;5H\x1b[1K");
    CHECK_EQ(tty_cell_at(&t.tty, 11, 4)->ch, ' ');
    CHECK_EQ(tty_cell_at(&t.tty, 11, 5)->ch, '5');
    put(&t, "\x1b[2K");
    CHECK_EQ(tty_cell_at(&t.tty, 11, 9)->ch, ' ');
    CHECK(cell_shows(&t, 11, 9, ' ', 0xaaaaaa, 0, false));
    /* ED 0 and 1 */
    put(&t, "\x1b[20;1Hbelow\x1b[15;3H\x1b[J");
    CHECK_EQ(tty_cell_at(&t.tty, 19, 0)->ch, ' ');
    CHECK_EQ(tty_cell_at(&t.tty, 14, 1)->ch, ' '); /* was blank anyway */
    CHECK_EQ(tty_cell_at(&t.tty, 9, 0)->ch, 'R');
    put(&t, "\x1b[10;2H\x1b[1J");
    CHECK_EQ(tty_cell_at(&t.tty, 9, 0)->ch, ' ');
    CHECK_EQ(tty_cell_at(&t.tty, 4, 9)->ch, ' ');
    /* ED 2 clears everything, pixels included. */
    put(&t, "\x1b[1;1Hsome text\x1b[2J");
    for (uint32_t c = 0; c < 9; c++)
        CHECK(cell_shows(&t, 0, c, ' ', 0xaaaaaa, 0, false));
    /* Save/restore, both forms, with attributes. */
    put(&t, "\x1b[3;4H\x1b[31m\x1b" "7\x1b[10;10H\x1b[0m\x1b" "8S");
    CHECK_EQ(tty_cell_at(&t.tty, 2, 3)->ch, 'S');
    CHECK_EQ(tty_cell_at(&t.tty, 2, 3)->fg, 1);
    put(&t, "\x1b[0m\x1b[6;7H\x1b[s\x1b[1;1H\x1b[uQ");
    CHECK_EQ(tty_cell_at(&t.tty, 5, 6)->ch, 'Q');
    /* Hidden cursor is not drawn; BEL and unknown sequences do nothing. */
    put(&t, "\x1b[?25l\x1b[1;1H\a\x1b[5n\x1b]0;title\a\x1b(B\x1b[?1049h");
    CHECK(cell_shows(&t, 0, 0, ' ', 0xaaaaaa, 0, false));
    put(&t, "\x1b[?25h");
    CHECK(cell_shows(&t, 0, 0, ' ', 0, 0xaaaaaa, false));
    tty_set_cursor_shape(&t.tty, TTY_CURSOR_UNDERLINE);
    put(&t, "");
    CHECK_EQ(t.px[15 * FB_W + 3], 0xaaaaaa);
    CHECK_EQ(t.px[13 * FB_W + 3], 0);
    term_close(&t);
}

/* What player --text sends (docs/player.md "Text mode"): synchronized-
 * update markers are consumed without effect, the half blocks arrive as
 * UTF-8 and draw the font's glyphs in bright white on black. */
TEST(text_mode_player_stream)
{
    struct term t;
    term_open(&t, 0);
    put(&t, "\x1b[?25l\x1b[0;97;40m\x1b[2J\x1b[?2026h\x1b[2;3H\xe2\x96\x80\xe2\x96\x84"
            "\xe2\x96\x88 \xe2\xa3\xbf\x1b[?2026l");
    CHECK(cell_shows(&t, 1, 2, 0x2580, 0xffffff, 0, false));
    CHECK(cell_shows(&t, 1, 3, 0x2584, 0xffffff, 0, false));
    CHECK(cell_shows(&t, 1, 4, 0x2588, 0xffffff, 0, false));
    CHECK(cell_shows(&t, 1, 5, ' ', 0xffffff, 0, false));
    CHECK(cell_shows(&t, 1, 6, 0x28ff, 0xffffff, 0, false));
    CHECK(cell_shows(&t, 1, 7, ' ', 0xffffff, 0, false));   /* nothing printed */
    CHECK(cell_shows(&t, 0, 0, ' ', 0xffffff, 0, false));
    put(&t, "\x1b[?2026l\x1b[0m\x1b[?25h\x1b[4;1Hok");
    CHECK(cell_shows(&t, 3, 0, 'o', 0xaaaaaa, 0, false));
    term_close(&t);
}

TEST(suspend_keeps_grid_without_drawing)
{
    struct term t, fresh;
    term_open(&t, 50);
    term_open(&fresh, 50);
    put(&t, "before\n");
    tty_set_suspended(&t.tty, true);
    memset(t.px, 0x33, (size_t)FB_W * FB_H * 4); /* a process draws */
    struct fb_rect d;
    fb_damage_take(&t.fb, &d);
    put(&t, "during\n\x1b[32mgreen\x1b[0m\n");
    CHECK(!fb_damage_take(&t.fb, &d));
    CHECK_EQ(t.px[0], 0x33333333);
    tty_scroll_view(&t.tty, 1);
    CHECK_EQ(t.px[0], 0x33333333);
    tty_set_suspended(&t.tty, false);
    put(&fresh, "before\nduring\n\x1b[32mgreen\x1b[0m\n");
    CHECK(same_pixels(&t, &fresh));
    term_close(&t);
    term_close(&fresh);
}

static uint32_t rnd(void)
{
    return (uint32_t)check_rng();
}

TEST(random_bytes_never_break_it)
{
    struct term t;
    term_open(&t, 20);
    static const char alphabet[] = "\x1b[;?0123456789mHJKABCDsuhl78]\a\n\r\b\t"
                                   "\x18\xc3\xa9\xe2";
    uint8_t buf[512];
    for (int iter = 0; iter < 3000; iter++) {
        size_t n = rnd() % sizeof buf;
        for (size_t i = 0; i < n; i++)
            buf[i] = rnd() % 3 ? (uint8_t)alphabet[rnd() % (sizeof alphabet - 1)]
                               : (uint8_t)rnd();
        tty_write(&t.tty, buf, n);
        if (iter % 50 == 0)
            tty_scroll_view(&t.tty, (int32_t)(rnd() % 40) - 20);
        if (iter % 97 == 0)
            tty_set_suspended(&t.tty, !t.tty.suspended);
        CHECK(t.tty.cur_row < ROWS && t.tty.cur_col < COLS);
    }
    tty_set_suspended(&t.tty, false);
    for (uint32_t r = 0; r < ROWS; r++)
        for (uint32_t c = 0; c < COLS; c++) {
            const struct tty_cell *cell = tty_cell_at(&t.tty, r, c);
            CHECK(cell->fg < 16 && cell->bg < 16);
        }
    /* After a reset the terminal works normally again. */
    put(&t, "\x18\x1b" "c\x1b[0mok");
    CHECK(text_shows(&t, 0, "ok"));
    term_close(&t);
}

TEST(tiny_terminals_survive_random_bytes)
{
    /* 1x1, 1 column, 1 row, and a fb just short of a cell in one axis. */
    static const uint32_t sizes[][2] = {{8, 16}, {12, 50}, {50, 20}, {7, 40}};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        uint32_t w = sizes[s][0], h = sizes[s][1];
        uint32_t *px = malloc((size_t)w * h * 4);
        struct fb fb;
        CHECK_EQ(fb_init(&fb, px, w, h, w * 4), 0);
        size_t n = tty_cells_needed(&fb, &font, 3);
        struct tty tty;
        if (w < 8) {
            CHECK_EQ(n, 0);
            CHECK_EQ(tty_init(&tty, &fb, &font, NULL, 0, 3), -EINVAL);
            free(px);
            continue;
        }
        struct tty_cell *cells = malloc(n * sizeof *cells);
        CHECK_EQ(tty_init(&tty, &fb, &font, cells, n, 3), 0);
        uint8_t buf[64];
        for (int iter = 0; iter < 2000; iter++) {
            for (size_t i = 0; i < sizeof buf; i++)
                buf[i] = rnd() % 2 ? (uint8_t)"\x1b[;1Hx\n\t\b"[rnd() % 9]
                                   : (uint8_t)rnd();
            tty_write(&tty, buf, sizeof buf);
            if (iter % 10 == 0)
                tty_scroll_view(&tty, (int32_t)(rnd() % 7) - 3);
        }
        CHECK(tty.cur_row < tty.rows && tty.cur_col < tty.cols);
        free(cells);
        free(px);
    }
}

int main(void)
{
    CHECK_EQ(psf2_parse(&font, font_default_psf, font_default_psf_len), 0);
    RUN(init_checks_storage_and_clears_screen);
    RUN(hello_matches_glyph_bitmaps);
    RUN(sgr_colours_land_in_cells);
    RUN(wrap_at_right_edge);
    RUN(scrolling_100_lines_matches_fresh_render);
    RUN(scrollback_view);
    RUN(cursor_movement_and_erase);
    RUN(text_mode_player_stream);
    RUN(suspend_keeps_grid_without_drawing);
    RUN(random_bytes_never_break_it);
    RUN(tiny_terminals_survive_random_bytes);
    return check_summary();
}
