#!/usr/bin/env python3
"""tests/bench/bench.py — `make bench`: run every tests/bench/bench_*.py.

Each benchmark script prints its own markdown table. Numbers from one run on
a shared machine are noisy: compare ratios measured in the same run, not
absolute values across runs.
"""
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def main():
    only = sys.argv[1:]
    scripts = sorted(f for f in os.listdir(HERE)
                     if f.startswith("bench_") and f.endswith(".py"))
    failed = []
    for s in scripts:
        if only and not any(o in s for o in only):
            continue
        print(f"\n## {s[:-3]}\n", flush=True)
        t0 = time.monotonic()
        rc = subprocess.call([sys.executable, os.path.join(HERE, s)], cwd=ROOT)
        print(f"\n({s} took {time.monotonic() - t0:.0f} s)", flush=True)
        if rc:
            failed.append(s)
    if failed:
        print(f"\nbenchmarks that failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
