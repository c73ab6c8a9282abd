#!/usr/bin/env python3
"""tests/bench/bench_boot.py — boot timing of `run.py --cmd 'echo hello'`.

Wall time from starting tools/run.py to the first kernel log line, to the
command's output and to power-off; and the guest clock's time at kmain
(from the kernel's own uptime prefix). Median of several runs.
"""
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Machine  # noqa: E402

RUNS = 7


def one_run():
    with Machine(cmd="echo hello", timeout=30) as m:
        m.expect(r"\[\s*\d+\.\d+\] kernel: entered kmain")
        import time
        t_kmain = time.monotonic() - m.t_start
        m.expect(r"\nhello\r?\n")
        t_hello = time.monotonic() - m.t_start
        status = m.wait()
        t_off = time.monotonic() - m.t_start
        guest = float(re.search(r"\[\s*(\d+\.\d+)\] kernel: entered kmain", m.text).group(1))
        if status != 0:
            raise SystemExit(f"boot run failed with status {status}")
        return t_kmain, t_hello, t_off, guest


def to_shell_prompt():
    """Wall time from starting run.py to the interactive shell's prompt on
    the serial console (default disk: /bin/init starts /bin/sh)."""
    import shutil
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        disk = os.path.join(tmp, "d.img")
        shutil.copyfile(os.path.join(os.path.dirname(__file__), "..", "..", "build", "hdd.dsk"), disk)
        import time
        with Machine(timeout=30, disk=disk) as m:
            m.expect(r"\$ $|\$ \Z|/ \$ ")
            t = time.monotonic() - m.t_start
            m.send("poweroff\r")
            m.wait()
        return t


def main():
    runs = [one_run() for _ in range(RUNS)]
    shell = statistics.median(to_shell_prompt() for _ in range(5))
    med = [statistics.median(r[i] for r in runs) for i in range(4)]
    print(f"median of {RUNS} runs of `run.py --cmd 'echo hello'` (headless)\n")
    print("| measure | time |")
    print("|---|---|")
    print(f"| wall: start → kernel main (first kernel line) | {med[0]*1000:.0f} ms |")
    print(f"| wall: start → `hello` printed | {med[1]*1000:.0f} ms |")
    print(f"| wall: start → QEMU exited after power-off | {med[2]*1000:.0f} ms |")
    print(f"| guest clock at kmain (reset → kmain, incl. OpenSBI) | {med[3]*1000:.1f} ms |")
    print(f"| wall: start → shell prompt (init, sh from the disk; median of 5) | {shell*1000:.0f} ms |")


if __name__ == "__main__":
    main()
