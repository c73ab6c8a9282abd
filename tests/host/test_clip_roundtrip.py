"""tests/host/test_clip_roundtrip.py — encode -> bavdecode is exact.

Synthetic raw frames made here go straight into bavenc; bavdecode must give
back exactly the quantized frames (format rule: level = gray >> (8 - bits),
shown as level * 255 / (levels - 1)) and exactly the PCM. Cases: all black,
all white, noise, a single changed pixel, odd sizes, one frame, no audio,
every depth, several chunks. Needs build/host/{bavenc,bavdecode,bavinfo}.
"""
import os
import random
import subprocess
import tempfile

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
