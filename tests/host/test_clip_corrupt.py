"""tests/host/test_clip_corrupt.py — damaged clips are rejected cleanly.

A small clip with audio and several chunks is cut at every chunk boundary
(and inside the header, index and chunk headers) and has single bits flipped
all over; bavinfo and bavdecode must each exit with status 1 and one line on
stderr naming the problem, never crash, and bavdecode must not leave output
files behind. Missing, non-.bav and over-long files are rejected the same way.
"""
import os
import random
import subprocess
import tempfile

from harness import BUILD  # build/, or $BADAPPLE_BUILD
HOST = os.path.join(BUILD, "host")


def make_clip(tmp):
    w, h, frames = 24, 18, 100                # 4 chunks at 30 fps
    r = random.Random(5)
    video = bytes(255 if (x // 4 + f) % 3 == 0 or r.random() < 0.05 else 0
                  for f in range(frames) for y in range(h) for x in range(w))
    pcm = os.path.join(tmp, "in.pcm")
    with open(pcm, "wb") as f:
        f.write(bytes(r.randrange(256) for _ in range(2000 * 4 * 4)))
    clip = os.path.join(tmp, "good.bav")
    subprocess.run([os.path.join(HOST, "bavenc"), "-o", clip, "--width", str(w),
                    "--height", str(h), "--pcm", pcm, "--rate", "8000",
                    "--channels", "2", "-"], input=video, check=True)
    with open(clip, "rb") as f:
        return f.read()


def chunk_offsets(data):
    count = int.from_bytes(data[40:44], "little")
    return [int.from_bytes(data[64 + 16 * i:68 + 16 * i], "little") for i in range(count)]


def expect_rejected(tmp, data, what, word=None):
    path = os.path.join(tmp, "bad.bav")
    with open(path, "wb") as f:
        f.write(data)
    out = os.path.join(tmp, "frames.gray")
    wav = os.path.join(tmp, "audio.wav")
    for cmd in ([os.path.join(HOST, "bavinfo"), path],
                [os.path.join(HOST, "bavdecode"), path, "-o", out, "--wav", wav]):
        proc = subprocess.run(cmd, capture_output=True, text=True)
        name = os.path.basename(cmd[0])
        assert proc.returncode == 1, \
            f"{name} on {what}: status {proc.returncode}, stderr {proc.stderr!r}"
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(name + ": "), \
            f"{name} on {what}: expected one error line, got {proc.stderr!r}"
        if word:
            assert word in lines[0], f"{name} on {what}: {lines[0]!r} lacks {word!r}"
    assert not os.path.exists(out) and not os.path.exists(wav), \
        f"bavdecode left output behind for {what}"


def test_clip_truncated_everywhere():
    with tempfile.TemporaryDirectory() as tmp:
        data = make_clip(tmp)
        cuts = {0, 1, 63, 64, 65, len(data) - 1}
        for off in chunk_offsets(data):
            cuts |= {off - 1, off, off + 1, off + 31, off + 32, off + 33}
        for cut in sorted(cuts):
            expect_rejected(tmp, data[:cut], f"a file cut at {cut}", "truncated")


def test_clip_bit_flips_rejected():
    with tempfile.TemporaryDirectory() as tmp:
        data = make_clip(tmp)
        r = random.Random(1)
        positions = list(range(0, 64 + 16 * 4 + 40))           # header, index
        positions += [r.randrange(len(data)) for _ in range(60)]  # anywhere
        for off in chunk_offsets(data):
            positions += range(off, off + 32, 3)               # chunk headers
        for pos in positions:
            bad = bytearray(data)
            bad[pos] ^= 1 << r.randrange(8)
            expect_rejected(tmp, bytes(bad), f"a bit flip at byte {pos}")


def test_clip_not_a_clip():
    with tempfile.TemporaryDirectory() as tmp:
        data = make_clip(tmp)
        expect_rejected(tmp, data + b"\0", "a byte appended", "after the end")
        expect_rejected(tmp, b"RIFF" + bytes(100), "a non-.bav file", "magic")
        for cmd in (["bavinfo"], ["bavdecode"]):
            proc = subprocess.run([os.path.join(HOST, cmd[0]), os.path.join(tmp, "nope.bav")],
                                  capture_output=True, text=True)
            assert proc.returncode == 1 and "cannot open" in proc.stderr, proc.stderr
            proc = subprocess.run([os.path.join(HOST, cmd[0]), tmp],
                                  capture_output=True, text=True)
            assert proc.returncode == 1 and "cannot read" in proc.stderr, proc.stderr
