"""tests/host/test_clip_ffmpeg.py — tools/encode/encode.py with real ffmpeg.

Synthetic videos come from ffmpeg's lavfi sources, stored losslessly (FFV1)
so every decode sees the same pixels. Checks: encode.py's output decodes to
exactly ffmpeg's gray frames quantized by the documented rule, and its audio
to exactly ffmpeg's resampled PCM; against ffmpeg's own default scaling +
gray conversion, thresholded at gray >= 128, >= 99 % of pixels agree; clear
errors for a missing ffmpeg, a missing file, a file without video; a file
without audio gives a clip without audio.
"""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import BUILD  # noqa: E402  (build/, or $BADAPPLE_BUILD)
HOST = os.path.join(BUILD, "host")
ENCODE = os.path.join(ROOT, "tools", "encode", "encode.py")


def ffmpeg(*args):
    proc = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args],
                          capture_output=True)
    assert proc.returncode == 0, f"ffmpeg {' '.join(args)}: {proc.stderr.decode()}"
    return proc.stdout


def make_source(path, video, seconds, audio=True):
    args = ["-f", "lavfi", "-i", video]
    if audio:
        args += ["-f", "lavfi", "-i", "sine=frequency=330:sample_rate=48000",
                 "-c:a", "pcm_s16le"]
    ffmpeg(*args, "-t", str(seconds), "-c:v", "ffv1", path)


def encode(src, out, *opts, env=None):
    return subprocess.run([sys.executable, ENCODE, src, "-o", out, *opts],
                          capture_output=True, text=True, env=env)


def decode(clip, tmp, wav=False):
    frames = os.path.join(tmp, "dec.gray")
    args = [os.path.join(HOST, "bavdecode"), clip, "-o", frames]
    if wav:
        args += ["--wav", os.path.join(tmp, "dec.wav")]
    proc = subprocess.run(args, capture_output=True, text=True)
    assert proc.returncode == 0, f"bavdecode: {proc.stderr}"
    with open(frames, "rb") as f:
        got = f.read()
    audio = None
    if wav:
        with open(os.path.join(tmp, "dec.wav"), "rb") as f:
            audio = f.read()[44:]
    return got, audio


def quantize(frames, levels):
    bits = {2: 1, 4: 2, 16: 4}[levels]
    table = bytes((g >> (8 - bits)) * (255 // (levels - 1)) for g in range(256))
    return frames.translate(table)


def test_clip_encode_py_exact_against_its_pipeline():
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "src.mkv")
        make_source(src, "testsrc=size=160x120:rate=15", 3)
        for levels in (2, 16):
            clip = os.path.join(tmp, f"l{levels}.bav")
            proc = encode(src, clip, "--width", "160", "--levels", str(levels))
            assert proc.returncode == 0, f"encode.py failed: {proc.stderr}"
            got, audio = decode(clip, tmp, wav=True)
            gray = ffmpeg("-i", src, "-map", "0:v:0", "-vf",
                          "fps=15/1,scale=160:120:flags=bicubic,format=gray",
                          "-f", "rawvideo", "-pix_fmt", "gray", "-")
            want = quantize(gray, levels)
            assert len(got) == len(want) == 45 * 160 * 120, \
                f"{len(got)} bytes decoded, {len(want)} expected"
            assert got == want, f"levels {levels}: frames differ from ffmpeg's quantized gray"
            pcm = ffmpeg("-i", src, "-map", "0:a:0", "-ac", "1", "-ar", "44100",
                         "-f", "s16le", "-acodec", "pcm_s16le", "-")
            assert audio == pcm, f"PCM differs: {len(audio)} vs {len(pcm)} bytes"


def test_clip_agrees_with_ffmpeg_threshold():
    """encode.py vs ffmpeg's own scaling + gray, thresholded at >= 128."""
    with tempfile.TemporaryDirectory() as tmp:
        for name, source in (("testsrc2", "testsrc2=size=320x240:rate=25"),
                             ("mandelbrot", "mandelbrot=size=320x240:rate=25")):
            src = os.path.join(tmp, name + ".mkv")
            make_source(src, source, 2, audio=False)
            clip = os.path.join(tmp, name + ".bav")
            proc = encode(src, clip, "--width", "200")
            assert proc.returncode == 0, f"encode.py failed: {proc.stderr}"
            got, _ = decode(clip, tmp)
            gray = ffmpeg("-i", src, "-s", "200x150", "-pix_fmt", "gray",
                          "-f", "rawvideo", "-")
            want = gray.translate(bytes(255 if g >= 128 else 0 for g in range(256)))
            assert len(got) == len(want), f"{name}: {len(got)} vs {len(want)} bytes"
            same = sum(1 for a, b in zip(got, want) if a == b)
            assert same >= 0.99 * len(want), \
                f"{name}: only {100 * same / len(want):.2f}% of pixels agree"


def test_clip_encode_py_errors():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "o.bav")
        proc = encode(os.path.join(tmp, "missing.mp4"), out)
        assert proc.returncode == 1 and "cannot read" in proc.stderr, proc.stderr
        junk = os.path.join(tmp, "junk.mp4")
        with open(junk, "wb") as f:
            f.write(b"this is not a video" * 10)
        proc = encode(junk, out)
        assert proc.returncode == 1 and "cannot read" in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        wav = os.path.join(tmp, "a.wav")
        ffmpeg("-f", "lavfi", "-i", "sine=duration=1", wav)
        proc = encode(wav, out)
        assert proc.returncode == 1 and "no video stream" in proc.stderr, proc.stderr
        # No ffmpeg on PATH at all.
        empty = os.path.join(tmp, "empty")
        os.mkdir(empty)
        proc = encode(junk, out, env={"PATH": empty})
        assert proc.returncode == 1 and "ffmpeg not found" in proc.stderr, proc.stderr
        assert not os.path.exists(out), "an output file was left behind"


