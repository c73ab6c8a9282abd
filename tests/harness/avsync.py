"""tests/harness/avsync.py — watch the player from outside: screendumps read
as frame numbers, the WAV capture's growth as the audio timeline, and the
A/V offset between them (docs/player.md, "Measuring sync").

    w = Watch(machine, wav_path, x, y, scale)   # starts the WAV-size poller
    w.run(until=lambda: ..., period=0.03)       # screendumps -> w.dumps
    w.stop()
    offs = w.offsets(capture_samples, fps, rate)   # [(host t, frame, ms)]

The common timeline: QEMU's wav backend writes under TCG in real time, 10 ms
of sound per audio-timer tick, through a stdio buffer that reaches the file
in 4096-byte steps. A thread polls the file size every 2 ms and records
(host time, size) at each change. At a change, the bytes written are the
size plus a remainder of less than one tick; so size - byte_rate * t is the
written stream's line minus that remainder, and the maximum of it over the
changes within +-0.5 s is the line itself (the smallest remainder among ~40
flushes). The audio position at host time t is that line's value, an index
into the capture; the capture's sample there names the clip sample
(testclip.pcm_index), so seeks and pauses need no model.

The picture: a screendump at host time t shows the newest frame presented
before t; if sync were perfect the audio position would be uniformly
0..1 frame period past that frame's timestamp, so the offset of one dump is
(audio position - frame time) - half a frame period. Positive: the picture
is late. Error of one sample: +-half a frame (16.7 ms at 30 fps, averaging
out), plus the screendump's capture instant (the QMP call's start is used;
the call takes ~7 ms), plus the 10 ms granularity of the wav writes.
"""
import os
import statistics
import subprocess
import threading
import time

from qmp import QMPError  # tools/qmp.py (harness puts tools/ on the path)


class Watch:
    def __init__(self, machine, wav_path, x, y, scale, reader):
        self.m, self.wav, self.x, self.y, self.scale = machine, wav_path, x, y, scale
        self.reader = reader                  # reader(img, x, y, scale) -> frame or None
        self.sizes = []                       # (host time, wav size) at each change
        self.dumps = []                       # (host time, frame or None)
        self.dump_s = []                      # how long each screendump call took
        self._stop = False
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self):
        last = None
        while not self._stop:
            try:
                size = os.stat(self.wav).st_size
            except FileNotFoundError:
                size = None
            if size != last:
                self.sizes.append((time.monotonic(), size))
                last = size
            time.sleep(0.002)

    def dump(self):
        t = time.monotonic()
        img = self.m.screendump()
        self.dump_s.append(time.monotonic() - t)
        frame = self.reader(img, self.x, self.y, self.scale)
        self.dumps.append((t, frame))
        return img, frame

    def run(self, until, period=0.03, timeout=60):
        """Screendumps every `period` s until until() is true."""
        deadline = time.monotonic() + timeout
        while not until() and time.monotonic() < deadline:
            t0 = time.monotonic()
            try:
                self.dump()
            except (OSError, QMPError):
                # QEMU powered off between until() and the dump (the serial
                # output saying so can trail on a busy host): the run is over.
                try:
                    self.m.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    raise
                break
            time.sleep(max(0.0, period - (time.monotonic() - t0)))

    def stop(self):
        self._stop = True
        self._thread.join(timeout=2)

    def audio_index(self, t, byte_rate, header=44):
        """Capture sample-frame index being written at host time t."""
        lines = [s - byte_rate * tk for tk, s in self.sizes
                 if s is not None and s > header and abs(tk - t) < 0.5]
        if not lines:
            return None
        return int((byte_rate * t + max(lines) - header) // 4)

    def offsets(self, capture, fps, rate, pcm_index, loop_s=None):
        """[(t, frame, clip sample, offset ms)] for every dump with a frame
        and sound; capture is the WAV's interleaved stereo samples. With a
        looping clip of loop_s seconds the difference is taken modulo it."""
        out = []
        for t, frame in self.dumps:
            if frame is None:
                continue
            k = self.audio_index(t, rate * 4)
            if k is None or k < 0 or 2 * k + 1 >= len(capture):
                continue
            n = pcm_index(capture[2 * k], capture[2 * k + 1])
            if n is None:
                continue
            d = n / rate - frame / fps
            if loop_s:
                d = (d + loop_s / 2) % loop_s - loop_s / 2
            ms = (d - 0.5 / fps) * 1000
            out.append((t, frame, n, ms))
        return out


def summary(offs):
    """mean, p95 of |offset|, max |offset|, and the worst 1-second window
    mean, in ms."""
    vals = [o[3] for o in offs]
    absv = sorted(abs(v) for v in vals)
    windows = {}
    for t, _, _, ms in offs:
        windows.setdefault(int(t - offs[0][0]), []).append(ms)
    worst = max((statistics.mean(v) for v in windows.values() if len(v) >= 5),
                key=abs, default=0.0)
    return {"n": len(vals), "mean": statistics.mean(vals),
            "p95": absv[int(0.95 * (len(absv) - 1))], "max": absv[-1], "worst_window": worst}
