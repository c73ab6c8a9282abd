"""tests/e2e/test_demo.py — `make demo` where there is no display (SSH, a
server): as a user meets it on their terminal (a pty of 100x30, DISPLAY
and WAYLAND_DISPLAY unset). It must say how to quit, boot on this
terminal with its size, play the clip as text (a synchronized update per
frame, sized to the terminal by docs/player.md's rules), stop on q, leave
the user at the shell with a line saying how to play it again and quit,
end on Ctrl-A x with status 0 and the terminal as it was."""
import os
import re
import sys
import termios
import time

from harness import BUILD, ROOT
from harness.textmode_ref import layout

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_runpy import OnTerminal  # noqa: E402

COLS, ROWS = 100, 30
END = rb"\x1b\[\?2026l"


def test_make_demo_without_a_display_plays_in_the_terminal():
    # The build under test: make test BUILD=... LLVM=1 passes its variables
    # on to this make through MAKEFLAGS; BUILD is given for a direct run.
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    build = os.path.relpath(BUILD, ROOT)
    t = OnTerminal(None, size=(COLS, ROWS), env=env,
                   argv=["make", "-s", "-C", ROOT, "demo", f"BUILD={build}"])
    try:
        t.expect(rb"Ctrl-A x quits QEMU", timeout=300)
        t.expect(rb'bootargs: "[^"]*console_size=%d' % COLS + rb"x%d" % ROWS, timeout=60)
        t.expect(rb"init: autoplay: player --text", timeout=60)
        t.expect(rb"\x1b\[2J", timeout=60)
        deadline = time.monotonic() + 60
        while len(re.findall(END, t.output)) < 60:
            assert time.monotonic() < deadline and t.proc.poll() is None, t.output[-800:]
            time.sleep(0.1)
        os.write(t.master, b"q")
        t.expect(rb"player-stats: [^\r\n]*\r*\n", timeout=30)
        stats = dict(re.findall(r"(\w+)=(\S+)", re.search(
            r"player-stats: ([^\r\n]*)", t.output.decode(errors="replace")).group(1)))
        t.expect(rb"demo: again: player --text /media/default.bav   quit: Ctrl-A x\r*\n/ \$ ",
                 timeout=30)
        # The default clip is 480x360 (tools/encode/encode.mk).
        lay = layout("half", COLS, ROWS, 480, 360)
        assert stats["text"] == "half" and int(stats["text_frames"]) >= 60, stats
        assert (int(stats["text_cols"]), int(stats["text_rows"])) == (lay.cols, lay.rows), \
            (stats, lay)
        os.write(t.master, b"\x01x")
        status = t.proc.wait(timeout=30)
        assert status == 0, (status, t.output[-800:])
        assert termios.tcgetattr(t.slave) == t.sane
    finally:
        t.close()
