#!/usr/bin/env python3
"""tools/termshot.py — a screenshot of `player --text` in a real terminal
(docs/screenshot-terminal.png in the README).

    tools/termshot.py -o OUT.png [--size 100x30] [--glyphs half] [--frame N]
                      [--clip /media/default.bav]

Boots the OS headless with the serial console on a pipe (run.py --display
terminal --console-size COLSxROWS), types `player --text=GLYPHS CLIP` at the
shell, types q after the Nth synchronized update and keeps what the
terminal got from the command line to the next prompt; then shows exactly
those bytes in an xterm (UTF-8, the 9x18 bitmap font) on a private Xvfb
display and grabs its window with ImageMagick's `import`. Needs xterm,
Xvfb, xfonts-base and imagemagick (not in tools/deps.sh: only this tool
uses them).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

# The classic X bitmap font 9x18 (xfonts-base), its ISO 10646 encoding:
# its block elements fill the whole cell (scalable fonts leave a gap between
# rows in xterm).
FONT = "-misc-fixed-medium-r-normal--18-120-100-100-c-90-iso10646-1"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from harness import DiskCopy, Machine  # noqa: E402

END = rb"\x1b\[\?2026l"


def capture(clip, glyphs, size, frame):
    """What the terminal got from the shell's command line on: the player's
    frames up to about `frame` (q is typed after it), and the prompt after."""
    with DiskCopy() as disk, Machine(disk=disk.path, timeout=600, extra_args=[
            "--display", "terminal", "--console-size", size]) as m:
        pos = m.expect(rb"/ \$ ", timeout=90).start()
        m.send(f"player --text={glyphs} {clip}\r")
        for _ in range(frame):
            pos = m.expect(END, timeout=60, since=pos).end()
        m.send("q")
        prompt = m.expect(rb"/ \$ ", timeout=60, since=pos).end()
        m.send(b"\x01x")
        m.wait(30)
        start = m.output.rfind(b"/ $ ", 0, pos)
        return m.output[start:prompt]


def free_display():
    for n in range(90, 200):
        if not os.path.exists(f"/tmp/.X11-unix/X{n}") and not os.path.exists(f"/tmp/.X{n}-lock"):
            return f":{n}"
    sys.exit("termshot: no free X display number")


def shoot(data, size, out):
    cols, rows = size.split("x")
    with tempfile.TemporaryDirectory() as tmp:
        frame = os.path.join(tmp, "frame.bin")
        with open(frame, "wb") as f:
            f.write(data)
        display = free_display()
        xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "2560x1600x24", "-nolisten",
                                 "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        env = dict(os.environ, DISPLAY=display, LANG="C.UTF-8", LC_ALL="C.UTF-8")
        term = None
        try:
            time.sleep(1)
            # -b 0 -bw 0: no border.
            term = subprocess.Popen(["xterm", "-u8", "-fn", FONT, "-geometry", f"{cols}x{rows}+0+0",
                                     "-b", "0", "-bw", "0", "-bg", "black", "-fg", "white",
                                     "-T", "termshot", "-e",
                                     f"cat '{frame}'; sleep 60"], env=env)
            time.sleep(3)
            subprocess.run(["import", "-window", "termshot", out], env=env, check=True)
        finally:
            for p in (term, xvfb):
                if p:
                    p.terminate()
                    p.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--size", default="100x30")
    ap.add_argument("--glyphs", default="half")
    ap.add_argument("--frame", type=int, default=400)
    ap.add_argument("--clip", default="/media/default.bav")
    args = ap.parse_args()
    for tool in ("xterm", "Xvfb", "import"):
        if not shutil.which(tool):
            sys.exit(f"termshot: needs {tool} (apt-get install xterm xvfb xfonts-base "
                     "imagemagick)")
    data = capture(args.clip, args.glyphs, args.size, args.frame)
    shoot(data, args.size, args.output)
    print(f"termshot: {args.output}: frame {args.frame} of {args.clip} in {args.glyphs}, "
          f"{args.size}, {len(data)} bytes")


if __name__ == "__main__":
    main()
