"""tests/e2e/test_display.py — the virtio-gpu console, keyboard and /dev/fb0,
checked on QEMU's screendump (headless, QMP).

Text on screen is read back with harness.screen_text(): every 8x16 cell must
match a glyph of the kernel's own font bit for bit, so these are exact
comparisons of what the console drew, not approximate OCR.
"""
import re

from harness import Machine, Font, cell_colors, screen_text, wait_screen

FONT = Font()
ROWS, COLS = 720 // 16, 1280 // 8
# tty_palette in gfx/tty.c (VGA colours), as RGB triples.
PALETTE = [(0x00, 0x00, 0x00), (0xaa, 0x00, 0x00), (0x00, 0xaa, 0x00), (0xaa, 0x55, 0x00),
           (0x00, 0x00, 0xaa), (0xaa, 0x00, 0xaa), (0x00, 0xaa, 0xaa), (0xaa, 0xaa, 0xaa),
           (0x55, 0x55, 0x55), (0xff, 0x55, 0x55), (0x55, 0xff, 0x55), (0xff, 0xff, 0x55),
           (0x55, 0x55, 0xff), (0xff, 0x55, 0xff), (0x55, 0xff, 0xff), (0xff, 0xff, 0xff)]


def last_text(lines):
    """The screen's lines up to the last nonblank one."""
    while lines and not lines[-1]:
        lines = lines[:-1]
    return lines


def prompt_last(img, lines):
    return last_text(lines)[-1:] == ["kernel>"]


def boot():
    m = Machine(qmp=True, timeout=60)
    m.expect(r"kernel> ")
    return m


def run_and_wait(m, line, tail):
    """Type line on the serial console, wait for the next prompt on serial
    and for the screen's last lines to read `tail`; returns the lines."""
    since = len(m.output)
    m.send(line + "\r")
    m.expect(r"kernel> ", since=since + len(line))
    _, lines = wait_screen(m, lambda i, l: last_text(l)[-len(tail):] == tail, font=FONT)
    return lines


def test_boot_log_and_prompt_are_on_screen():
    with boot() as m:
        img, lines = wait_screen(m, prompt_last, font=FONT)
        assert (img.width, img.height) == (1280, 720)
        shown = last_text(lines)
        # The whole kernel log, exactly as on the serial line (klog prefixes
        # included): what was printed before the screen came up is replayed
        # from the console's log ring. (OpenSBI's banner is the firmware's,
        # written straight to the UART, so it is not there.)
        serial = m.text.splitlines()
        start = next(i for i, l in enumerate(serial) if "kernel: entered kmain" in l)
        expected = [l.rstrip() for l in serial[start:]]
        assert shown == expected, "\n".join(shown)
        assert any(re.match(r"\[\s*\d+\.\d{6}\] virtio-input: \"QEMU Virtio Keyboard\"", l)
                   for l in shown)
        # The cursor: a block in the default foreground right after the prompt.
        bg, fg = cell_colors(img, FONT, len(shown) - 1, len("kernel> "))
        assert bg == PALETTE[7] and not fg, (bg, fg)


def test_keyboard_types_into_the_prompt():
    with boot() as m:
        wait_screen(m, prompt_last, font=FONT)
        m.send_keys("echo SCREEN-OK\n")
        m.expect(r"\nSCREEN-OK\r?\n")
        _, lines = wait_screen(m, lambda i, l: last_text(l)[-3:] ==
                               ["kernel> echo SCREEN-OK", "SCREEN-OK", "kernel>"], font=FONT)
        # Raw events reach /dev/input/kbd: press, SYN, release, SYN.
        since = len(m.output)
        m.send("kbdread 4\r")
        m.expect(r"kbdread: waiting for 4 events", since=since)
        m.send_keys("z")
        m.expect(r"(event type \d+ code \d+ value \d+\r?\n){4}", since=since)
        events = re.findall(rb"event type (\d+) code (\d+) value (\d+)", m.output[since:])
        assert [tuple(map(int, e)) for e in events] == \
            [(1, 44, 1), (0, 0, 0), (1, 44, 0), (0, 0, 0)], events


