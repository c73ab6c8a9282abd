#!/usr/bin/env python3
"""tests/bench/bench_player.py — the player over a full-length run (>= 3
minutes): dropped frames, the A/V offset measured from outside (mean, p95,
max; method in tests/harness/avsync.py and docs/player.md), the guest's CPU
busy share (the player's own --stats) and QEMU's host CPU share while it
plays (utime + stime from /proc/PID/stat of the qemu process).

The clip is tools/encode/testclip.py's barcode clip, 60 s, played with
--loop for BENCH_SECONDS (default 190) and stopped with q: long enough for
the read-ahead to cycle its buffers ~190 times and for drift to show.
Screendumps every 100 ms (the measurement itself costs host CPU; the e2e
test samples every 30 ms over 10 s). Standalone: python3 tests/bench/bench_player.py
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import wave

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "tools", "encode"))
from harness import Machine  # noqa: E402
from harness.avsync import Watch, summary  # noqa: E402
from harness.hostload import qemu_pid  # noqa: E402
import testclip  # noqa: E402

CLIP_S = 60
SECONDS = float(os.environ.get("BENCH_SECONDS", "190"))
RATE, FPS = 44100, 30
X, Y, SCALE = 160, 0, 2


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        clip = os.path.join(tmp, "long.bav")
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "encode", "testclip.py"),
                        "-o", clip, "--seconds", str(CLIP_S)], check=True)
        img = os.path.join(tmp, "disk.img")
        shutil.copyfile(os.path.join(ROOT, "build", "hdd.dsk"), img)
        subprocess.run(["debugfs", "-w", "-R", f"write {clip} /media/long.bav", img],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cap = os.path.join(tmp, "cap.wav")
        with Machine(cmd="player --stats --loop /media/long.bav", disk=img,
                     audio=f"wav:{cap}", audio_rate=RATE, qmp=True,
                     timeout=SECONDS + 120) as m:
            m.expect(r"player: audio", timeout=60)
            qpid = qemu_pid(m.proc.pid)
            w = Watch(m, cap, X, Y, SCALE, testclip.frame_number)
            t0, c0 = time.monotonic(), cpu_seconds(qpid)
            w.run(until=lambda: time.monotonic() - t0 > SECONDS, period=0.1,
                  timeout=SECONDS + 30)
            t1, c1 = time.monotonic(), cpu_seconds(qpid)
            m.qmp.command("send-key", keys=[{"type": "qcode", "data": "q"}])
            m.expect(r"player-stats", timeout=30)
            status = m.wait(60)
            text = m.text
        w.stop()
        with wave.open(cap, "rb") as wf:
            data = wf.readframes(wf.getnframes())
        samples = struct.unpack(f"<{len(data) // 2}h", data)
    st = {k: int(v) for k, v in re.findall(r"(\w+)=(-?\d+)(?![\d/])",
                                           re.search(r"player-stats: (.*)", text).group(1))}
    s = summary(w.offsets(samples, FPS, RATE, testclip.pcm_index, loop_s=CLIP_S))
    print(f"{SECONDS:.0f} s of a {CLIP_S} s 480x360 30 fps clip looped, scale 2 on 1280x720, "
          f"wav capture; screendumps every 100 ms (exit status {status})\n")
    print("| measure | value |")
    print("|---|---|")
    print(f"| frames shown / dropped | {st['shown']} / {st['dropped']} |")
    print(f"| A/V offset, external: mean | {s['mean']:+.1f} ms |")
    print(f"| A/V offset, external: p95 / max of \\|offset\\| | {s['p95']:.1f} / {s['max']:.1f} ms |")
    print(f"| A/V offset, external: worst 1 s window mean | {s['worst_window']:+.1f} ms |")
    print(f"| A/V offset, player's view: mean / max | {st['av_mean_us'] / 1000:.1f} / "
          f"{st['av_max_us'] / 1000:.1f} ms |")
    print(f"| worst lateness (player) | {st['late_max_us'] / 1000:.1f} ms |")
    print(f"| audio underruns | {st['underruns']} |")
    print(f"| guest CPU busy: player computing / awake | {st['cpu_permille'] / 10:.1f} % / "
          f"{st['awake_permille'] / 10:.1f} % |")
    print(f"| QEMU host CPU during playback | {100 * (c1 - c0) / (t1 - t0):.0f} % of one core |")
    print(f"| player start → first frame | {st['first_frame_ms']} ms |")
    print(f"| external samples | {s['n']} |")


if __name__ == "__main__":
    main()
