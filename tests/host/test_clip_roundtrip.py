"""tests/host/test_clip_roundtrip.py — encode -> bavdecode is exact.

Synthetic raw frames made here go straight into bavenc; bavdecode must give
back exactly the quantized frames (format rule: level = gray >> (8 - bits),
shown as level * 255 / (levels - 1)) and exactly the PCM. Cases: all black,
all white, noise, a single changed pixel, odd sizes, one frame, no audio,
every depth, several chunks, moving shapes, the default clip's frames, and
version 1 clips refused. Needs build/host/{bavenc,bavdecode,bavinfo,democlip}.
"""
import os
import random
import subprocess
import tempfile
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import BUILD  # noqa: E402  (build/, or $BADAPPLE_BUILD)
HOST = os.path.join(BUILD, "host")


def tool(name):
    path = os.path.join(HOST, name)
    assert os.access(path, os.X_OK), f"{path} missing: run make {os.path.relpath(path, ROOT)}"
    return path


def quantize(frames, levels):
    bits = {2: 1, 4: 2, 16: 4}[levels]
    step = 255 // (levels - 1)
    table = bytes((g >> (8 - bits)) * step for g in range(256))
    return frames.translate(table)


def encode_decode(tmp, frames, w, h, levels=2, fps="30", pcm=None, channels=2, rate=44100):
    """Runs bavenc then bavdecode; returns (decoded frames, decoded PCM or None)."""
    clip = os.path.join(tmp, "clip.bav")
    args = [tool("bavenc"), "-o", clip, "--width", str(w), "--height", str(h),
            "--fps", fps, "--levels", str(levels)]
    if pcm is not None:
        pcm_path = os.path.join(tmp, "in.pcm")
        with open(pcm_path, "wb") as f:
            f.write(pcm)
        args += ["--pcm", pcm_path, "--rate", str(rate), "--channels", str(channels)]
    enc = subprocess.run(args + ["-"], input=frames, capture_output=True)
    assert enc.returncode == 0, f"bavenc failed: {enc.stderr.decode()}"
    out = os.path.join(tmp, "out.gray")
    dec_args = [tool("bavdecode"), clip, "-o", out]
    if pcm is not None:
        dec_args += ["--wav", os.path.join(tmp, "out.wav")]
    dec = subprocess.run(dec_args, capture_output=True)
    assert dec.returncode == 0, f"bavdecode failed: {dec.stderr.decode()}"
    info = subprocess.run([tool("bavinfo"), clip], capture_output=True, text=True)
    assert info.returncode == 0, f"bavinfo failed: {info.stderr}"
    with open(out, "rb") as f:
        got = f.read()
    audio = None
    if pcm is not None:
        with open(os.path.join(tmp, "out.wav"), "rb") as f:
            wav = f.read()
        assert wav[:4] == b"RIFF" and wav[8:16] == b"WAVEfmt ", "not a WAV header"
        assert int.from_bytes(wav[22:24], "little") == channels
        assert int.from_bytes(wav[24:28], "little") == rate
        audio = wav[44:]
    return got, audio


def check_frames(frames, w, h, levels=2, **kw):
    with tempfile.TemporaryDirectory() as tmp:
        got, audio = encode_decode(tmp, frames, w, h, levels, **kw)
    want = quantize(frames, levels)
    assert len(got) == len(want), f"{len(got)} bytes decoded, expected {len(want)}"
    if got != want:
        first = next(i for i in range(len(want)) if got[i] != want[i])
        raise AssertionError(f"{w}x{h} levels={levels}: first difference at byte {first} "
                             f"(frame {first // (w * h)}): got {got[first]}, want {want[first]}")
    return audio


def noise(n, seed, density=1.0):
    r = random.Random(seed)
    return bytes(r.randrange(256) if r.random() < density else 0 for _ in range(n))


def test_clip_all_black_and_all_white():
    for levels in (2, 4, 16):
        check_frames(bytes(64 * 48 * 40), 64, 48, levels)
        check_frames(b"\xff" * (64 * 48 * 40), 64, 48, levels)
        # black, then white, then black: whole-frame flips
        check_frames(bytes(64 * 48) + b"\xff" * (64 * 48) + bytes(64 * 48), 64, 48, levels)


def test_clip_noise_every_depth():
    for levels in (2, 4, 16):
        check_frames(noise(33 * 21 * 45, levels), 33, 21, levels)


