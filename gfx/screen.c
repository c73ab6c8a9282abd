/*
 * gfx/screen.c — see screen.h: the glue between the display's framebuffer,
 * the font, the TTY and the console, and the keyboard's key translation.
 *
 * Invariants: the fb, the tty and the keymap state are only touched with
 * interrupts off (console output already runs so; key events arrive in
 * the interrupt handler), so the console sink, the keyboard and /dev/fb0
 * never draw at the same time. Every change that reaches the framebuffer
 * through struct fb leaves damage, which screen_present_damage() hands to
 * the display without waiting.
 *
 * Boot log: the console replays what was printed before the screen came up
 * (console_set_screen_sink), so the screen shows the whole boot log; then
 * display_init prints a summary of the console on the display.
 */
#include "gfx/screen.h"

#include "drivers/display.h"
#include "drivers/input.h"
#include "gfx/fbdev.h"
#include "gfx/font_default.h"
#include "gfx/keymap.h"
#include "gfx/psf2.h"
#include "gfx/tty.h"
#include "kernel/arch/console.h"
#include "kernel/abi/errno.h"
#include "kernel/mm/kalloc.h"
#include "kernel/arch/riscv.h"

static const struct display *display; /* NULL without one */
static struct fb fb;
static struct psf2_font font;
static struct tty tty;
static bool ready;
static struct keymap_state keys;

bool screen_ready(void)
{
    return ready;
}

struct fb *screen_fb(void)
{
    return ready ? &fb : NULL;
}

void screen_size_cells(uint32_t *cols, uint32_t *rows)
{
    *cols = ready ? tty.cols : 0;
    *rows = ready ? tty.rows : 0;
}

void screen_present_damage(void)
{
    uint64_t flags = irq_save();
    struct fb_rect d;
    if (ready && fb_damage_take(&fb, &d)) {
        struct display_rect r = { (uint32_t)d.x, (uint32_t)d.y, (uint32_t)d.w, (uint32_t)d.h };
        display->present(&r);
    }
    irq_restore(flags);
}

/* The console's screen sink: called with interrupts off. */
static void screen_write(const char *s, size_t n)
{
    KASSERT_INTR_OFF();
    tty_write(&tty, s, n);
    screen_present_damage();
}

void screen_write_text(const char *s, size_t n)
{
    if (!ready)
        return;
    uint64_t flags = irq_save();
    screen_write(s, n);
    irq_restore(flags);
}

void screen_scroll_view(int32_t lines)
{
    if (!ready)
        return;
    uint64_t flags = irq_save();
    tty_scroll_view(&tty, lines);
    screen_present_damage();
    irq_restore(flags);
}

void screen_set_suspended(bool suspended)
{
    if (!ready)
        return;
    uint64_t flags = irq_save();
    tty_set_suspended(&tty, suspended);
    screen_present_damage();
    irq_restore(flags);
}

void screen_key_event(uint16_t type, uint16_t code, int32_t value)
{
    struct keymap_result out;
    switch (keymap_event(&keys, type, code, value, &out)) {
    case KEYMAP_BYTES:
        console_input(out.bytes, out.len);
        break;
    case KEYMAP_SCROLL_UP:
        screen_scroll_view(ready ? (int32_t)tty.rows - 1 : 0);
        break;
    case KEYMAP_SCROLL_DOWN:
        screen_scroll_view(ready ? -((int32_t)tty.rows - 1) : 0);
        break;
    case KEYMAP_NONE:
        break;
    }
}

/* Points the TTY at `f` with fresh cells; the old cells are freed. The
 * console's log ring is replayed into it (console_set_screen_sink), so the
 * screen shows the same text in the new font. */
static struct tty_cell *current_cells;

static int start_tty(const struct psf2_font *f)
{
    size_t ncells = tty_cells_needed(&fb, f, SCREEN_SCROLLBACK_LINES);
    size_t bytes = ncells * sizeof(struct tty_cell);
    struct tty_cell *cells =
        ncells ? kpages_alloc((bytes + PAGE_SIZE - 1) / PAGE_SIZE, 1, PAGE_OWNER_GFX) : NULL;
    if (!cells) {
        klog("screen: no memory for %lu console cells\n", ncells);
        return -ENOMEM;
    }
    console_set_screen_sink(NULL);
    uint64_t flags = irq_save();
    bool was_ready = ready;
    ready = false;
    struct psf2_font saved = font;
    font = *f;
    int err = tty_init(&tty, &fb, &font, cells, ncells, SCREEN_SCROLLBACK_LINES);
    if (err) {
        font = saved;
        ready = was_ready;
    } else {
        ready = true;
    }
    irq_restore(flags);
    if (err) {
        kpages_free(cells);
        if (was_ready)
            console_set_screen_sink(screen_write);
        return err;
    }
    if (current_cells)
        kpages_free(current_cells);
    current_cells = cells;
    console_set_screen_sink(screen_write); /* replays the log */
    uint16_t rows = (uint16_t)tty.rows, cols = (uint16_t)tty.cols;
    console_set_size(rows, cols);
    return 0;
}

static int console_init(void)
{
    int err = fb_init(&fb, display->pixels, display->width, display->height, display->stride);
    if (err)
        return err;
    struct psf2_font builtin;
    err = psf2_parse(&builtin, font_default_psf, font_default_psf_len);
    if (err) {
        klog("screen: the built-in font does not parse (error %d)\n", err);
        return err;
    }
    return start_tty(&builtin);
}

int screen_set_font(const void *psf, size_t len)
{
    if (!ready)
        return -ENODEV;
    struct psf2_font f;
    int err = psf2_parse(&f, psf, len);
    if (err)
        return err;
    return start_tty(&f);
}

void display_init(void)
{
    keymap_init(&keys);
    display = display_get();
    if (display && console_init() == 0) {
        klog("screen: console %ux%u cells (font %ux%u), %u lines of scrollback, "
             "on %s %ux%u\n",
             tty.cols, tty.rows, font.width, font.height, SCREEN_SCROLLBACK_LINES,
             display->name, display->width, display->height);
        fbdev_init();
    } else if (!display) {
        klog("screen: no display, console on serial only\n");
    }
    if (input_keyboard())
        input_set_consumer(screen_key_event);
    else
        klog("screen: no keyboard\n");
}
