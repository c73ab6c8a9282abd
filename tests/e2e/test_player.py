"""tests/e2e/test_player.py — the clip player, watched from outside.

The test clip (tools/encode/testclip.py) shows its frame number as a
barcode and every audio sample carries its own index, so a screendump says
which frame is on screen and the WAV capture says which sample was being
written at any host time (tests/harness/avsync.py describes the timeline
and its error). Checked: frames in order at the right place and scale, the
A/V offset, no dropped frames, the captured sound equal to the clip's PCM;
space/left/right/q; corrupt and truncated clips.
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

from harness import BUILD, ROOT, Machine, run
from harness.avsync import Watch, summary

sys.path.insert(0, os.path.join(ROOT, "tools", "encode"))
import testclip  # noqa: E402

DISK = os.path.join(BUILD, "hdd.dsk")
BAVENC = os.path.join(BUILD, "host", "bavenc")
RATE, FPS = 44100, 30
# 480x360 at scale 2 on the 1280x720 screen: centred horizontally.
X, Y, SCALE = 160, 0, 2
# QEMU's wav backend writes a completed period to the file in the same
# audio-timer tick, so the "heard" latency is about half a 10 ms tick: the
# estimate run.py passes to the guest for wav (LATENCY_MS), which the mean
# A/V offset measured here calibrates.


def make_clip(path, seconds, audio=True):
    cmd = [sys.executable, os.path.join(ROOT, "tools", "encode", "testclip.py"), "-o", path,
           "--seconds", str(seconds), "--bavenc", BAVENC]
    if not audio:
        cmd.append("--no-audio")
    subprocess.run(cmd, check=True)
    with open(path, "rb") as f:
        return f.read()


def disk_with(tmp, files):
    """A private copy of the system disk with extra files written into it."""
    img = os.path.join(tmp, "disk.img")
    shutil.copyfile(DISK, img)
    for name, data in files.items():
        host = os.path.join(tmp, "f-" + os.path.basename(name))
        with open(host, "wb") as f:
            f.write(data)
        subprocess.run(["debugfs", "-w", "-R", f"write {host} {name}", img], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return img


def read_capture(path):
    with wave.open(path, "rb") as w:
        assert (w.getframerate(), w.getnchannels()) == (RATE, 2)
        data = w.readframes(w.getnframes())
    return list(struct.unpack(f"<{len(data) // 2}h", data))


def stats_of(text):
    m = re.search(r"player-stats: (.*)", text)
    assert m, text[-2000:]
    # Whole numbers only: scale is "16/25" when the player shrinks a clip.
    return {k: int(v) for k, v in re.findall(r"(\w+)=(-?\d+)(?![\d/])", m.group(1))}


def test_plays_in_sync_exact_sound_no_drops():
    with tempfile.TemporaryDirectory() as tmp:
        clip = make_clip(os.path.join(tmp, "t.bav"), 10)
        img = disk_with(tmp, {"/media/t.bav": clip})
        cap = os.path.join(tmp, "cap.wav")
        with Machine(cmd="player --stats /media/t.bav",
                     disk=img, audio=f"wav:{cap}", audio_rate=RATE, qmp=True,
                     timeout=60) as m:
            m.expect(r"player: audio 44100 Hz", timeout=30)
            w = Watch(m, cap, X, Y, SCALE, testclip.frame_number)
            img0, _ = w.dump()
            w.run(until=lambda: b"player-stats" in m.output or m.proc.poll() is not None)
            w.stop()
            assert m.wait(30) == 0, m.tail()
            text = m.text
        samples = read_capture(cap)

    st = stats_of(text)
    assert st["shown"] == 300 and st["dropped"] == 0, (st, re.findall(r"player: dropped.*", text))
    assert (st["scale"], st["x"], st["y"]) == (SCALE, X, Y), st

    # Letterbox: black columns either side of the 960x720 picture.
    for y in range(0, 720, 37):
        assert img0.pixel(X - 1, y) == (0, 0, 0) and img0.pixel(X + 960, y) == (0, 0, 0)
    frames = [f for _, f in w.dumps if f is not None]
    assert len(frames) > 150, f"only {len(frames)} readable screendumps"
    assert frames == sorted(frames), "frames out of order"
    assert frames[0] <= 5 and frames[-1] >= 290, (frames[0], frames[-1])

    # The sound: exactly the clip's PCM after the leading silence.
    start = next(i for i, s in enumerate(samples) if s != 0)
    want = testclip.pcm_bytes(10 * RATE)
    got = struct.pack(f"<{len(samples) - start}h", *samples[start:])
    assert got[:len(want)] == want, "captured sound differs from the clip"
    assert not any(got[len(want):]), "noise after the end"

    offs = w.offsets(samples, FPS, RATE, testclip.pcm_index)
    s = summary(offs)
    print(f"A/V offset (external): n={s['n']} mean {s['mean']:+.1f} ms, "
          f"p95 {s['p95']:.1f} ms, max {s['max']:.1f} ms, worst 1 s window "
          f"{s['worst_window']:+.1f} ms; player: {st}")
    assert s["n"] > 100, s
    assert abs(s["mean"]) <= 20, s
    assert abs(s["worst_window"]) <= 40, s


def key(m, name):
    m.qmp.command("send-key", keys=[{"type": "qcode", "data": name}], **{"hold-time": 30})


def wait_frame(w, pred, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _, f = w.dump()
        if f is not None and pred(f):
            return f
        time.sleep(0.03)
    raise AssertionError(f"no frame matched; last dumps {w.dumps[-5:]}")


def test_keys_pause_seek_quit():
    with tempfile.TemporaryDirectory() as tmp:
        clip = make_clip(os.path.join(tmp, "t.bav"), 10)
        img = disk_with(tmp, {"/media/t.bav": clip})
        cap = os.path.join(tmp, "cap.wav")
        with Machine(cmd="player --stats /media/t.bav; echo player status $?; echo still here",
                     disk=img, audio=f"wav:{cap}", audio_rate=RATE, qmp=True,
                     timeout=60) as m:
            m.expect(r"player: audio 44100 Hz", timeout=30)
            w = Watch(m, cap, X, Y, SCALE, testclip.frame_number)
            wait_frame(w, lambda f: f >= 30)

            # Pause: the picture and the capture stand still for a second.
            key(m, "spc")
            time.sleep(0.4)
            _, f1 = w.dump()
            size1 = os.stat(cap).st_size
            time.sleep(1.0)
            _, f2 = w.dump()
            size2 = os.stat(cap).st_size
            assert f1 is not None and f1 == f2, (f1, f2)
            assert size2 - size1 <= 8192, f"audio went on while paused ({size2 - size1} bytes)"
            key(m, "spc")
            wait_frame(w, lambda f: f >= f2 + 10, timeout=5)

            # Right: 5 s further (the chunk starting nearest), then left.
            _, before = w.dump()
            key(m, "right")
            after = wait_frame(w, lambda f: f >= before + 120, timeout=5)
            m.expect(r"player: seek to \d+ s", timeout=5)
            key(m, "left")
            back = wait_frame(w, lambda f: f < after - 100, timeout=5)
            assert back >= 0

            key(m, "q")
            m.expect(r"player status 0", timeout=10)
            m.expect(r"still here", timeout=5)
            assert m.wait(30) == 0, m.tail()
            text = m.text
        w.stop()
        samples = read_capture(cap)
    assert len(re.findall(r"player: seek to", text)) == 2, text[-2000:]
    st = stats_of(text)
    assert st["shown"] < 300, st               # q ended it early
    # The capture jumps forward at the seek: sample indices in the sound go
    # up by about 5 s somewhere (and back down later).
    idx = [testclip.pcm_index(samples[i], samples[i + 1]) for i in range(0, len(samples), 882)]
    idx = [n for n in idx if n is not None]
    jumps = [b - a for a, b in zip(idx, idx[1:])]
    assert any(j > 3 * RATE for j in jumps), "no forward jump in the sound"
    assert any(j < -3 * RATE for j in jumps), "no backward jump in the sound"


def test_corrupt_and_truncated_clips_fail_clearly():
    with tempfile.TemporaryDirectory() as tmp:
        clip = make_clip(os.path.join(tmp, "t.bav"), 3)
        corrupt = bytearray(clip)
        corrupt[len(clip) // 2] ^= 0x40                 # inside chunk 1's payload
        files = {"/media/ok.bav": clip, "/media/bad.bav": bytes(corrupt),
                 "/media/cut.bav": clip[:len(clip) * 2 // 3],
                 "/media/junk.bav": b"not a clip at all" * 10}
        img = disk_with(tmp, files)
        status, out = run("player /media/bad.bav; echo bad $?; player /media/cut.bav; "
                          "echo cut $?; player /media/junk.bav; echo junk $?; "
                          "player /media/none.bav; echo none $?; "
                          "player --no-audio --stats /media/ok.bav; echo ok $?",
                          timeout=60, disk=img)
    assert status == 0, out[-2000:]
    assert re.search(r"player: /media/bad.bav: corrupt clip: chunk 1: .*(CRC|checksum)", out,
                     re.I), out[-2000:]
    assert re.search(r"player: /media/cut.bav: truncated", out), out[-2000:]
    assert re.search(r"player: /media/junk.bav: not a valid .bav clip", out), out[-2000:]
    assert re.search(r"player: /media/none.bav: .*(no such|not found)", out, re.I), out[-2000:]
    for name in ("bad", "cut", "junk", "none"):
        assert re.search(rf"^{name} 1$", out, re.M), (name, out[-2000:])
    # The machine still works: a clean clip plays (without sound, on the
    # monotonic clock) after the failures.
    assert re.search(r"^ok 0$", out, re.M), out[-2000:]
    st = stats_of(out)
    assert st["shown"] + st["dropped"] == 90 and st["dropped"] <= 2, st


def test_fit_shrinks_a_clip_bigger_than_the_screen():
    """A 1600x900 clip on the 1280x720 screen: `--scale fit` (the default)
    shows all of it at 4/5 instead of its top-left corner. The frame is
    black with a white 40-pixel border, so each screen edge must be white
    (32 pixels of it at 4/5) and the middle black."""
    w, h = 1600, 900
    frame = bytearray(w * h)
    for y in range(h):
        row = y * w
        if y < 40 or y >= h - 40:
            frame[row:row + w] = b"\xff" * w
        else:
            frame[row:row + 40] = b"\xff" * 40
            frame[row + w - 40:row + w] = b"\xff" * 40
    with tempfile.TemporaryDirectory() as tmp:
        clip = os.path.join(tmp, "big.bav")
        subprocess.run([BAVENC, "-o", clip, "--width", str(w), "--height", str(h),
                        "--fps", "1"], input=bytes(frame) * 3, check=True)
        with open(clip, "rb") as f:
            img = disk_with(tmp, {"/media/big.bav": f.read()})
        with Machine(cmd="player --stats /media/big.bav", disk=img, qmp=True,
                     timeout=60) as m:
            m.expect(r"player: /media/big.bav: 1600x900.*scale 4/5 at \(0,0\)")
            time.sleep(1.0)
            shot = m.screendump()
            m.expect(r"player-stats: .* scale=4/5 ")
            assert m.wait() == 0, m.tail()
    assert (shot.width, shot.height) == (1280, 720)
    for x, y in ((0, 0), (1279, 719), (1279, 0), (0, 719), (640, 5), (640, 714),
                 (5, 360), (1274, 360), (31, 360), (1248, 360)):
        assert shot.pixel(x, y) == (255, 255, 255), (x, y, shot.pixel(x, y))
    for x, y in ((640, 360), (33, 360), (1246, 360), (640, 33), (640, 686)):
        assert shot.pixel(x, y) == (0, 0, 0), (x, y, shot.pixel(x, y))


# tests/run_tests.py: the sync test is timing-sensitive (0 dropped frames,
# offsets in ms), so it runs alone; the others go longest first.
test_plays_in_sync_exact_sound_no_drops.exclusive = True
test_plays_in_sync_exact_sound_no_drops.cost = 20
test_keys_pause_seek_quit.cost = 10
