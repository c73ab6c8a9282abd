"""tests/e2e/test_sound.py — virtio-sound, /dev/audio and aplay/tone, heard
from outside through QEMU's wav audiodev: the captured samples must equal
the source exactly once the leading silence is skipped."""
import os
import random
import re
import shutil
import struct
import subprocess
import tempfile
import wave

from harness import BUILD, ROOT, run

DISK = os.path.join(BUILD, "hdd.dsk")


def disk_with(tmp, files):
    """A private copy of the system disk with extra files written into it."""
    img = os.path.join(tmp, "disk.img")
    shutil.copyfile(DISK, img)
    for name, data in files.items():
        host = os.path.join(tmp, os.path.basename(name))
        with open(host, "wb") as f:
            f.write(data)
        subprocess.run(["debugfs", "-w", "-R", f"write {host} {name}", img], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return img


def make_wav(rate, channels, frames, seed):
    """WAV bytes with random non-silent samples (first sample never 0)."""
    rng = random.Random(seed)
    samples = [rng.randint(-20000, 20000) or 1 for _ in range(frames * channels)]
    import io
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(struct.pack(f"<{len(samples)}h", *samples))
    return buf.getvalue(), samples


def read_capture(path):
    with wave.open(path, "rb") as w:
        channels, rate = w.getnchannels(), w.getframerate()
        data = w.readframes(w.getnframes())
    return rate, channels, list(struct.unpack(f"<{len(data) // 2}h", data))


def first_sound(samples):
    for i, s in enumerate(samples):
        if s != 0:
            return i
    return len(samples)


def play_and_capture(rate, channels, seconds, extra=""):
    frames = int(rate * seconds)
    data, samples = make_wav(rate, channels, frames, seed=rate + channels)
    with tempfile.TemporaryDirectory() as tmp:
        img = disk_with(tmp, {"/media/test.wav": data})
        cap = os.path.join(tmp, "cap.wav")
        status, out = run(f"aplay {extra} /media/test.wav", timeout=60, disk=img,
                          audio=f"wav:{cap}", audio_rate=rate)
        assert status == 0, out[-2000:]
        return samples, read_capture(cap), out


def check_exact(rate, channels, seconds):
    samples, (crate, cch, cap), out = play_and_capture(rate, channels, seconds)
    assert (crate, cch) == (rate, 2), (crate, cch)  # QEMU's wav backend writes stereo
    if channels == 1:
        # The mixer puts a mono stream on both channels.
        left, right = cap[0::2], cap[1::2]
        assert left == right
        cap = left
    start = first_sound(cap)
    got = cap[start:start + len(samples)]
    assert len(got) == len(samples), f"captured {len(got)} of {len(samples)} samples"
    mismatches = sum(1 for a, b in zip(got, samples) if a != b)
    assert mismatches == 0, f"{mismatches} samples differ (first at " \
        f"{next(i for i, (a, b) in enumerate(zip(got, samples)) if a != b)})"
    assert all(s == 0 for s in cap[start + len(samples):]), "noise after the end"
    assert re.search(r"aplay: played \d+ frames, 0 underruns", out), out[-1000:]


def test_aplay_stereo_44100_exact():
    check_exact(44100, 2, 1.5)


def test_aplay_mono_44100_exact():
    check_exact(44100, 1, 1.0)


def test_aplay_stereo_48000_exact():
    check_exact(48000, 2, 1.0)


def test_aplay_mono_48000_exact():
    check_exact(48000, 1, 1.0)


def test_pause_keeps_the_sequence_continuous():
    # QEMU's wav backend writes only while the stream runs, so a pause shows
    # up in the capture as nothing at all: the samples must join exactly.
    # That the pause happened is seen in the guest: its clock stood still.
    rate = 44100
    samples, (_, _, cap), out = play_and_capture(rate, 2, 2.0,
                                                 extra="--pause-after 0.5 --pause-for 0.5")
    start = first_sound(cap)
    assert cap[start:start + len(samples)] == samples, "samples lost or altered around the pause"
    m = re.search(r"paused 500 ms at clock frame (\d+); clock after the pause (\d+)", out)
    assert m, out[-1500:]
    before, after = int(m.group(1)), int(m.group(2))
    assert 0.1 * rate < before < 0.7 * rate, before
    assert after - before <= 0.02 * rate, f"clock moved {after - before} frames while paused"


def test_clock_advances_at_the_nominal_rate():
    with tempfile.TemporaryDirectory() as tmp:
        img = disk_with(tmp, {})
        status, out = run("tone --clock-log 440 10", timeout=90, disk=img,
                          audio=f"wav:{os.path.join(tmp, 'c.wav')}")
    assert status == 0, out[-2000:]
    points = [(int(t), int(f)) for t, f in re.findall(r"^clock (\d+) (\d+)$", out, re.M)]
    assert len(points) > 300, len(points)
    frames = [f for _, f in points]
    assert frames == sorted(frames), "the clock went backwards"
    # Rate over the steady part (skip the first and last second).
    steady = [(t, f) for t, f in points if points[0][0] + 1e9 < t < points[-1][0] - 1e9]
    (t0, f0), (t1, f1) = steady[0], steady[-1]
    rate = (f1 - f0) / ((t1 - t0) / 1e9)
    assert abs(rate - 44100) / 44100 < 0.005, f"clock runs at {rate:.1f} Hz"
    assert "0 underruns" in out


def test_bad_wav_files_are_refused_clearly():
    good, _ = make_wav(44100, 2, 4410, seed=1)
    rate8k = bytearray(good)
    struct.pack_into("<I", rate8k, 24, 8000)
    struct.pack_into("<I", rate8k, 28, 8000 * 4)
    bits8 = bytearray(good)
    struct.pack_into("<H", bits8, 34, 8)
    floatfmt = bytearray(good)
    struct.pack_into("<H", floatfmt, 20, 3)
    files = {"/media/rate.wav": bytes(rate8k), "/media/bits.wav": bytes(bits8),
             "/media/float.wav": bytes(floatfmt), "/media/cut.wav": good[:3000],
             "/media/junk.wav": b"this is not a wave file at all" * 10}
    with tempfile.TemporaryDirectory() as tmp:
        img = disk_with(tmp, files)
        status, out = run("aplay /media/rate.wav; aplay /media/bits.wav; aplay /media/float.wav; "
                          "aplay /media/cut.wav; aplay /media/junk.wav; echo status $?; "
                          "tone 440 0.2", timeout=60, disk=img)
    assert "8000 Hz not supported" in out, out[-2000:]
    assert re.search(r"8-bit.*not supported", out), out[-2000:]
    assert re.search(r"float", out, re.I)
    assert re.search(r"cut.wav: .*truncated", out, re.I), out[-2000:]
    assert re.search(r"junk.wav: .*(RIFF|WAVE)", out), out[-2000:]
    assert "status 1" in out
    assert re.search(r"tone: \d+ frames, 0 underruns", out), "the device still works afterwards"


def test_flush_drops_what_was_not_heard():
    # tone writes 3 s (the ring holds ~0.37 s, so writing blocks until ~2.6 s
    # have played), waits until 2.7 s are heard, then AUDIO_FLUSH: what was
    # queued is dropped at once, the clock restarts at 0, and the capture
    # holds about 2.7 s of tone, not 3.
    with tempfile.TemporaryDirectory() as tmp:
        img = disk_with(tmp, {})
        cap = os.path.join(tmp, "f.wav")
        status, out = run("tone --flush-after 2.7 440 3", timeout=60, disk=img,
                          audio=f"wav:{cap}")
        assert status == 0, out[-2000:]
        m = re.search(r"tone: flushed at frame (\d+); clock after (\d+)", out)
        assert m, out[-1500:]
        assert int(m.group(1)) >= int(2.7 * 44100) and int(m.group(2)) == 0
        _, _, samples = read_capture(cap)
        start = first_sound(samples)
        last = max(i for i, v in enumerate(samples) if v != 0)
        heard = (last - start) / 2 / 44100
        assert 2.6 < heard < 2.95, f"{heard:.3f} s of tone reached the speaker"
