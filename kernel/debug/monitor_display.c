/*
 * kernel/debug/monitor_display.c — monitor commands that exercise the display
 * (used by tests/e2e/test_display.py and tests/bench/bench_display.py):
 *
 *   colortest          one line per SGR colour group (fg 30-37, 90-97, bg
 *                      40-47), each colour as a two-cell swatch
 *   lines N            N numbered lines "line I of N"
 *   fbtest [close]     open /dev/fb0 through the VFS (console suspended),
 *                      fill the whole framebuffer through its mmap address
 *                      with a test pattern, present only FBTEST_RECT via
 *                      the FBIOC_PRESENT kernel half; keeps fb0 open until
 *                      `fbtest close` (then the console repaints)
 *   conbench N         N 80-column lines through kprintf (serial + screen)
 *                      and N straight to the screen console; lines/second
 *   presentbench N     N synchronous presents of the full frame and of a
 *                      64x64 rectangle; microseconds each
 *   kbdread N          read and print N raw events from /dev/input/kbd
 *   display            GPU and keyboard counters
 */
#include "kernel/debug/monitor_cmds.h"

#include "drivers/display.h"
#include "drivers/input.h"
#include "fs/vfs.h"
#include "gfx/fbdev.h"
#include "gfx/screen.h"
#include "kernel/arch/console.h"
#include "kernel/arch/memlayout.h"
#include "kernel/lib/string.h"
#include "kernel/arch/timer.h"

/* The rectangle fbtest presents (the e2e test knows it). */
#define FBTEST_X 600
#define FBTEST_Y 200
#define FBTEST_W 320
#define FBTEST_H 160

static int parse_count(const char *s, uint32_t max, uint32_t *out)
{
    uint32_t v = 0;
    if (!s || !*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > max)
            return -1;
        v = v * 10 + (uint32_t)(*s - '0');
    }
    if (v == 0 || v > max)
        return -1;
    *out = v;
    return 0;
}

static int cmd_colortest(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    static const char *const groups[3][2] = {
        { "fg ", "3" }, { "bfg", "9" }, { "bg ", "4" },
    };
    for (int g = 0; g < 3; g++) {
        kprintf("%s", groups[g][0]);
        for (int c = 0; c < 8; c++)
            kprintf(" \x1b[%s%dm%s\x1b[0m", groups[g][1], c, g == 2 ? "  " : "##");
        kprintf("\n");
    }
    return 0;
}

static int cmd_lines(int argc, char **argv)
{
    uint32_t n;
    if (argc != 2 || parse_count(argv[1], 100000, &n) < 0) {
        kprintf("usage: lines N (1-100000)\n");
        return 2;
    }
    for (uint32_t i = 1; i <= n; i++)
        kprintf("line %u of %u\n", i, n);
    return 0;
}

static uint32_t fbtest_pixel(uint32_t x, uint32_t y)
{
    return ((x * 3) & 0xff) << 16 | ((y * 5) & 0xff) << 8 | ((x + y) & 0xff);
}

static struct file *fbtest_file;

static int cmd_fbtest(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "close") == 0) {
        if (!fbtest_file) {
            kprintf("fbtest: not open\n");
            return 1;
        }
        file_put(fbtest_file);
        fbtest_file = NULL;
        kprintf("fbtest: closed\n");
        return 0;
    }
    struct file *f;
    int err = vfs_open(NULL, "/dev/fb0", O_RDWR, 0, &f);
    if (err) {
        kprintf("fbtest: open /dev/fb0: error %d\n", err);
        return 1;
    }
    struct fb_geometry info;
    uint64_t pa;
    err = fbdev_get_info(&info);
    if (!err)
        err = f->ops->mmap(f, 0, info.size, &pa);
    if (err) {
        kprintf("fbtest: fb0 info/mmap: error %d\n", err);
        file_put(f);
        return 1;
    }
    /* The same pages a process would get from mmap. */
    uint8_t *pixels = pa_to_kva(pa);
    for (uint32_t y = 0; y < info.height; y++) {
        uint32_t *row = (uint32_t *)(void *)(pixels + (uint64_t)y * info.stride);
        for (uint32_t x = 0; x < info.width; x++)
            row[x] = fbtest_pixel(x, y);
    }
    struct fb_present r = { FBTEST_X, FBTEST_Y, FBTEST_W, FBTEST_H };
    err = fbdev_present(&r);
    fbtest_file = f;
    kprintf("fbtest: %ux%u stride %u format %u size %lu; presented %ux%u at %u,%u: %d\n",
            info.width, info.height, info.stride, info.format, info.size, r.w, r.h, r.x, r.y,
            err);
    return err ? 1 : 0;
}

