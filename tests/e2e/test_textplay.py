"""tests/e2e/test_textplay.py — `player --text` on the screen console,
watched from outside through QMP screendumps.

The barcode test clip (tools/encode/testclip.py, 480x360, 10 fps here so a
frame stays long enough to be caught whole) plays in each glyph set on the
on-screen terminal (1280x720: 160x45 cells of the built-in 8x16 font). Each
screendump is read back cell by cell: a cell counts as showing character C
when its pixels are exactly C's glyph in the font, white on black. The
picture's place and the cells each frame must show come from the documented
rule (tests/harness/textmode_ref.py, written apart from the C renderer). A
dump must match some frame of the clip in >= 99 % of the picture's cells,
and the frames caught must go forward. Then: q quits with status 0, ^C
(a byte in raw mode) ends the player with status 130, and the console is
usable afterwards (a command's output is readable on the screen).

A crash (SIGSEGV, sent here with kill by a process beside the player in
a pipeline) restores the terminal before the player dies of it.

A terminal too slow for the clip (600x300 cells given as the serial
console's size: ~25 KB per frame, 100-300 ms to write) must make the
player skip frames, not fall behind the sound: frames skipped for the
terminal are counted, the picture stays within a few frames of the sound
and the sound never runs dry.
"""
import os
import re
import subprocess
import sys
import tempfile
import time

from harness import BUILD, ROOT, Font, Machine, cell_pixels, run, wait_screen
from harness import textmode_ref

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools", "encode"))
from harness.hostload import Starvation, qemu_pid  # noqa: E402
from test_player import disk_with, stats_of  # noqa: E402
from test_player import make_clip as make_clip_30fps  # noqa: E402
import testclip  # noqa: E402

W, H, FPS, SECONDS = 480, 360, 10, 6
TERM_COLS, TERM_ROWS = 1280 // 8, 720 // 16
WHITE, BLACK = (255, 255, 255), (0, 0, 0)
MATCH = 0.99


def make_clip(path):
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "encode", "testclip.py"),
                    "-o", path, "--seconds", str(SECONDS), "--fps", str(FPS),
                    "--bavenc", os.path.join(BUILD, "host", "bavenc")], check=True)
    with open(path, "rb") as f:
        return f.read()


def expected_frames(lay):
    """Every frame's picture cells, as rows of characters."""
    out = []
    for f in range(SECONDS * FPS):
        grid = textmode_ref.cells(testclip.frame_pixels(f, W, H), W, H, lay)
        out.append(["".join(ch for ch, _, _ in row) for row in grid])
    return out


class CellReader:
    """Screen cell -> character of the glyph set (None: no exact glyph)."""

    def __init__(self, font, glyphs):
        chars = {"half": " \u2580\u2584\u2588",
                 "braille": " " + "".join(chr(0x2800 + b) for b in range(1, 256)),
                 "ascii": textmode_ref.RAMP}[glyphs]
        self.font = font
        self.by_bits = {}
        for ch in chars:
            self.by_bits.setdefault(font.glyph(ch), ch)

    def read(self, img, row, col):
        bits = []
        for line in cell_pixels(img, self.font, row, col):
            mask = 0
            for x, p in enumerate(line):
                if p == WHITE:
                    mask |= 1 << (self.font.width - 1 - x)
                elif p != BLACK:
                    return None
            bits.append(mask)
        return self.by_bits.get(tuple(bits))


def best_frame(img, reader, lay, frames):
    """(frame number, share of cells matching it) for the picture shown."""
    shown = ["".join(reader.read(img, lay.y0 + r, lay.x0 + c) or "\0"
                     for c in range(lay.cols)) for r in range(lay.rows)]
    best = (None, 0.0)
    for f, want in enumerate(frames):
        same = sum(a == b for s, w in zip(shown, want) for a, b in zip(s, w))
        share = same / (lay.cols * lay.rows)
        if share > best[1]:
            best = (f, share)
    return best


INTRO = r"text \(%s\), (\d+)x(\d+) cells at \((\d+),(\d+)\)"


def reference(glyphs, font):
    """(layout, every frame's cells, cell reader) for a glyph set."""
    lay = textmode_ref.layout(glyphs, TERM_COLS, TERM_ROWS, W, H)
    return lay, expected_frames(lay), CellReader(font, glyphs)


def watch(m, glyphs, ref, since, done, limit=40):
    """Screendumps while the player in `glyphs` (started after serial byte
    `since`) draws, until the serial output from there matches `done` or
    `limit` dumps: returns [(frame, share)], and where its output began."""
    lay, frames, reader = ref
    intro = m.expect(INTRO % glyphs, timeout=60, since=since)
    said = tuple(int(v) for v in intro.groups())
    assert said == (lay.cols, lay.rows, lay.x0, lay.y0), (said, lay)
    start = intro.start()
    ended = re.compile(done.encode())
    seen = []
    time.sleep(0.3)                       # the clear and the first frame
    while len(seen) < limit and not ended.search(m.output, start):
        img = m.screendump()
        if ended.search(m.output, start):
            break                         # it may have ended during the dump
        seen.append(best_frame(img, reader, lay, frames))
        time.sleep(0.12)
    return seen, start


def judge(glyphs, seen, looped=False):
    good = [(f, s) for f, s in seen if s >= MATCH]
    assert len(good) >= 4, f"{glyphs}: too few dumps matched a frame: {seen}"
    # A dump taken while a frame was half written may miss; few may.
    assert len(good) >= 0.8 * len(seen), f"{glyphs}: {seen}"
    order = [f for f, _ in good]
    back = sum(b < a for a, b in zip(order, order[1:]))
    assert back <= (1 if looped else 0), f"{glyphs}: frames went back: {order}"
    assert len(set(order)) >= 3, f"{glyphs}: the picture did not move: {order}"


