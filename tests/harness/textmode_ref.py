"""tests/harness/textmode_ref.py — what `player --text` must show, computed
on the host from the documented rule (docs/player.md, "Text mode"), written
again here in Python (not derived from user/player/textmode.c), for the
end-to-end tests that read the picture back: from screendumps of the screen
console (tests/e2e/test_textplay.py) or from a VT emulator fed the serial
bytes.

    lay = layout("half", cols, rows, w, h)       # Layout(gx, gy, pw, ph, ...)
    grid = cells(frame, w, h, lay, shades=False) # rows of (char, fg, bg)

`frame` is w*h bytes of gray (0..255), e.g. testclip.frame_pixels(f, w, h).
fg/bg are the SGR colour codes the player sends (97/40 unless shades).
"""
from collections import namedtuple

Layout = namedtuple("Layout", "glyphs gx gy pw ph cols rows x0 y0")
RAMP = " .:-=+*#%@"
SHADE_FG = (30, 90, 37, 97)
SHADE_BG = (40, 100, 47, 107)
# Braille dots 1..8 as (column, row) in the 2x4 cell; dot d is bit d-1.
BRAILLE_DOTS = ((0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (0, 3), (1, 3))


def layout(glyphs, term_cols, term_rows, w, h):
    """The picture's place: the largest whole-cell rectangle of the clip's
    aspect ratio in the terminal less its last row, centred."""
    gx, gy = (2, 4) if glyphs == "braille" else (1, 2)
    avail = term_rows - 1 if term_rows > 1 else 1
    mw, mh = term_cols * gx, avail * gy
    if mw * h <= mh * w:
        pw, ph = mw, mw * h // w
    else:
        pw, ph = mh * w // h, mh
    pw -= pw % gx
    ph -= ph % gy
    cols, rows = pw // gx, ph // gy
    return Layout(glyphs, gx, gy, pw, ph, cols, rows, (term_cols - cols) // 2,
                  (avail - rows) // 2)


def _boxes(src, sub):
    out = []
    for i in range(sub):
        lo, hi = i * src // sub, (i + 1) * src // sub
        out.append((lo, max(hi, lo + 1)))
    return out


def subpixels(frame, w, h, pw, ph):
    """The pw x ph grid of truncated box means."""
    xs, ys = _boxes(w, pw), _boxes(h, ph)
    # Column sums per source row first, then rows: O(w*h).
    grid = []
    for (y0, y1) in ys:
        colsum = [0] * w
        for y in range(y0, y1):
            row = frame[y * w:(y + 1) * w]
            for x in range(w):
                colsum[x] += row[x]
        n_y = y1 - y0
        grid.append([sum(colsum[x0:x1]) // ((x1 - x0) * n_y) for (x0, x1) in xs])
    return grid


def cell_of(lay, s, shades=False):
    """(char, fg, bg) of one cell from its subpixel means s[j][i]."""
    if lay.glyphs == "half" and shades:
        return ("\u2580", SHADE_FG[(s[0][0] * 3 + 127) // 255],
                SHADE_BG[(s[1][0] * 3 + 127) // 255])
    if lay.glyphs == "half":
        top, bottom = s[0][0] >= 128, s[1][0] >= 128
        return (" \u2580\u2584\u2588"[top | bottom << 1], 97, 40)
    if lay.glyphs == "braille":
        bits = sum(1 << d for d, (i, j) in enumerate(BRAILLE_DOTS) if s[j][i] >= 128)
        return (chr(0x2800 + bits) if bits else " ", 97, 40)
    v = (s[0][0] + s[1][0]) // 2
    return (RAMP[(v * 9 + 127) // 255], 97, 40)


def cells(frame, w, h, lay, shades=False):
    """The picture's cells, lay.rows lists of lay.cols (char, fg, bg)."""
    sub = subpixels(frame, w, h, lay.pw, lay.ph)
    out = []
    for r in range(lay.rows):
        line = []
        for c in range(lay.cols):
            s = [sub[r * lay.gy + j][c * lay.gx:(c + 1) * lay.gx] for j in range(lay.gy)]
            line.append(cell_of(lay, s, shades))
        out.append(line)
    return out
