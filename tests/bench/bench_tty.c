/*
 * tests/bench/bench_tty.c — host throughput of the console: gfx/tty.c
 * drawing with the built-in 8x16 font into a 1280x720 framebuffer
 * (160x45 cells), 500 lines of scrollback.
 *
 * Built by bench_tty.py with gcc -O2, no sanitizers. Prints markdown table
 * rows (no header): lines per second for 80-column lines written one
 * tty_write per line (every line scrolls the pixels), 100 lines per write
 * (scrolls batched into one copy), short lines, coloured lines, plus the
 * raw cost of a full-screen repaint. Best of 3 runs each.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gfx/font_default.h"
#include "gfx/tty.h"

#define W 1280
#define H 720
#define SCROLLBACK 500

static struct fb fb;
static struct psf2_font font;
static struct tty tty;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Run `lines` lines in writes of `per_write` lines, built by make_line. */
static double run(int lines, int per_write,
                  int (*make_line)(char *buf, int i))
{
    static char buf[1 << 16];
    double best = 0;
    for (int rep = 0; rep < 3; rep++) {
        tty_write(&tty, "\x1b[2J\x1b[H", 7);
        double t0 = now();
        for (int i = 0; i < lines; i += per_write) {
            int len = 0;
            for (int k = 0; k < per_write && i + k < lines; k++)
                len += make_line(buf + len, i + k);
            tty_write(&tty, buf, (size_t)len);
        }
        double rate = lines / (now() - t0);
        if (rate > best)
            best = rate;
    }
    return best;
}

static int line80(char *buf, int i)
{
    int n = sprintf(buf, "%6d ", i);
    for (; n < 80; n++)
        buf[n] = (char)('!' + (i + n) % 90);
    buf[n++] = '\n';
    return n;
}

static int short_line(char *buf, int i)
{
    return sprintf(buf, "line %d\n", i);
}

static int colour_line(char *buf, int i)
{
    int n = 0;
    for (int w = 0; w < 8; w++)
        n += sprintf(buf + n, "\x1b[%d;1mword%d\x1b[0m ", 31 + (i + w) % 7, w);
    buf[n++] = '\n';
    return n;
}

int main(void)
{
    static uint32_t px[W * H];
    if (fb_init(&fb, px, W, H, W * 4) != 0 ||
        psf2_parse(&font, font_default_psf, font_default_psf_len) != 0)
        return 1;
    size_t n = tty_cells_needed(&fb, &font, SCROLLBACK);
    struct tty_cell *cells = malloc(n * sizeof *cells);
    if (!cells || tty_init(&tty, &fb, &font, cells, n, SCROLLBACK) != 0)
        return 1;

    printf("| 80-col lines, one write per line (scroll each) | %.0f lines/s |\n",
           run(10000, 1, line80));
    printf("| 80-col lines, 100 lines per write (batched scroll) | %.0f lines/s |\n",
           run(50000, 100, line80));
    printf("| short lines (\"line N\\n\"), one write each | %.0f lines/s |\n",
           run(10000, 1, short_line));
    printf("| coloured bold words (SGR), one write per line | %.0f lines/s |\n",
           run(10000, 1, colour_line));
    double best = 0;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = now();
        for (int i = 0; i < 50; i++)
            tty_repaint(&tty);
        double rate = 50 / (now() - t0);
        if (rate > best)
            best = rate;
    }
    printf("| full repaint (160x45 cells) | %.0f repaints/s |\n", best);
    free(cells);
    return 0;
}
