#!/usr/bin/env python3
"""tests/crash/crashtest.py — the long crash-consistency run (`make crashtest`).

Boots a copy of the disk image N times with /bin/fsload writing, creating,
appending, renaming, deleting and syncing files in /crash, SIGKILLs QEMU at
a random moment each time (every second run without any sync, so only the
kernel's write-back can save files), and judges each image (tests/harness/crash.py):
did e2fsck -fn find it clean, what did it have to repair, were files that
were synced (S/F) or older than the write-back age limit intact after the
repair, and were the image's own files (/bin, /etc) untouched.

    tests/crash/crashtest.py [--runs 20] [--seed 1] [--min 3] [--max 15]
                             [--kernel build/kernel.elf] [--disk build/hdd.dsk]
                             [--age-limit 5]

The disk must hold /bin/fsload (an older image: add it with debugfs, see
docs/disk.md). Exit status 1 when any synced or aged file was lost, any
pre-existing file changed, or an image was still unclean after e2fsck -fy.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import KERNEL, ROOT, crash  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--min", type=float, default=3.0, help="earliest kill (s after ready)")
    ap.add_argument("--max", type=float, default=15.0, help="latest kill")
    ap.add_argument("--kernel", default=KERNEL)
    ap.add_argument("--disk", default=os.path.join(ROOT, "build", "hdd.dsk"))
    ap.add_argument("--age-limit", type=float, default=5.0)
    args = ap.parse_args()

    baseline = crash.baseline_files(args.disk)
    totals = {"unclean": 0, "still_unclean": 0, "lost_sync": 0, "lost_age": 0,
              "checked_sync": 0, "checked_age": 0, "old_damaged": 0, "ops": 0}
    problems = {}
    t0 = time.monotonic()
    for n, (seed, kill_after) in enumerate(
            crash.random_runs(args.runs, args.seed, args.min, args.max), 1):
        r = crash.run_one(args.disk, seed, kill_after, kernel=args.kernel,
                          age_limit=args.age_limit, baseline=baseline, syncs=n % 2 == 1)
        totals["unclean"] += not r["clean"]
        totals["still_unclean"] += not r["repaired_clean"]
        totals["ops"] += r["ops"]
        for why in ("sync", "age"):
            totals["checked_" + why] += r["checked"][why]
            totals["lost_" + why] += len(r["lost"][why])
        totals["old_damaged"] += len(r["old_damaged"])
        for p in r["problems"]:
            problems[p] = problems.get(p, 0) + 1
        print(f"run {n:2}: seed {seed:10} kill at {kill_after:5.2f}s, {r['ops']:4} ops"
              f"{'' if r['syncs_on'] else ' (no syncs)'}: "
              f"{'clean' if r['clean'] else 'NEEDS REPAIR (' + ', '.join(r['problems']) + ')'}"
              f"; lost {len(r['lost']['sync'])}/{r['checked']['sync']} synced, "
              f"{len(r['lost']['age'])}/{r['checked']['age']} aged"
              f"{'' if r['has_sync'] else ' (kernel has no sync)'}"
              f"{'; OLD FILES CHANGED: ' + ' '.join(r['old_damaged']) if r['old_damaged'] else ''}",
              flush=True)
        for why in ("sync", "age"):
            for line in r["lost"][why][:5]:
                print(f"         lost ({why}): {line}")
    print(f"\n{args.runs} kills in {time.monotonic() - t0:.0f} s, {totals['ops']} operations")
    print(f"images needing repair: {totals['unclean']}/{args.runs}"
          + (f" ({', '.join(f'{k} x{v}' for k, v in sorted(problems.items()))})"
             if problems else ""))
    print(f"still unclean after e2fsck -fy: {totals['still_unclean']}")
    print(f"synced files lost: {totals['lost_sync']} of {totals['checked_sync']} checked")
    print(f"files older than {args.age_limit:g} s lost: {totals['lost_age']} of "
          f"{totals['checked_age']} checked")
    print(f"pre-existing files changed: {totals['old_damaged']}")
    bad = (totals["lost_sync"] or totals["lost_age"] or totals["old_damaged"]
           or totals["still_unclean"])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
