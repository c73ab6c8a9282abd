#!/usr/bin/env python3
"""tests/bench/bench_display.py — the display's costs, measured in the guest.

  console throughput  `conbench N`: N 80-column lines through kprintf (serial
                      + screen, every line scrolls the 1280x720 screen) and N
                      lines straight to the screen console (no serial)
  present cost        `presentbench N`: N synchronous presents (transfer +
                      flush, waiting for the completion) of the full frame and
                      of a 64x64 rectangle
  boot to prompt      wall time from starting run.py to `kernel> ` on serial
                      and to the prompt drawn on the screen (screendump)
Medians of a few runs; times from the guest's clock except where noted.
"""
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Machine, Font, screen_text  # noqa: E402

RUNS = 3
LINES = 1000
PRESENTS = 300


def guest_run():
    with Machine(cmd=f"conbench {LINES}; presentbench {PRESENTS}", timeout=120) as m:
        if m.wait(timeout=130) != 0:
            raise SystemExit(f"benchmark run failed:\n{m.tail()}")
        c = re.search(r"conbench: \d+ lines: console (\d+) us \((\d+) lines/s\), "
                      r"screen only (\d+) us \((\d+) lines/s\)", m.text)
        p = re.search(r"presentbench: \d+ presents: full (\d+)x(\d+) (\d+) us each, "
                      r"64x64 (\d+) us each", m.text)
        return (int(c.group(2)), int(c.group(4)), int(p.group(3)), int(p.group(4)),
                f"{p.group(1)}x{p.group(2)}")


def boot_run(font):
    with Machine(qmp=True, timeout=60) as m:
        m.expect(r"kernel> ")
        t_serial = time.monotonic() - m.t_start
        while True:
            # The boot log fills the first rows; the prompt follows it.
            lines = [l for l in screen_text(m.screendump(), font, rows=range(30)) if l]
            if lines and lines[-1] == "kernel>":
                break
            if time.monotonic() - m.t_start > 30:
                raise SystemExit("prompt never appeared on screen")
            time.sleep(0.01)
        t_screen = time.monotonic() - m.t_start
        guest = float(re.search(r"\[\s*(\d+\.\d+)\] screen: console", m.text).group(1))
        return t_serial, t_screen, guest


def main():
    runs = [guest_run() for _ in range(RUNS)]
    med = [statistics.median(r[i] for r in runs) for i in range(4)]
    font = Font()
    boots = [boot_run(font) for _ in range(RUNS)]
    bmed = [statistics.median(b[i] for b in boots) for i in range(3)]
    print(f"median of {RUNS} runs; console {runs[0][4]}, 8x16 font (160x45 cells)\n")
    print("| measure | value |")
    print("|---|---|")
    print(f"| console lines/s, kprintf (serial + screen, scrolling) | {med[0]:.0f} |")
    print(f"| console lines/s, screen only (scrolling) | {med[1]:.0f} |")
    print(f"| present, full frame {runs[0][4]} (transfer + flush, waited) | {med[2]:.0f} µs |")
    print(f"| present, 64x64 rectangle | {med[3]:.0f} µs |")
    print(f"| guest clock: console on screen | {bmed[2]*1000:.0f} ms |")
    print(f"| wall: start → `kernel> ` on serial | {bmed[0]*1000:.0f} ms |")
    print(f"| wall: start → `kernel> ` on the screen (screendump poll) | {bmed[1]*1000:.0f} ms |")


if __name__ == "__main__":
    main()
