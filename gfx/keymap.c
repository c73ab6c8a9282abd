/*
 * gfx/keymap.c — Linux key codes to terminal bytes, US layout (see
 * gfx/keymap.h). Two tables give each key's character without and with
 * Shift; special keys are handled by code before the tables.
 */
#include "gfx/keymap.h"

#include "kernel/lib/string.h"

#define NKEYS 128

/* US layout, indexed by key code; 0 = no character. */
static const char plain[NKEYS] = {
    [2] = '1', [3] = '2', [4] = '3', [5] = '4', [6] = '5', [7] = '6',
    [8] = '7', [9] = '8', [10] = '9', [11] = '0', [12] = '-', [13] = '=',
    [16] = 'q', [17] = 'w', [18] = 'e', [19] = 'r', [20] = 't', [21] = 'y',
    [22] = 'u', [23] = 'i', [24] = 'o', [25] = 'p', [26] = '[', [27] = ']',
    [30] = 'a', [31] = 's', [32] = 'd', [33] = 'f', [34] = 'g', [35] = 'h',
    [36] = 'j', [37] = 'k', [38] = 'l', [39] = ';', [40] = '\'', [41] = '`',
    [43] = '\\', [44] = 'z', [45] = 'x', [46] = 'c', [47] = 'v', [48] = 'b',
    [49] = 'n', [50] = 'm', [51] = ',', [52] = '.', [53] = '/', [57] = ' ',
    /* keypad, Num Lock on */
    [55] = '*', [71] = '7', [72] = '8', [73] = '9', [74] = '-', [75] = '4',
    [76] = '5', [77] = '6', [78] = '+', [79] = '1', [80] = '2', [81] = '3',
    [82] = '0', [83] = '.', [98] = '/',
};

static const char shifted[NKEYS] = {
    [2] = '!', [3] = '@', [4] = '#', [5] = '$', [6] = '%', [7] = '^',
    [8] = '&', [9] = '*', [10] = '(', [11] = ')', [12] = '_', [13] = '+',
    [16] = 'Q', [17] = 'W', [18] = 'E', [19] = 'R', [20] = 'T', [21] = 'Y',
    [22] = 'U', [23] = 'I', [24] = 'O', [25] = 'P', [26] = '{', [27] = '}',
    [30] = 'A', [31] = 'S', [32] = 'D', [33] = 'F', [34] = 'G', [35] = 'H',
    [36] = 'J', [37] = 'K', [38] = 'L', [39] = ':', [40] = '"', [41] = '~',
    [43] = '|', [44] = 'Z', [45] = 'X', [46] = 'C', [47] = 'V', [48] = 'B',
    [49] = 'N', [50] = 'M', [51] = '<', [52] = '>', [53] = '?', [57] = ' ',
    [55] = '*', [71] = '7', [72] = '8', [73] = '9', [74] = '-', [75] = '4',
    [76] = '5', [77] = '6', [78] = '+', [79] = '1', [80] = '2', [81] = '3',
    [82] = '0', [83] = '.', [98] = '/',
};

void keymap_init(struct keymap_state *st)
{
    memset(st, 0, sizeof *st);
}

static enum keymap_action emit(struct keymap_result *out, const char *s,
                               bool meta)
{
    size_t n = 0;
    if (meta)
        out->bytes[n++] = 0x1b;
    while (*s && n < sizeof out->bytes)
        out->bytes[n++] = *s++;
    out->len = (uint8_t)n;
    out->action = KEYMAP_BYTES;
    return out->action;
}

static enum keymap_action emit_byte(struct keymap_result *out, char c,
                                    bool meta)
{
    size_t n = 0;
    if (meta)
        out->bytes[n++] = 0x1b;
    out->bytes[n++] = c;
    out->len = (uint8_t)n;
    out->action = KEYMAP_BYTES;
    return out->action;
}

/* Ctrl held with a key whose plain character is c: the control code, or
 * -1 when Ctrl does not change the key. */
