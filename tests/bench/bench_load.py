#!/usr/bin/env python3
"""tests/bench/bench_load.py — the player on a busy host: the default clip
(/media/default.bav, 40 s) played with 0, 1 and 2 CPU-bound processes
running on the host (`sh -c 'while :; do :; done'`, started here and
stopped by PID), QEMU's sound captured to a WAV as in the tests.

Reported per run: frames shown / dropped and audio underruns (the player's
--stats), the audio lead the player settled on, the least sound queued in
/dev/audio before a feed (how near an underrun it came), and how long
QEMU's most-delayed thread waited for a CPU (tests/harness/hostload.py) as
a share of the playing time — the measure of how busy the host was for it.
Other work on the machine adds to the hogs: compare runs made together.

Standalone: python3 tests/bench/bench_load.py [HOGS ...]; BENCH_LOAD_DISK
plays from another disk image (e.g. one with an older player).
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
from harness import Machine  # noqa: E402
from harness.hostload import Starvation, qemu_pid  # noqa: E402

ESTIMATE_S = 160          # three runs of ~50 s (bench.py announces the total)
CLIP = "/media/default.bav"


def start_hogs(n):
    return [subprocess.Popen(["sh", "-c", "while :; do :; done"]) for _ in range(n)]


def stop_hogs(hogs):
    for p in hogs:
        p.kill()
        p.wait()


def play(disk, hogs_n):
    with tempfile.TemporaryDirectory() as tmp:
        img = os.path.join(tmp, "disk.img")
        shutil.copyfile(disk, img)
        hogs = start_hogs(hogs_n)
        try:
            with Machine(cmd=f"player --stats {CLIP}", disk=img,
                         audio=f"wav:{os.path.join(tmp, 'cap.wav')}", timeout=240) as m:
                starve = Starvation(qemu_pid(m.proc.pid))
                m.expect(r"player: audio", timeout=120)
                t0 = time.monotonic()
                m.expect(r"player-stats", timeout=200)
                t1 = time.monotonic()
                status = m.wait(60)
                starve.stop()
                text = m.text
        finally:
            stop_hogs(hogs)
    st = {k: int(v) for k, v in re.findall(r"(\w+)=(-?\d+)",
                                           re.search(r"player-stats: (.*)", text).group(1))}
    return st, status, 100 * starve.waited(t0, t1) / (t1 - t0)


def main():
    disk = os.environ.get("BENCH_LOAD_DISK", os.path.join(ROOT, "build", "hdd.dsk"))
    levels = [int(a) for a in sys.argv[1:]] or [0, 1, 2]
    print(f"{CLIP} played with N CPU-bound processes on the {os.cpu_count()}-core host "
          f"(wav capture, default latency estimate); disk "
          f"{os.path.relpath(disk, ROOT) if disk.startswith(ROOT) else disk}\n")
    print("| host hogs | shown / dropped | audio underruns | lead / least queued | "
          "QEMU waiting for a CPU | status |")
    print("|---|---|---|---|---|---|")
    for n in levels:
        st, status, waited = play(disk, n)
        lead = (f"{st['lead_ms']} / {st['audio_low_ms']} ms" if "lead_ms" in st else "150 / ? ms")
        print(f"| {n} | {st['shown']} / {st['dropped']} | {st['underruns']} | {lead} | "
              f"{waited:.0f} % of the time | {status} |", flush=True)


if __name__ == "__main__":
    main()
