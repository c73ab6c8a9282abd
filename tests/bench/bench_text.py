#!/usr/bin/env python3
"""tests/bench/bench_text.py — `player --text` on the serial console: what a
terminal has to take (bytes per frame, mean and max, envelope included;
the throughput that makes at 30 fps, against a 115200-baud serial line's
11520 B/s) and what the player spends (CPU per frame, frames skipped
because the terminal was slow), per glyph set, for the default clip and a
real one (the one CODEC_CLIP names, as for bench_codec: `make bench
CODEC_CLIP=video.mkv`; BENCH_TEXT_START s into it).

Each play runs BENCH_TEXT_SECONDS (default 20) under `tools/run.py
--display terminal --console-size COLSxROWS` over a pipe, headless sound
(wav), then `q` is typed. The numbers are the player's --stats keys
(docs/player.md, "Text mode"); "arrived" is what the host read from
the serial pipe between the player's start and end sequences, per second:
the link's throughput as a terminal sees it; the link's own capacity is
timed with `cat` of a text file. Standalone:
python3 tests/bench/bench_text.py
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from harness import BUILD, Machine  # noqa: E402

SECONDS = float(os.environ.get("BENCH_TEXT_SECONDS", "20"))
REAL_START = os.environ.get("BENCH_TEXT_START", "30")
SERIAL_115200 = 11520            # bytes/s: 10 bits per byte on the wire
START = b"\x1b[?25l\x1b[0;97;40m\x1b[2J"
FINISH = b"\x1b[?2026l\x1b[0m\x1b[?25h"
# (terminal, glyph sets): the classic 80x24 in every set, a big terminal
# in the default one.
RUNS = [((80, 24), ("half", "braille", "ascii")), ((160, 48), ("half",))]
LINK_BYTES = 1 << 20             # the text file cat'ed to time the serial link


def real_clip(tmp):
    """The real clip encoded (the player's default box) into tmp, or None."""
    src = os.environ.get("CODEC_CLIP")
    if not src:
        return None
    if not os.path.exists(src):
        sys.exit(f"bench_text: CODEC_CLIP={src}: no such file")
    out = os.path.join(tmp, "real.bav")
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "encode", "encode.py"), src,
                    "-o", out, "--start", REAL_START, "--duration", str(SECONDS + 5)],
                   check=True, stdout=subprocess.DEVNULL)
    return out


def disk_with(tmp, clips):
    img = os.path.join(tmp, "disk.img")
    shutil.copyfile(os.path.join(BUILD, "hdd.dsk"), img)
    for name, path in clips.items():
        subprocess.run(["debugfs", "-w", "-R", f"write {path} /media/{name}", img],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return img


def stats_of(line):
    return {k: v for k, v in re.findall(r"(\w+)=(\S+)", line)}


def link_rate(m, path, size):
    """Bytes per second the serial console carries from the guest to the
    host pipe: `cat` of a text file of `size` bytes, timed on arrival."""
    since = len(m.output)
    m.send(f"cat {path}\r")
    first = m.expect(rb"x{64}", timeout=60, since=since).start()
    last = m.expect(rb"x\r?\n/ \$ ", timeout=600, since=first).start()
    t0 = next(t for t, n in m.arrivals if n > first)
    t1 = next(t for t, n in m.arrivals if n > last)
    return (last - first) / max(t1 - t0, 1e-3)


def play_all(img, size, plays, tmp):
    """One boot per terminal size; each play typed, left SECONDS, quit with
    q. Returns [(clip, glyphs, stats, bytes/s arrived)]."""
    cols, rows = size
    out = []
    with Machine(disk=img, audio="wav:" + os.path.join(tmp, "cap.wav"), timeout=3600,
                 extra_args=["--display", "terminal", "--console-size", f"{cols}x{rows}"]) as m:
        m.expect(r"/ \$ ", timeout=90)
        for clip, glyphs in plays:
            since = len(m.output)
            m.send(f"player --text={glyphs} --stats /media/{clip}\r")
            start = m.expect(re.escape(START), timeout=60, since=since).start()
            time.sleep(SECONDS)
            m.send("q")
            stats = m.expect(rb"player-stats: ([^\r\n]*)\r*\n", timeout=60, since=since)
            m.expect(r"/ \$ ", timeout=30, since=stats.end())
            finish = m.output.find(FINISH, start)
            t0 = next(t for t, n in m.arrivals if n > start)
            t1 = next(t for t, n in m.arrivals if n >= finish)
            rate = (finish - start) / max(t1 - t0, 1e-3)
            out.append((clip, glyphs, stats_of(stats.group(1).decode()), rate))
        link = link_rate(m, "/media/lines.txt", LINK_BYTES)
        m.send(b"\x01x")
        m.wait(30)
    return out, link


def main():
    with tempfile.TemporaryDirectory() as tmp:
        clips = {"default.bav": None}
        real = real_clip(tmp)
        if real:
            clips["real.bav"] = real
        lines = os.path.join(tmp, "lines.txt")
        with open(lines, "w") as f:
            f.write(("x" * 79 + "\n") * (LINK_BYTES // 80))
        img = disk_with(tmp, dict({k: v for k, v in clips.items() if v}, **{"lines.txt": lines}))
        results, links = [], []
        for size, sets in RUNS:
            plays = [(c, g) for c in clips for g in sets]
            played, link = play_all(img, size, plays, tmp)
            results += [(size,) + r for r in played]
            links.append(link)
    print(f"`player --text` on the serial console ({SECONDS:g} s per row, then q; headless, "
          f"wav): bytes per frame sent (envelope included), the throughput that needs at "
          f"30 fps (a 115200-baud serial line takes {SERIAL_115200} B/s), what arrived at "
          f"the host per second, the player's CPU per frame\n")
    print("| clip | terminal | glyphs | picture cells | bytes/frame mean / max | needed at 30 fps "
          "| arrived | frames written / skipped | write() per frame mean / max | CPU per frame |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for (cols, rows), clip, glyphs, st, rate in results:
        mean = int(st["text_bytes"])
        print(f"| {clip} | {cols}x{rows} | {glyphs} | {st['text_cols']}x{st['text_rows']} | "
              f"{mean} / {st['text_bytes_max']} | {mean * 30 / 1000:.1f} kB/s "
              f"({mean * 30 * 100 / SERIAL_115200:.0f} % of 115200 Bd) | {rate / 1000:.1f} kB/s "
              f"| {st['text_frames']} / {st['text_skipped']} | "
              f"{int(st['text_write_us_mean']) / 1000:.2f} / "
              f"{int(st['text_write_us_max']) / 1000:.1f} ms | "
              f"{int(st['cpu_us_per_frame']) / 1000:.2f} ms |")
    print(f"\nThe serial link itself (cat of a {LINK_BYTES >> 10} KiB text file, guest to "
          f"host pipe): {min(links) / 1000:.0f} kB/s (slowest of {len(links)} boots).")
    if "real.bav" not in clips:
        print("\n(no real clip: make bench CODEC_CLIP=path/to/video adds its rows)")


if __name__ == "__main__":
    main()