def test_clip_no_audio_stream_and_trim():
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "v.mkv")
        make_source(src, "testsrc=size=64x48:rate=10", 4, audio=False)
        clip = os.path.join(tmp, "v.bav")
        proc = encode(src, clip, "--start", "1", "--duration", "2")
        assert proc.returncode == 0, f"encode.py failed: {proc.stderr}"
        info = subprocess.run([os.path.join(HOST, "bavinfo"), clip],
                              capture_output=True, text=True)
        assert "audio:     none" in info.stdout, info.stdout
        # 64x48 fits the default 480x360 box at 480x360; 2 s at 10 fps.
        assert "480x360, 10/1 fps" in info.stdout and " 20 frames" in info.stdout, info.stdout


def test_clip_times_in_hh_mm_ss_and_what_the_guest_cannot_play():
    """--start/--duration take [hh:]mm:ss as well as seconds; rates and
    sizes the guest cannot play are refused with the reason, before any
    file is written; the script runs as the README shows it (executable)."""
    assert os.access(ENCODE, os.X_OK), "encode.py is not executable"
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "v.mkv")
        make_source(src, "testsrc=size=64x48:rate=10", 4, audio=False)
        clip = os.path.join(tmp, "v.bav")
        proc = subprocess.run([ENCODE, src, "-o", clip, "--start", "00:00:01",
                               "--duration", "0:02"], capture_output=True, text=True)
        assert proc.returncode == 0, f"encode.py failed: {proc.stderr}"
        info = subprocess.run([os.path.join(HOST, "bavinfo"), clip],
                              capture_output=True, text=True)
        assert " 20 frames" in info.stdout, info.stdout
        os.unlink(clip)
        for opts, want in ((["--rate", "8000"], "44100 or 48000"),
                           (["--width", "2000", "--height", "2000"], "1280x720"),
                           (["--height", "721"], "1..720"),
                           (["--duration", "0"], "more than 0")):
            proc = encode(src, clip, *opts)
            assert proc.returncode == 1 and want in proc.stderr, (opts, proc.stderr)
            assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
            assert not os.path.exists(clip), f"{opts}: an output file was written"
        for bad in ("1:2:3:4", "1:75", "abc", "-3", "1::2"):
            proc = encode(src, clip, "--start", bad)
            assert proc.returncode == 2 and "bad time" in proc.stderr, (bad, proc.stderr)
        help_text = encode(src, clip, "--help").stdout
        for option in ("--width", "--height", "--fps", "--levels", "--rate",
                       "--channels", "--start", "--duration", "--output"):
            line = [l for l in help_text.splitlines() if option in l]
            assert line and len(" ".join(line).split()) > 2, f"{option} undocumented"


def test_make_clip_takes_paths_with_spaces_and_keeps_the_default_clip():
    """`make demo CLIP="my clips/a b.mp4"`: the path reaches encode.py
    whole, the clip is named a_b.bav on the disk, and the default clip is
    packed beside it (README: player /media/default.bav still works).
    Checked on make's plan (-n), so nothing is built."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = os.path.join(tmp, "my clips")
        os.mkdir(folder)
        src = os.path.join(folder, "a b.mkv")
        make_source(src, "testsrc=size=64x48:rate=10", 1, audio=False)
        # The build under test (make test BUILD=... passes it on to this make too).
        build = os.path.relpath(BUILD, ROOT)
        plan = subprocess.run(["make", "-n", "-C", ROOT, "disk", f"CLIP={src}",
                               f"BUILD={build}"], capture_output=True, text=True)
        assert plan.returncode == 0, plan.stderr
        assert f"encode.py '{src}' -o {build}/media/a_b.bav" in plan.stdout, plan.stdout
        cp = [l for l in plan.stdout.splitlines() if "/media/" in l and l.startswith("cp ")]
        assert cp and f"{build}/media/default.bav" in cp[0] and f"{build}/media/a_b.bav" in cp[0], cp
        gone = os.path.join(folder, "none.mp4")
        missing = subprocess.run(["make", "-n", "-C", ROOT, "clip", f"CLIP={gone}"],
                                 capture_output=True, text=True)
        assert missing.returncode != 0 and "no such readable file" in missing.stderr, \
            missing.stderr