static int ctrl_code(char c)
{
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 1;
    switch (c) {
    case '[': return 0x1b;
    case '\\': return 0x1c;
    case ']': return 0x1d;
    case ' ':
    case '2': return 0x00;
    case '6': return 0x1e;
    case '-':
    case '/': return 0x1f;
    default: return -1;
    }
}

/* Escape sequences of the cursor and function keys, or NULL. */
static const char *special(uint16_t code, bool shift)
{
    switch (code) {
    case KEY_UP: return "\x1b[A";
    case KEY_DOWN: return "\x1b[B";
    case KEY_RIGHT: return "\x1b[C";
    case KEY_LEFT: return "\x1b[D";
    case KEY_HOME: return "\x1b[1~";
    case KEY_INSERT: return "\x1b[2~";
    case KEY_DELETE: return "\x1b[3~";
    case KEY_END: return "\x1b[4~";
    case KEY_PAGEUP: return "\x1b[5~";
    case KEY_PAGEDOWN: return "\x1b[6~";
    case KEY_TAB: return shift ? "\x1b[Z" : "\t";
    case KEY_ESC: return "\x1b";
    case KEY_ENTER:
    case KEY_KPENTER: return "\r";
    case KEY_F1: return "\x1bOP";
    case KEY_F1 + 1: return "\x1bOQ";
    case KEY_F1 + 2: return "\x1bOR";
    case KEY_F1 + 3: return "\x1bOS";
    case KEY_F1 + 4: return "\x1b[15~";
    case KEY_F1 + 5: return "\x1b[17~";
    case KEY_F1 + 6: return "\x1b[18~";
    case KEY_F1 + 7: return "\x1b[19~";
    case KEY_F1 + 8: return "\x1b[20~";
    case KEY_F10: return "\x1b[21~";
    case KEY_F11: return "\x1b[23~";
    case KEY_F12: return "\x1b[24~";
    default: return NULL;
    }
}

enum keymap_action keymap_event(struct keymap_state *st, uint16_t type,
                                uint16_t code, int32_t value,
                                struct keymap_result *out)
{
    out->action = KEYMAP_NONE;
    out->len = 0;
    if (type != EV_KEY)
        return KEYMAP_NONE;
    bool down = value != 0; /* 1 press, 2 autorepeat */
    switch (code) {
    case KEY_LEFTSHIFT: st->lshift = down; return KEYMAP_NONE;
    case KEY_RIGHTSHIFT: st->rshift = down; return KEYMAP_NONE;
    case KEY_LEFTCTRL: st->lctrl = down; return KEYMAP_NONE;
    case KEY_RIGHTCTRL: st->rctrl = down; return KEYMAP_NONE;
    case KEY_LEFTALT: st->lalt = down; return KEYMAP_NONE;
    case KEY_RIGHTALT: st->ralt = down; return KEYMAP_NONE;
    case KEY_CAPSLOCK:
        if (value == 1)
            st->caps_lock = !st->caps_lock;
        return KEYMAP_NONE;
    default: break;
    }
    if (!down)
        return KEYMAP_NONE;
    bool shift = st->lshift || st->rshift, ctrl = st->lctrl || st->rctrl;
    bool meta = st->lalt || st->ralt;

    if (shift && code == KEY_PAGEUP)
        return out->action = KEYMAP_SCROLL_UP;
    if (shift && code == KEY_PAGEDOWN)
        return out->action = KEYMAP_SCROLL_DOWN;
    if (code == KEY_BACKSPACE)
        return emit_byte(out, ctrl ? 0x08 : 0x7f, meta);
    const char *seq = special(code, shift);
    if (seq)
        return emit(out, seq, meta && seq[0] != 0x1b);
    if (code >= NKEYS || !plain[code])
        return KEYMAP_NONE;

    char c = shift ? shifted[code] : plain[code];
    bool letter = plain[code] >= 'a' && plain[code] <= 'z';
    if (letter && st->caps_lock) /* Caps Lock inverts Shift, letters only */
        c = shift ? plain[code] : shifted[code];
    if (ctrl) {
        int cc = ctrl_code(plain[code]);
        if (cc >= 0)
            return emit_byte(out, (char)cc, meta);
    }
    return emit_byte(out, c, meta);
}