def test_ansi_colours_render_in_the_palette():
    with boot() as m:
        wait_screen(m, prompt_last, font=FONT)
        lines = run_and_wait(m, "colortest", ["fg     ## ## ## ## ## ## ##",  # black on black
                                              "bfg " + " ".join(["##"] * 8),
                                              "bg", "kernel>"])
        shown = last_text(lines)
        img = m.screendump()
        row_fg, row_bfg, row_bg = len(shown) - 4, len(shown) - 3, len(shown) - 2
        for c in range(8):
            for dx in range(2):
                col = 4 + 3 * c + dx
                bg, fg = cell_colors(img, FONT, row_fg, col)
                assert bg == PALETTE[0] and fg == ({PALETTE[c]} if c else set()), (c, bg, fg)
                bg, fg = cell_colors(img, FONT, row_bfg, col)
                assert bg == PALETTE[0] and fg == {PALETTE[8 + c]}, (c, bg, fg)
                bg, fg = cell_colors(img, FONT, row_bg, col)
                assert bg == PALETTE[c] and not fg, (c, bg, fg)
            # The space between swatches is back to the defaults.
            bg, fg = cell_colors(img, FONT, row_bg, 4 + 3 * c + 2)
            assert bg == PALETTE[0] and not fg


def test_scrolling_and_scrollback():
    with boot() as m:
        wait_screen(m, prompt_last, font=FONT)
        # The screen is exactly the last 44 lines and the prompt.
        expected = [f"line {i} of 120" for i in range(77, 121)] + ["kernel>"]
        lines = run_and_wait(m, "lines 120", expected)
        assert lines == expected, "\n".join(lines)
        # Shift+PgUp scrolls the view back rows-1 lines; Shift+PgDn returns.
        m.qmp.command("send-key", keys=[{"type": "qcode", "data": "shift"},
                                        {"type": "qcode", "data": "pgup"}])
        back = [f"line {i} of 120" for i in range(33, 78)]
        wait_screen(m, lambda i, l: l == back, font=FONT)
        m.qmp.command("send-key", keys=[{"type": "qcode", "data": "shift"},
                                        {"type": "qcode", "data": "pgdn"}])
        wait_screen(m, lambda i, l: l == expected, font=FONT)


FBTEST = (600, 200, 320, 160)  # kernel/debug/monitor_display.c FBTEST_*


def fbtest_pixel(x, y):
    return ((x * 3) & 0xff, (y * 5) & 0xff, (x + y) & 0xff)


def test_fb0_shows_exactly_the_presented_pattern():
    with boot() as m:
        _, before = wait_screen(m, prompt_last, font=FONT)
        prompt_row = len(last_text(before)) - 1
        since = len(m.output)
        m.send("fbtest\r")
        m.expect(r"fbtest: 1280x720 stride 5120 format 2 size 3686400; "
                 r"presented 320x160 at 600,200: 0\r?\n", since=since)
        X, Y, W, H = FBTEST
        img = m.screendump()
        bad = [(x, y) for y in range(Y, Y + H) for x in range(X, X + W)
               if img.pixel(x, y) != fbtest_pixel(x, y)]
        assert not bad, f"{len(bad)} wrong pixels, first {bad[:5]}"
        # Only that rectangle was presented: around it the old console
        # pixels (black or text grey), not the pattern drawn everywhere.
        ring = [(x, Y - 1) for x in range(X, X + W)] + [(x, Y + H) for x in range(X, X + W)] + \
               [(X - 1, y) for y in range(Y, Y + H)] + [(X + W, y) for y in range(Y, Y + H)]
        assert all(img.pixel(x, y) in (PALETTE[0], PALETTE[7]) for x, y in ring)
        # The console is suspended: the typed line was echoed before the open,
        # what fbtest printed after it is not drawn.
        # (Only the columns left of the pattern: the rows may cross it.)
        left = X // 8
        assert [r[:left].rstrip() for r in screen_text(img, FONT, rows=[prompt_row, prompt_row + 1])] \
            == ["kernel> fbtest", ""]
        # A second opener is refused while the first holds it.
        since = len(m.output)
        m.send("fbtest\r")
        refused = m.expect(r"fbtest: open /dev/fb0: error -16", since=since)
        m.expect(r"kernel> ", since=refused.end())  # type only at the prompt
        # Closing gives the screen back to the console, fully repainted.
        m.send("fbtest close\r")
        m.expect(r"fbtest: closed\r?\n")
        # Presents are asynchronous: wait for the repainted screen itself.
        closed = ["kernel> fbtest close", "fbtest: closed", "kernel>"]
        img, lines = wait_screen(m, lambda i, l: last_text(l)[-3:] == closed, font=FONT)
        assert last_text(lines)[-3:] == closed
        # Repainted: only console colours where the pattern was (text may
        # cross the rectangle), none of the pattern's own colours.
        leftovers = [(x, y) for x in range(X, X + W, 7) for y in range(Y, Y + H, 5)
                     if img.pixel(x, y) not in PALETTE]
        assert not leftovers, f"pattern pixels left after close: {leftovers[:5]}"


