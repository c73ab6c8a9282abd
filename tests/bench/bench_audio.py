#!/usr/bin/env python3
"""tests/bench/bench_audio.py — the cost of sound in the guest: CPU busy
while a 44.1 kHz stereo tone plays (20 s, nothing else running), and the
underruns over 60 s of playback while another process spins on the CPU
(user/audiobench.c). Host audio is the wav backend, which consumes at the
real-time rate like a sound card."""
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import run  # noqa: E402


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with tempfile.TemporaryDirectory() as tmp:
        disk = os.path.join(tmp, "d.img")
        shutil.copyfile(os.path.join(root, "build", "hdd.dsk"), disk)
        status, out = run("audiobench 20; audiobench --load 60", timeout=200, disk=disk,
                          audio=f"wav:{os.path.join(tmp, 'b.wav')}")
    rows = re.findall(r"audiobench: (\d+) s, load (\d), busy (\d+) ppm, cpu (\d+) us per s of "
                      r"audio, underruns (\d+)", out)
    if status != 0 or len(rows) != 2:
        sys.exit(f"audio benchmark failed (status {status}):\n{out[-2000:]}")
    (s0, _, busy0, cpu0, und0), (s1, _, _, _, und1) = rows
    print("44.1 kHz stereo S16 tone through /dev/audio (10 ms periods, 4 in flight)\n")
    print("| measure | value |")
    print("|---|---|")
    print(f"| guest CPU busy while playing, idle system ({s0} s) | {int(busy0) / 1e4:.2f} % |")
    print(f"| guest CPU time per second of audio | {int(cpu0) / 1000:.1f} ms |")
    print(f"| underruns, idle system ({s0} s) | {und0} |")
    print(f"| underruns over {s1} s with a process spinning on the CPU | {und1} |")


if __name__ == "__main__":
    main()