def test_text_mode_on_the_screen_console():
    font = Font()
    refs = {g: reference(g, font) for g in ("half", "braille", "ascii")}
    cmd = ("player --text=half --stats /media/t.bav; echo half=$?; "
           "player --text=braille /media/t.bav; echo braille=$?; "
           "player --text=ascii --loop /media/t.bav; echo ascii=$?; "
           "player --text --loop /media/t.bav; echo intr=$?; echo console-after-player; sleep 5")
    with tempfile.TemporaryDirectory() as tmp:
        img = disk_with(tmp, {"/media/t.bav": make_clip(os.path.join(tmp, "t.bav"))})
        with Machine(cmd=cmd, disk=img, qmp=True, timeout=150) as m:
            half, at = watch(m, "half", refs["half"], 0, r"player-stats|half=")
            stats = m.expect(r"player-stats: .*", since=at).group(0).decode()
            assert " text=half " in stats and " text_skipped=0 " in stats, stats
            at = m.expect(r"half=0", since=at).end()
            braille, at = watch(m, "braille", refs["braille"], at, r"braille=")
            at = m.expect(r"braille=0", since=at).end()
            ascii_, at = watch(m, "ascii", refs["ascii"], at, r"ascii=", limit=12)
            m.send_keys("q")
            at = m.expect(r"ascii=0", since=at).end()
            at = m.expect(INTRO % "half", since=at).end()
            time.sleep(1.0)
            m.qmp.command("send-key", keys=[{"type": "qcode", "data": "ctrl"},
                                            {"type": "qcode", "data": "c"}])
            m.expect(r"intr=130", since=at)
            # The console is a console again: text in the default colours.
            wait_screen(m, lambda _img, lines: any("console-after-player" in l
                                                   for l in lines), font=font)
            assert m.wait(30) == 0, m.tail()
    judge("half", half)
    judge("braille", braille)
    judge("ascii", ascii_, looped=True)


def test_slow_terminal_skips_frames_and_keeps_sync():
    with tempfile.TemporaryDirectory() as tmp:
        img = disk_with(tmp, {"/media/t.bav": make_clip_30fps(os.path.join(tmp, "t.bav"), 4)})
        with Machine(cmd="player --text --stats /media/t.bav", disk=img,
                     append="console_size=600x300", timeout=90) as m:
            starve = Starvation(qemu_pid(m.proc.pid))
            status = m.wait(100)
            starve.stop()
            out = m.text
    assert status == 0, out[-2000:]
    st = stats_of(out)
    assert st["text_cols"] == 600 and st["text_rows"] == 225, st
    assert st["shown"] + st["dropped"] == 120, st
    # Frame writes take longer than the 33 ms period: frames are skipped,
    # and counted as the terminal's doing.
    assert st["text_write_us_mean"] > 33333, st
    assert 10 <= st["text_skipped"] <= st["dropped"], st
    # Drawing all 120 frames at this rate would end ~20 s behind the sound.
    assert st["av_mean_us"] < 150000, st
    # The sound is fed between a frame's pieces. An underrun is excused
    # only when the host kept QEMU off the CPU (a piece written with
    # interrupts off then outlasts the 40 ms the sound device holds).
    worst = starve.worst(0, time.monotonic(), span=0.1)
    assert st["underruns"] == 0 or worst >= 0.02, (st, f"QEMU waited at most {worst * 1000:.0f} ms")


test_slow_terminal_skips_frames_and_keeps_sync.exclusive = True


def test_crash_restores_the_terminal():
    # In a fresh boot pids are handed out in order: init 1, the command's
    # shell 2, the pipeline's `sh -c` 3 and the player 4 (ps shows it).
    cmd = ("sh -c 'sleep 1; ps > /dev/console; kill -SEGV 4' | "
           "player --text --loop /media/t.bav; echo status=$?")
    with tempfile.TemporaryDirectory() as tmp:
        img = disk_with(tmp, {"/media/t.bav": make_clip_30fps(os.path.join(tmp, "t.bav"), 2)})
        status, out = run(cmd, disk=img, append="console_size=80x24", timeout=60)
    assert status == 0, out[-2000:]
    assert re.search(r"\n\s+4\s+2\s+\S+.*\splayer\n", out), "player is not pid 4:\n" + out[-1500:]
    after_ps = out[out.index(" NAME\n"):]
    assert "\x1b[?2026h" in out[:out.index(" NAME\n")], "no frame drawn before the kill"
    # The end sequence (docs/player.md), then the shell sees the signal.
    restore = after_ps.find("\x1b[?2026l\x1b[0m\x1b[?25h\x1b[24;1H")
    assert restore >= 0, after_ps[-1500:]
    assert "status=139" in after_ps[restore:], after_ps[-1500:]


def test_console_size_bootarg():
    """console_size=COLSxROWS sets the size TIOCGWINSZ reports (the player
    says what it got); anything else is ignored with a line saying so, and
    the screen console's size stays."""
    cases = (("100x31", "console: the serial terminal is 100x31", "100x31"),
             ("1000x20", "console: console_size=1000x20 ignored", "160x45"),
             ("80x", "console: console_size=80x ignored", "160x45"),
             ("0x5", "console: console_size=0x5 ignored", "160x45"))
    with tempfile.TemporaryDirectory() as tmp:
        img = disk_with(tmp, {"/media/t.bav": make_clip_30fps(os.path.join(tmp, "t.bav"), 1)})
        for arg, log, size in cases:
            status, out = run("player --text --no-audio /media/t.bav", disk=img,
                              append=f"console_size={arg}", timeout=30)
            assert status == 0, out[-1500:]
            assert log in out, (arg, out[-1500:])
            assert f"of a {size} terminal" in out, (arg, out[-1500:])
