#!/usr/bin/env python3
"""tests/bench/bench_tty.py — console throughput on the host.

Builds tests/bench/bench_tty.c with the pure console sources (gfx/tty.c,
gfx/psf2.c, gfx/fb.c) and the generated built-in font using gcc -O2
without sanitizers into build/bench/, runs it and prints one markdown
table: lines per second on a 1280x720 framebuffer with the 8x16 font
(160x45 cells), with and without batching of scrolls. Run from the
repository root (make bench does); makes build/gen/font_default.c first.
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "build", "bench")
FONT_C = os.path.join("build", "gen", "font_default.c")
SRCS = ["tests/bench/bench_tty.c", "gfx/tty.c", "gfx/psf2.c", "gfx/fb.c",
        FONT_C]
CC = os.environ.get("HOSTCC", "gcc")
FLAGS = ["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-I."]


def main():
    os.makedirs(OUT, exist_ok=True)
    subprocess.run(["make", "--no-print-directory", "-s", FONT_C], cwd=ROOT,
                   check=True)
    exe = os.path.join(OUT, "bench_tty")
    subprocess.run([CC, *FLAGS, "-o", exe, *SRCS], cwd=ROOT, check=True)
    rows = subprocess.run([exe], cwd=ROOT, check=True, stdout=subprocess.PIPE,
                          text=True).stdout.splitlines()
    print("### Console (host, gcc -O2, 1280x720, 8x16 font, best of 3)")
    print()
    print("| benchmark | rate |")
    print("|---|---|")
    for row in rows:
        print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
