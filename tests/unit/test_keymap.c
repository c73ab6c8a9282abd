/*
 * tests/unit/test_keymap.c — gfx/keymap.c: Linux key codes with press /
 * release / repeat values to US-layout terminal bytes and actions.
 */
#include <stdint.h>

#include "check.h"
#include "gfx/keymap.h"

static struct keymap_state st;
static char got[64];

static void press(uint16_t code) { struct keymap_result r; keymap_event(&st, EV_KEY, code, 1, &r); }
static void release(uint16_t code) { struct keymap_result r; keymap_event(&st, EV_KEY, code, 0, &r); }

/* Press and release code; the bytes produced (as a string). */
static const char *tap(uint16_t code)
{
    struct keymap_result r;
    keymap_event(&st, EV_KEY, code, 1, &r);
    memcpy(got, r.bytes, r.len);
    got[r.len] = 0;
    struct keymap_result up;
    keymap_event(&st, EV_KEY, code, 0, &up);
    CHECK_EQ(up.action, KEYMAP_NONE);
    return got;
}

static const char *type(const uint16_t *codes, size_t n)
{
    static char all[64];
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = tap(codes[i]);
        size_t l = strlen(s);
        memcpy(all + len, s, l);
        len += l;
    }
    all[len] = 0;
    return all;
}

TEST(plain_and_shifted)
{
    keymap_init(&st);
    static const uint16_t hello[] = {35, 18, 38, 38, 24}; /* h e l l o */
    CHECK_STR(type(hello, 5), "hello");
    CHECK_STR(tap(KEY_1), "1");
    CHECK_STR(tap(KEY_SPACE), " ");
    CHECK_STR(tap(KEY_SLASH), "/");
    CHECK_STR(tap(KEY_GRAVE), "`");
    press(KEY_LEFTSHIFT);
    CHECK_STR(type(hello, 5), "HELLO");
    CHECK_STR(tap(KEY_1), "!");
    CHECK_STR(tap(KEY_2), "@");
    CHECK_STR(tap(KEY_APOSTROPHE), "\"");
    CHECK_STR(tap(KEY_BACKSLASH), "|");
    release(KEY_LEFTSHIFT);
    press(KEY_RIGHTSHIFT);
    CHECK_STR(tap(KEY_A), "A");
    release(KEY_RIGHTSHIFT);
    CHECK_STR(tap(KEY_A), "a");
    /* Keypad. */
    CHECK_STR(tap(KEY_KP7), "7");
    CHECK_STR(tap(KEY_KPSLASH), "/");
    CHECK_STR(tap(KEY_KPENTER), "\r");
}

TEST(caps_lock_letters_only)
{
    keymap_init(&st);
    tap(KEY_CAPSLOCK);
    CHECK(st.caps_lock);
    CHECK_STR(tap(KEY_Q), "Q");
    CHECK_STR(tap(KEY_1), "1");
    CHECK_STR(tap(KEY_SEMICOLON), ";");
    press(KEY_LEFTSHIFT);
    CHECK_STR(tap(KEY_Q), "q"); /* Shift inverts Caps Lock */
    CHECK_STR(tap(KEY_1), "!");
    release(KEY_LEFTSHIFT);
    /* Autorepeat of Caps Lock does not toggle again. */
    struct keymap_result r;
    keymap_event(&st, EV_KEY, KEY_CAPSLOCK, 1, &r);
    keymap_event(&st, EV_KEY, KEY_CAPSLOCK, 2, &r);
    keymap_event(&st, EV_KEY, KEY_CAPSLOCK, 0, &r);
    CHECK(!st.caps_lock);
    CHECK_STR(tap(KEY_Q), "q");
}

TEST(ctrl_combinations)
{
    keymap_init(&st);
    press(KEY_LEFTCTRL);
    CHECK_STR(tap(KEY_C), "\x03");
    CHECK_STR(tap(KEY_A), "\x01");
    CHECK_STR(tap(KEY_Z), "\x1a");
    CHECK_STR(tap(KEY_D), "\x04");
    CHECK_STR(tap(KEY_U), "\x15");
    CHECK_STR(tap(KEY_LEFTBRACE), "\x1b");
    CHECK_EQ(tap(KEY_SPACE)[0], 0);
    struct keymap_result r;
    keymap_event(&st, EV_KEY, KEY_2, 1, &r);
    CHECK_EQ(r.len, 1);
    CHECK_EQ(r.bytes[0], 0);
    CHECK_STR(tap(KEY_BACKSPACE), "\b");
    press(KEY_LEFTSHIFT); /* Ctrl+Shift+C is still ^C */
    CHECK_STR(tap(KEY_C), "\x03");
    release(KEY_LEFTSHIFT);
    release(KEY_LEFTCTRL);
    press(KEY_RIGHTCTRL);
    CHECK_STR(tap(KEY_C), "\x03");
    release(KEY_RIGHTCTRL);
    CHECK_STR(tap(KEY_C), "c");
    tap(KEY_CAPSLOCK);
    press(KEY_LEFTCTRL);
    CHECK_STR(tap(KEY_C), "\x03"); /* Caps Lock does not change controls */
    release(KEY_LEFTCTRL);
    press(KEY_LEFTALT);
    CHECK_STR(tap(KEY_Z), "\x1bZ");
    release(KEY_LEFTALT);
}

