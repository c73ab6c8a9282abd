"""tests/harness/textgrid.py — what `player --text` should put on a terminal,
computed on the host from a clip frame, independently of the player's code,
from the rules in docs/player.md ("Playing as text"):

    g = Geometry(cols, rows, clip_w, clip_h, "half")   # where the picture goes
    want = expected_screen(g, rows_of_gray)            # [[cell key]] rows x cols
    got = screen_cells(pyte_screen)                    # the same keys, read back
    same = matching_cells(want, got)

A cell key is (character, foreground, background, reverse) as pyte names
them. Subpixels are area averages of the source box, lit at >= 128; half
blocks take 1x2 subpixels per cell, braille 2x4, ASCII 1x2 averaged into a
10-step ramp. The player first clears the screen in bright white on black
(ESC[0;97;40m ESC[2J: pyte says fg "white", bg "black") and never sends
another attribute for 1-bit clips or braille or ASCII.

pyte (0.8) does not give erased cells the current background (its erase
only rewrites cells written before); a blank cell in pyte's default colours
stands for the cleared black one, as on any terminal with
background-colour erase.
"""

GLYPHS = {"half": (1, 2), "braille": (2, 4), "ascii": (1, 2)}
BRAILLE_BITS = {(0, 0): 0x01, (0, 1): 0x02, (0, 2): 0x04, (1, 0): 0x08,
                (1, 1): 0x10, (1, 2): 0x20, (0, 3): 0x40, (1, 3): 0x80}
ASCII_RAMP = " .:-=+*#%@"
HALF = {(False, False): " ", (True, False): "\u2580", (False, True): "\u2584",
        (True, True): "\u2588"}
FG, BG = "white", "black"
BLANK = (" ", FG, BG, False)


class Geometry:
    """Where the picture goes on a cols x rows terminal: pc x pr cells at
    cell (x0, y0), of subpixels PW x PH (the last row is left free)."""

    def __init__(self, cols, rows, w, h, glyphs):
        gx, gy = GLYPHS[glyphs]
        self.cols, self.rows, self.w, self.h, self.glyphs = cols, rows, w, h, glyphs
        self.gx, self.gy = gx, gy
        ra = rows - 1 if rows > 1 else 1
        mw, mh = cols * gx, ra * gy
        if mw * h <= mh * w:
            pw, ph = mw, mw * h // w
        else:
            pw, ph = mh * w // h, mh
        self.PW, self.PH = pw - pw % gx, ph - ph % gy
        self.pc, self.pr = self.PW // gx, self.PH // gy
        self.x0, self.y0 = (cols - self.pc) // 2, (ra - self.pr) // 2

    def __repr__(self):
        return (f"{self.glyphs} {self.pc}x{self.pr} cells at ({self.x0},{self.y0}) "
                f"on {self.cols}x{self.rows}")


def _box(i, n_out, n_in):
    lo = i * n_in // n_out
    return lo, max(lo + 1, (i + 1) * n_in // n_out)


def subpixels(g, rows_of_gray):
    """PH rows of PW subpixel values (box averages, truncated). Identical
    source rows share one prefix sum, which keeps this fast for the test
    clip (a handful of distinct rows) and correct for any frame."""
    prefix_of = {}
    prefixes = []
    for row in rows_of_gray:
        p = prefix_of.get(row)
        if p is None:
            p = [0]
            for v in row:
                p.append(p[-1] + v)
            prefix_of[row] = p
        prefixes.append(p)
    xboxes = [_box(x, g.PW, g.w) for x in range(g.PW)]
    out = []
    for y in range(g.PH):
        y0, y1 = _box(y, g.PH, g.h)
        rows = prefixes[y0:y1]
        line = []
        for x0, x1 in xboxes:
            total = sum(p[x1] - p[x0] for p in rows)
            line.append(total // ((x1 - x0) * (y1 - y0)))
        out.append(line)
    return out


def _cell_char(g, sub, col, row):
    X, Y = col * g.gx, row * g.gy
    if g.glyphs == "half":
        return HALF[(sub[Y][X] >= 128, sub[Y + 1][X] >= 128)]
    if g.glyphs == "ascii":
        v = (sub[Y][X] + sub[Y + 1][X]) // 2
        return ASCII_RAMP[(v * 9 + 127) // 255]
    bits = sum(b for (i, j), b in BRAILLE_BITS.items() if sub[Y + j][X + i] >= 128)
    return chr(0x2800 + bits) if bits else " "


def expected_screen(g, rows_of_gray):
    """rows x cols cell keys the terminal should show for this frame."""
    sub = subpixels(g, rows_of_gray)
    screen = [[BLANK] * g.cols for _ in range(g.rows)]
    for row in range(g.pr):
        line = screen[g.y0 + row]
        for col in range(g.pc):
            line[g.x0 + col] = (_cell_char(g, sub, col, row), FG, BG, False)
    return screen


def screen_cells(screen):
    """A pyte Screen's cells as keys (rows x cols), blanks in pyte's
    default colours read as the cleared black (module comment)."""
    out = []
    for y in range(screen.lines):
        line = screen.buffer[y]
        keys = []
        for x in range(screen.columns):
            c = line[x]
            key = (c.data, c.fg, c.bg, c.reverse)
            if key == (" ", "default", "default", False):
                key = BLANK
            keys.append(key)
        out.append(keys)
    return out


def matching_cells(want, got):
    """How many cells are equal."""
    same = 0
    for a, b in zip(want, got):
        if a == b:
            same += len(a)
        else:
            same += sum(1 for x, y in zip(a, b) if x == y)
    return same