def test_resolution_comes_from_the_device():
    with Machine(cmd="display", qmp=True, timeout=30, resolution="800x600") as m:
        m.expect(r"virtio-gpu: scanout 0 800x600")
        m.expect(r"console 100x37 cells")
        assert m.wait() == 0


def test_user_program_draws_on_fb0():
    # A user process maps /dev/fb0, draws a pattern, presents only that
    # rectangle (user/fbdraw.c); the screendump shows exactly that pattern
    # and, around it, the console as it was.
    import os
    import shutil
    import tempfile
    from harness import BUILD
    X, Y, W, H = 100, 300, 200, 120
    with tempfile.TemporaryDirectory() as tmp:
        disk = os.path.join(tmp, "d.img")
        shutil.copyfile(os.path.join(BUILD, "hdd.dsk"), disk)
        with Machine(qmp=True, timeout=60, disk=disk, cmd=f"fbdraw {X} {Y} {W} {H} 3") as m:
            m.expect(rf"fbdraw: presented {W}x{H} at {X},{Y} on 1280x720")
            img = m.screendump()
            bad = [(x, y) for y in range(Y, Y + H) for x in range(X, X + W)
                   if img.pixel(x, y) != fbtest_pixel(x, y)]
            assert not bad, f"{len(bad)} wrong pixels, first {bad[:5]}"
            ring = [(x, Y - 1) for x in range(X, X + W)] + [(x, Y + H) for x in range(X, X + W)] + \
                   [(X - 1, y) for y in range(Y, Y + H)] + [(X + W, y) for y in range(Y, Y + H)]
            assert all(img.pixel(x, y) in PALETTE for x, y in ring), "drawn outside the rectangle"
            assert m.wait(timeout=30) == 0


def test_console_font_comes_from_the_disk():
    # font=font_large: /usr/share/fonts/font_large.psf (16x32) replaces the
    # built-in 8x16 font once the disk is mounted; the whole log is redrawn
    # in it. A missing font keeps the built-in one, with a message.
    import os
    import shutil
    import tempfile
    from harness import BUILD
    large = Font(os.path.join(BUILD, "gen", "font_large.psf"))
    assert (large.width, large.height) == (16, 32)
    with tempfile.TemporaryDirectory() as tmp:
        disk = os.path.join(tmp, "d.img")
        shutil.copyfile(os.path.join(BUILD, "hdd.dsk"), disk)
        with Machine(qmp=True, timeout=60, disk=disk, append="font=font_large",
                     cmd="echo LARGE-FONT-OK; sleep 3") as m:
            m.expect(r"screen: font /usr/share/fonts/font_large.psf")
            m.expect(r"\nLARGE-FONT-OK\r?\n")
            _, lines = wait_screen(m, lambda i, l: "LARGE-FONT-OK" in l, font=large)
            # 80x22 cells now: the log is redrawn in the new font.
            assert any("screen: font /usr/share/fonts/font_large.psf" in l for l in lines), lines
        with Machine(timeout=60, disk=disk, append="font=nope", cmd="echo still") as m:
            m.expect(r"nope.psf: cannot open \(error -2\); keeping the built-in font")
            assert m.wait(timeout=30) == 0
