/*
 * gfx/screen.h — the display as a whole: the framebuffer of the display
 * (drivers/display.h), the on-screen TTY console on it, the keyboard
 * (drivers/input.h) feeding the console, and /dev/fb0. See docs/display.md.
 *
 * display_init() (kmain, after devices_init) takes the display and the
 * keyboard the drivers registered, starts the console on the display
 * (registered as the console's screen sink, so every later kprintf/klog and
 * everything written to /dev/console appears on screen too) and becomes the
 * keyboard's consumer. Without a display the keyboard still types into the
 * console.
 *
 * Drawing policy: console output draws into the framebuffer at once (with
 * interrupts off, like all console output) and hands the damaged rectangle
 * to the display's present(), which never waits (virtio-gpu: at most one
 * present in flight; damage arriving meanwhile is merged and sent when it
 * completes). So printing from an interrupt handler is safe and cheap.
 *
 * Ownership: while a process holds /dev/fb0 open the console is suspended
 * (its grid keeps updating, nothing is drawn); on release it repaints.
 */
#ifndef GFX_SCREEN_H
#define GFX_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gfx/fb.h"

#define SCREEN_SCROLLBACK_LINES 500

void display_init(void);

/* Switch the console to a PSF2 font (e.g. one loaded from
 * /usr/share/fonts). psf must stay valid while it is in use. 0, or
 * -EINVAL/-EOPNOTSUPP for a font psf2.c refuses, -ENODEV without a screen. */
int screen_set_font(const void *psf, size_t len);

/* True once the console draws on a framebuffer. */
bool screen_ready(void);
/* The framebuffer as a struct fb (NULL without a display). Callers serialize
 * with the console by keeping interrupts off while they draw through it, or
 * by owning fb0 (the console is suspended then). */
struct fb *screen_fb(void);
/* Console size in cells (0 without a screen). */
void screen_size_cells(uint32_t *cols, uint32_t *rows);

/* Write text to the screen console only (not to serial); for benchmarks. */
void screen_write_text(const char *s, size_t n);

/* Present the damage accumulated in screen_fb() (no wait). */
void screen_present_damage(void);

/* Scroll the console view back (+) or forward (-) by lines. */
void screen_scroll_view(int32_t lines);
/* Suspend (true) / resume and repaint (false) console drawing. */
void screen_set_suspended(bool suspended);

/* One Linux input event from the keyboard (interrupt context): the
 * keyboard's consumer (drivers/input.h). */
void screen_key_event(uint16_t type, uint16_t code, int32_t value);

#endif