def test_clip_one_changed_pixel():
    w, h = 50, 30
    base = bytearray(noise(w * h, 3, 0.3))
    frames = bytearray(base)
    for pos in (0, 17, w * h // 2, w * h - 1):
        changed = bytearray(frames[-w * h:])
        changed[pos] ^= 0xFF
        frames += changed
        frames += changed                  # and an unchanged frame after it
    for levels in (2, 4, 16):
        check_frames(bytes(frames), w, h, levels)


def test_clip_odd_sizes_and_single_frame():
    for w, h in ((1, 1), (1, 7), (7, 1), (3, 5), (97, 61), (255, 3)):
        check_frames(noise(w * h, w * h, 0.5), w, h)                 # one frame
        check_frames(noise(w * h * 35, w + h, 0.5), w, h, 16)        # two chunks


def test_clip_pcm_exact_with_chunks():
    w, h = 40, 30
    frames = noise(w * h * 75, 9, 0.2)          # 2.5 chunks at 30 fps
    pcm = noise(44100 * 2 * 2 * 3 + 4 * 17, 10)  # longer than the video
    audio = check_frames(frames, w, h, pcm=pcm)
    assert audio == pcm, f"PCM differs: {len(audio)} bytes back, {len(pcm)} in"
    mono = noise(8000 * 2 * 2, 11)               # shorter than the video
    audio = check_frames(frames, w, h, pcm=mono, channels=1, rate=8000)
    assert audio == mono, "mono PCM differs"
    # A 29.97 fps clip: chunk boundaries fall between samples.
    audio = check_frames(frames, w, h, fps="30000/1001", pcm=pcm[:44100 * 4 * 2])
    assert audio == pcm[:44100 * 4 * 2], "PCM differs at 30000/1001 fps"


def test_clip_no_audio():
    w, h = 16, 16
    with tempfile.TemporaryDirectory() as tmp:
        clip = os.path.join(tmp, "a.bav")
        subprocess.run([tool("bavenc"), "-o", clip, "--width", "16", "--height", "16", "-"],
                       input=noise(w * h * 3, 1), check=True)
        info = subprocess.run([tool("bavinfo"), clip], capture_output=True, text=True)
        assert info.returncode == 0 and "audio:     none" in info.stdout, info.stdout
        wav = subprocess.run([tool("bavdecode"), clip, "--wav", os.path.join(tmp, "x.wav")],
                             capture_output=True, text=True)
        assert wav.returncode == 1 and "no audio" in wav.stderr, wav.stderr
    check_frames(noise(w * h * 3, 1), w, h)


def moving_shapes(w, h, frames, seed):
    """Line-art-like motion: a few discs and bars sliding over a gradient,
    so blocks change in some frames and not in others, every gray in use."""
    r = random.Random(seed)
    shapes = [(r.randrange(w), r.randrange(h), r.randrange(3, 12), r.choice((-2, -1, 1, 3)))
              for _ in range(4)]
    out = bytearray()
    for f in range(frames):
        img = bytearray((x * 255 // max(w - 1, 1)) if (x // 8 + f // 10) % 3 == 0 else 0
                        for y in range(h) for x in range(w))
        for cx, cy, rad, v in shapes:
            cx = (cx + v * f) % w
            for y in range(max(0, cy - rad), min(h, cy + rad + 1)):
                for x in range(max(0, cx - rad), min(w, cx + rad + 1)):
                    if (x - cx) ** 2 + (y - cy) ** 2 <= rad * rad:
                        img[y * w + x] = 255 - img[y * w + x] // 2
        out += img
    return bytes(out)


def test_clip_moving_shapes_every_depth():
    """The temporal coding (unchanged blocks skipped, the rest coded against
    the previous frame) is exact at every depth across chunk boundaries."""
    frames = moving_shapes(70, 45, 70, 5)
    for levels in (2, 4, 16):
        check_frames(frames, 70, 45, levels)


def test_clip_default_clip_frames_exact_and_small():
    """The default clip's frames (democlip) come back bit-exact, and the
    video takes less than 2 % of the raw 1-bit frames (the run-length
    coding of version 1 needed about 4.8 %)."""
    w, h, seconds = 480, 360, 8
    with tempfile.TemporaryDirectory() as tmp:
        gray = os.path.join(tmp, "in.gray")
        subprocess.run([tool("democlip"), "--seconds", str(seconds), "--frames", gray], check=True)
        with open(gray, "rb") as f:
            frames = f.read()
        got, _ = encode_decode(tmp, frames, w, h)
        assert got == quantize(frames, 2), "default clip frames differ after the round trip"
        info = subprocess.run([tool("bavinfo"), os.path.join(tmp, "clip.bav")],
                              capture_output=True, text=True, check=True).stdout
    video = int(info.split("video:     ")[2].split(" bytes")[0])
    raw = len(frames) // 8
    assert video < raw * 0.02, f"{video} video bytes for {raw} raw 1-bit bytes"


def test_clip_version_1_refused_by_name():
    """A version 1 clip (the old run-length coding) is never misread: both
    tools refuse it saying to re-encode it."""
    with tempfile.TemporaryDirectory() as tmp:
        clip = os.path.join(tmp, "old.bav")
        subprocess.run([tool("bavenc"), "-o", clip, "--width", "16", "--height", "16", "-"],
                       input=noise(16 * 16 * 3, 1), check=True)
        with open(clip, "rb") as f:
            data = bytearray(f.read())
        data[4:6] = (1).to_bytes(2, "little")
        data[60:64] = zlib.crc32(bytes(data[:60])).to_bytes(4, "little")
        with open(clip, "wb") as f:
            f.write(data)
        for cmd in ([tool("bavinfo"), clip], [tool("bavdecode"), clip]):
            proc = subprocess.run(cmd, capture_output=True, text=True)
            assert proc.returncode == 1, (cmd, proc.stdout, proc.stderr)
            assert "version 1 clip: re-encode with tools/encode" in proc.stderr, proc.stderr