static int cmd_conbench(int argc, char **argv)
{
    uint32_t n;
    if (argc != 2 || parse_count(argv[1], 100000, &n) < 0) {
        kprintf("usage: conbench N\n");
        return 2;
    }
    static char line[96];
    uint64_t t0 = uptime_us();
    for (uint32_t i = 0; i < n; i++)
        kprintf("conbench %06u the quick brown fox jumps over the lazy dog 0123456789 ABCDEF\n",
                i);
    uint64_t t1 = uptime_us();
    for (uint32_t i = 0; i < n; i++) {
        size_t len = 0;
        const char *p = "screen-only the quick brown fox jumps over the lazy dog 0123456789 ABC ";
        while (*p)
            line[len++] = *p++;
        for (uint32_t d = 100000; d; d /= 10)
            line[len++] = (char)('0' + (i / d) % 10);
        line[len++] = '\n';
        screen_write_text(line, len);
    }
    uint64_t t2 = uptime_us();
    uint64_t a = t1 - t0 ? t1 - t0 : 1, b = t2 - t1 ? t2 - t1 : 1;
    kprintf("conbench: %u lines: console %lu us (%lu lines/s), screen only %lu us "
            "(%lu lines/s)\n",
            n, a, (uint64_t)n * 1000000 / a, b, (uint64_t)n * 1000000 / b);
    return 0;
}

static int cmd_presentbench(int argc, char **argv)
{
    uint32_t n;
    if (argc != 2 || parse_count(argv[1], 100000, &n) < 0) {
        kprintf("usage: presentbench N\n");
        return 2;
    }
    const struct display *g = display_get();
    if (!g) {
        kprintf("presentbench: no display\n");
        return 1;
    }
    struct display_rect full = { 0, 0, g->width, g->height }, small = { 64, 64, 64, 64 };
    int err = 0;
    uint64_t t0 = uptime_us();
    for (uint32_t i = 0; i < n && !err; i++)
        err = g->present_wait(&full);
    uint64_t t1 = uptime_us();
    for (uint32_t i = 0; i < n && !err; i++)
        err = g->present_wait(&small);
    uint64_t t2 = uptime_us();
    kprintf("presentbench: %u presents: full %ux%u %lu us each, 64x64 %lu us each%s\n", n,
            g->width, g->height, (t1 - t0) / n, (t2 - t1) / n, err ? " (errors)" : "");
    return err ? 1 : 0;
}

static int cmd_kbdread(int argc, char **argv)
{
    uint32_t n;
    if (argc != 2 || parse_count(argv[1], 1000, &n) < 0) {
        kprintf("usage: kbdread N\n");
        return 2;
    }
    struct file *f;
    int err = vfs_open(NULL, "/dev/input/kbd", O_RDONLY, 0, &f);
    if (err) {
        kprintf("kbdread: open /dev/input/kbd: error %d\n", err);
        return 1;
    }
    kprintf("kbdread: waiting for %u events\n", n);
    for (uint32_t i = 0; i < n;) {
        struct input_event_raw ev[4];
        int64_t got = vfs_read(f, ev, sizeof ev);
        if (got < 0) {
            kprintf("kbdread: read: error %ld\n", got);
            file_put(f);
            return 1;
        }
        for (int64_t k = 0; k < got / (int64_t)sizeof *ev && i < n; k++, i++)
            kprintf("event type %u code %u value %u\n", ev[k].type, ev[k].code, ev[k].value);
    }
    file_put(f);
    return 0;
}

static int cmd_display(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct display_stats gs = { 0 };
    struct input_stats is = { 0 };
    if (display_get())
        display_get()->get_stats(&gs);
    if (input_keyboard())
        input_keyboard()->get_stats(&is);
    uint32_t cols, rows;
    screen_size_cells(&cols, &rows);
    kprintf("console %ux%u cells; gpu: %lu presents (%lu done), %lu pixels sent, %lu errors; "
            "keyboard: %lu events, %lu dropped\n",
            cols, rows, gs.presents, gs.presents_done, gs.pixels_transferred, gs.errors,
            is.events, is.dropped);
    return 0;
}

const struct monitor_cmd monitor_display_cmds[] = {
    { "colortest", cmd_colortest },
    { "lines", cmd_lines },
    { "fbtest", cmd_fbtest },
    { "conbench", cmd_conbench },
    { "presentbench", cmd_presentbench },
    { "kbdread", cmd_kbdread },
    { "display", cmd_display },
    { NULL, NULL },
};