TEST(special_keys_and_sequences)
{
    keymap_init(&st);
    CHECK_STR(tap(KEY_UP), "\x1b[A");
    CHECK_STR(tap(KEY_DOWN), "\x1b[B");
    CHECK_STR(tap(KEY_RIGHT), "\x1b[C");
    CHECK_STR(tap(KEY_LEFT), "\x1b[D");
    CHECK_STR(tap(KEY_HOME), "\x1b[1~");
    CHECK_STR(tap(KEY_END), "\x1b[4~");
    CHECK_STR(tap(KEY_DELETE), "\x1b[3~");
    CHECK_STR(tap(KEY_INSERT), "\x1b[2~");
    CHECK_STR(tap(KEY_PAGEUP), "\x1b[5~");
    CHECK_STR(tap(KEY_PAGEDOWN), "\x1b[6~");
    CHECK_STR(tap(KEY_ENTER), "\r");
    CHECK_STR(tap(KEY_BACKSPACE), "\x7f");
    CHECK_STR(tap(KEY_TAB), "\t");
    CHECK_STR(tap(KEY_ESC), "\x1b");
    CHECK_STR(tap(KEY_F1), "\x1bOP");
    CHECK_STR(tap(KEY_F12), "\x1b[24~");
    press(KEY_LEFTSHIFT);
    CHECK_STR(tap(KEY_TAB), "\x1b[Z");
    release(KEY_LEFTSHIFT);
    /* Autorepeat produces bytes again; release nothing. */
    struct keymap_result r;
    CHECK_EQ(keymap_event(&st, EV_KEY, KEY_UP, 2, &r), KEYMAP_BYTES);
    CHECK_EQ(r.len, 3);
    CHECK_EQ(keymap_event(&st, EV_KEY, KEY_UP, 0, &r), KEYMAP_NONE);
    /* Other event types and unknown codes are ignored. */
    CHECK_EQ(keymap_event(&st, 0, KEY_A, 1, &r), KEYMAP_NONE);
    CHECK_EQ(keymap_event(&st, 4, KEY_A, 1, &r), KEYMAP_NONE);
    CHECK_EQ(keymap_event(&st, EV_KEY, 0x2ff, 1, &r), KEYMAP_NONE);
    CHECK_EQ(keymap_event(&st, EV_KEY, KEY_NUMLOCK, 1, &r), KEYMAP_NONE);
    CHECK_EQ(r.len, 0);
}

TEST(shift_pgup_pgdn_scroll_the_view)
{
    keymap_init(&st);
    struct keymap_result r;
    press(KEY_LEFTSHIFT);
    CHECK_EQ(keymap_event(&st, EV_KEY, KEY_PAGEUP, 1, &r), KEYMAP_SCROLL_UP);
    CHECK_EQ(r.len, 0);
    CHECK_EQ(keymap_event(&st, EV_KEY, KEY_PAGEUP, 2, &r), KEYMAP_SCROLL_UP);
    CHECK_EQ(keymap_event(&st, EV_KEY, KEY_PAGEUP, 0, &r), KEYMAP_NONE);
    CHECK_EQ(keymap_event(&st, EV_KEY, KEY_PAGEDOWN, 1, &r),
             KEYMAP_SCROLL_DOWN);
    release(KEY_LEFTSHIFT);
    CHECK_EQ(keymap_event(&st, EV_KEY, KEY_PAGEUP, 1, &r), KEYMAP_BYTES);
    CHECK_EQ(r.len, 4);
}

int main(void)
{
    RUN(plain_and_shifted);
    RUN(caps_lock_letters_only);
    RUN(ctrl_combinations);
    RUN(special_keys_and_sequences);
    RUN(shift_pgup_pgdn_scroll_the_view);
    return check_summary();
}
