#!/usr/bin/env python3
"""tests/bench/bench_mem.py — memory allocator throughput on the host.

Builds tests/bench/bench_mem.c with the pure allocator sources
(kernel/mm/kheap.c, kernel/mm/page_alloc.c) using gcc -O2 without sanitizers into
build/bench/, twice: plain, and with KHEAP_DEBUG (free poisoning and
write-after-free checks, as in debug kernels). Runs both and prints one
markdown table: kmalloc/kfree vs glibc malloc/free on the same operation
sequence, and the page allocator's single-page and 16-page aligned rates.
Run from the repository root (make bench does).
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "build", "bench")
SRCS = ["tests/bench/bench_mem.c", "kernel/mm/kheap.c", "kernel/mm/page_alloc.c"]
CC = os.environ.get("HOSTCC", "gcc")
FLAGS = ["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-I."]


def build(name, extra):
    exe = os.path.join(OUT, name)
    subprocess.run([CC, *FLAGS, *extra, "-o", exe, *SRCS], cwd=ROOT,
                   check=True)
    return exe


def main():
    os.makedirs(OUT, exist_ok=True)
    plain = build("bench_mem", ["-DKHEAP_NDEBUG"])
    debug = build("bench_mem_debug", ["-DKHEAP_DEBUG"])
    rows = subprocess.run([plain], cwd=ROOT, check=True, stdout=subprocess.PIPE,
                          text=True).stdout.splitlines()
    rows.insert(1, subprocess.run(
        [debug, "--heap-only", "KHEAP_DEBUG (poison + checks)"], cwd=ROOT,
        check=True, stdout=subprocess.PIPE, text=True).stdout.strip())
    print("### Memory allocators (host, gcc -O2, best of 3)")
    print()
    print("| benchmark | rate | relative |")
    print("|---|---|---|")
    for row in rows:
        print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
