"""tests/harness/textgrid.py — a terminal emulator's screen (pyte) against
what `player --text` should show there, cell by cell.

    lay = textmode_ref.layout(glyphs, cols, rows, w, h)
    want = expected_screen(lay, cols, rows, frame, w, h)  # rows x cols keys
    got = screen_cells(pyte_screen)                       # the same keys, read back
    same = matching_cells(want, got)

The picture's cells come from tests/harness/textmode_ref.py (the documented
rule in Python, shared with the screen-console test); this module places
them on the whole terminal and speaks pyte's language. A cell key is
(character, foreground, background, reverse) with pyte's colour names: the
player clears the screen in bright white on black (ESC[0;97;40m ESC[2J) and
sends SGR codes that pyte names "white"/"black"... (SGR_NAMES).

pyte (0.8) does not give erased cells the current background (its erase
only rewrites cells written before); a blank cell in pyte's default colours
stands for the cleared black one, as on any terminal with
background-colour erase.
"""
from harness.textmode_ref import cells

# pyte's names for the SGR colour codes the player sends (pyte 0.8 marks the
# bright 90-97 / 100-107 only with its bold flag, which is not compared).
SGR_NAMES = {30: "black", 90: "black", 37: "white", 97: "white",
             40: "black", 100: "black", 47: "white", 107: "white"}
BLANK = (" ", "white", "black", False)


def expected_screen(lay, cols, rows, frame, w, h):
    """rows x cols cell keys a cols x rows terminal should show after the
    player drew `frame` (w*h bytes of gray) with layout `lay`."""
    screen = [[BLANK] * cols for _ in range(rows)]
    for r, line in enumerate(cells(frame, w, h, lay)):
        out = screen[lay.y0 + r]
        for c, (ch, fg, bg) in enumerate(line):
            out[lay.x0 + c] = (ch, SGR_NAMES[fg], SGR_NAMES[bg], False)
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
