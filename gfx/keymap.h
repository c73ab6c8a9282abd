/*
 * gfx/keymap.h — Linux input key events (as virtio-input delivers them:
 * type EV_KEY = 1, code KEY_*, value 1 press / 0 release / 2 autorepeat)
 * to the bytes a terminal sends, for a US keyboard layout.
 *
 * keymap_event() tracks the modifiers (both Shifts, both Ctrls, both Alts,
 * Caps Lock toggling on press) in struct keymap_state and, for a press or
 * repeat, yields:
 *   printable keys: US layout, Shift for the upper row; Caps Lock inverts
 *     the case of letters only; Ctrl+letter 0x01..0x1a, Ctrl+[ \ ] 0x1b..
 *     0x1d, Ctrl+Space/Ctrl+2 0x00, Ctrl+6 0x1e, Ctrl+-// 0x1f; Alt
 *     prefixes ESC (meta);
 *   Enter / keypad Enter '\r', Backspace 0x7f (Ctrl: 0x08), Tab '\t'
 *     (Shift+Tab ESC [ Z), Esc 0x1b;
 *   arrows ESC [ A/B/C/D (up/down/right/left), Home ESC [1~, Insert ESC [2~,
 *     Delete ESC [3~, End ESC [4~, PgUp ESC [5~, PgDn ESC [6~,
 *     F1-F4 ESC O P..S, F5-F12 ESC [15~ 17~ 18~ 19~ 20~ 21~ 23~ 24~;
 *   keypad digits and operators as their characters (Num Lock assumed on);
 *   Shift+PgUp / Shift+PgDn: KEYMAP_SCROLL_UP / KEYMAP_SCROLL_DOWN, no
 *     bytes (the console scrolls its view: tty_scroll_view).
 * Releases, modifier keys and unknown codes yield KEYMAP_NONE; events of
 * other types are ignored.
 */
#ifndef GFX_KEYMAP_H
#define GFX_KEYMAP_H

#include <stdbool.h>
#include <stdint.h>

#define EV_KEY 1

/* Linux key codes used here (include/uapi/linux/input-event-codes.h). */
enum {
    KEY_ESC = 1, KEY_1 = 2, KEY_2 = 3, KEY_6 = 7, KEY_0 = 11, KEY_MINUS = 12,
    KEY_EQUAL = 13, KEY_BACKSPACE = 14, KEY_TAB = 15, KEY_Q = 16,
    KEY_LEFTBRACE = 26, KEY_RIGHTBRACE = 27, KEY_ENTER = 28,
    KEY_LEFTCTRL = 29, KEY_A = 30, KEY_C = 46, KEY_D = 32, KEY_U = 22,
    KEY_SEMICOLON = 39, KEY_APOSTROPHE = 40, KEY_GRAVE = 41,
    KEY_LEFTSHIFT = 42, KEY_BACKSLASH = 43, KEY_Z = 44, KEY_COMMA = 51,
    KEY_DOT = 52, KEY_SLASH = 53, KEY_RIGHTSHIFT = 54, KEY_KPASTERISK = 55,
    KEY_LEFTALT = 56, KEY_SPACE = 57, KEY_CAPSLOCK = 58, KEY_F1 = 59,
    KEY_F10 = 68, KEY_NUMLOCK = 69, KEY_SCROLLLOCK = 70, KEY_KP7 = 71,
    KEY_KP8 = 72, KEY_KP9 = 73, KEY_KPMINUS = 74, KEY_KP4 = 75, KEY_KP5 = 76,
    KEY_KP6 = 77, KEY_KPPLUS = 78, KEY_KP1 = 79, KEY_KP2 = 80, KEY_KP3 = 81,
    KEY_KP0 = 82, KEY_KPDOT = 83, KEY_F11 = 87, KEY_F12 = 88,
    KEY_KPENTER = 96, KEY_RIGHTCTRL = 97, KEY_KPSLASH = 98,
    KEY_RIGHTALT = 100, KEY_HOME = 102, KEY_UP = 103, KEY_PAGEUP = 104,
    KEY_LEFT = 105, KEY_RIGHT = 106, KEY_END = 107, KEY_DOWN = 108,
    KEY_PAGEDOWN = 109, KEY_INSERT = 110, KEY_DELETE = 111,
};

enum keymap_action {
    KEYMAP_NONE,        /* nothing to do */
    KEYMAP_BYTES,       /* send bytes[0..len) to the line discipline */
    KEYMAP_SCROLL_UP,   /* Shift+PgUp: scroll the console view back */
    KEYMAP_SCROLL_DOWN, /* Shift+PgDn: scroll it forward */
};

struct keymap_state {
    bool lshift, rshift, lctrl, rctrl, lalt, ralt;
    bool caps_lock;
};

struct keymap_result {
    enum keymap_action action;
    uint8_t len;
    char bytes[8];
};

void keymap_init(struct keymap_state *st);

/* One input event; returns out->action. */
enum keymap_action keymap_event(struct keymap_state *st, uint16_t type,
                                uint16_t code, int32_t value,
                                struct keymap_result *out);

#endif
