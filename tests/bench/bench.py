#!/usr/bin/env python3
"""tests/bench/bench.py — `make bench`: run every tests/bench/bench_*.py.

Each benchmark script prints its own markdown table. Numbers from one run on
a shared machine are noisy: compare ratios measured in the same run, not
absolute values across runs.

It first says how long it will take: each script's time from the last run
on this machine (build/bench-times.txt, "SCRIPT SECONDS" lines, rewritten
after every script), or else the typical time below (2-core host, TCG).
"""
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TIMES = os.path.join(ROOT, "build", "bench-times.txt")
# Typical seconds per script; bench_player's scales with BENCH_SECONDS.
TYPICAL_S = {"bench_audio.py": 60, "bench_boot.py": 20, "bench_clip.py": 15,
             "bench_display.py": 20, "bench_load.py": 160, "bench_mem.py": 5,
             "bench_player.py": float(os.environ.get("BENCH_SECONDS", "190")) + 20,
             "bench_proc.py": 15, "bench_storage.py": 15, "bench_tty.py": 10,
             # 4 plays of each clip (default, CODEC_CLIP's) and 2 boots.
             "bench_text.py": (4 * (2 if os.environ.get("CODEC_CLIP") else 1)
                               * (float(os.environ.get("BENCH_TEXT_SECONDS", "20")) + 5) + 20)}


def load_times():
    times = {}
    try:
        with open(TIMES) as f:
            for line in f:
                name, _, secs = line.partition(" ")
                times[name] = float(secs)
    except (OSError, ValueError):
        pass
    return times


def save_times(times):
    try:
        with open(TIMES, "w") as f:
            f.writelines(f"{k} {v:.0f}\n" for k, v in sorted(times.items()))
    except OSError:
        pass


def main():
    only = sys.argv[1:]
    scripts = sorted(f for f in os.listdir(HERE)
                     if f.startswith("bench_") and f.endswith(".py"))
    scripts = [s for s in scripts if not only or any(o in s for o in only)]
    times = load_times()
    expect = sum(times.get(s, TYPICAL_S.get(s, 30)) for s in scripts)
    about = f"{expect:.0f} s" if expect < 120 else f"{expect / 60:.0f} min"
    print(f"make bench: {len(scripts)} benchmark(s), about {about} "
          f"({'the last run here' if all(s in times for s in scripts) else 'typical times'}; "
          f"more on a busy host)", flush=True)
    failed = []
    for s in scripts:
        print(f"\n## {s[:-3]}\n", flush=True)
        t0 = time.monotonic()
        rc = subprocess.call([sys.executable, os.path.join(HERE, s)], cwd=ROOT)
        times[s] = time.monotonic() - t0
        save_times(times)
        print(f"\n({s} took {times[s]:.0f} s)", flush=True)
        if rc:
            failed.append(s)
    if failed:
        print(f"\nbenchmarks that failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
