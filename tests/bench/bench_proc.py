#!/usr/bin/env python3
"""tests/bench/bench_proc.py — process features measured in the guest.

Boots the OS twice on a copy of build/hdd.dsk and runs /bin/procbench
(user/procbench.c): once as built (fork shares pages copy-on-write) and
once with the bootarg `nocow` (fork copies every page at once). Prints one
markdown table: fork + exit + wait per second for a small process and for
one with 8 MiB of touched heap (and when the child writes all of it), the
signal round trip (kill self → handler → sigreturn) and a SIGUSR1
ping-pong between two processes, one swapcontext, and how late 20 ms
ITIMER_REAL expiries arrive. Numbers come from QEMU's TCG on this host, so
compare rows with each other, not with real hardware. Run from the
repository root (make bench does).
"""
import os
import re
import shutil
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from harness import run  # noqa: E402

DISK = os.path.join(ROOT, "build", "hdd.dsk")

ROWS = [
    ("fork_exit_wait_small", "fork + exit + wait, small process", "/s"),
    ("fork_exit_wait_8mb", "fork + exit + wait, 8 MiB heap", "/s"),
    ("fork_write_8mb", "fork + child writes 8 MiB + exit + wait", "/s"),
    ("signal_roundtrip", "signal to self: kill → handler → sigreturn", "ns"),
    ("signal_pingpong", "SIGUSR1 ping-pong between two processes (round)", "ns"),
    ("swapcontext", "swapcontext (one switch)", "ns"),
    ("alarm_late_avg", "20 ms interval timer: mean lateness", "µs"),
    ("alarm_late_max", "20 ms interval timer: worst lateness", "µs"),
]


def measure(append):
    tmp = tempfile.mkdtemp(prefix="bench-proc-")
    try:
        disk = os.path.join(tmp, "hdd.dsk")
        shutil.copyfile(DISK, disk)
        status, out = run("procbench", timeout=180, disk=disk, append=append)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if status != 0:
        raise SystemExit(f"procbench failed ({status}):\n{out[-2000:]}")
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"^(\w+) (\d+) \S+\r?$", out, re.M)}


def main():
    cow = measure("")
    copy = measure("nocow")
    print("### Processes: copy-on-write fork, signals, timers (guest, QEMU TCG)")
    print()
    print("| benchmark | copy-on-write fork | full-copy fork (`nocow`) |")
    print("|---|---|---|")
    for key, label, unit in ROWS:
        a, b = cow.get(key), copy.get(key)
        print(f"| {label} | {a if a is not None else '?'} {unit} "
              f"| {b if b is not None else '?'} {unit} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
