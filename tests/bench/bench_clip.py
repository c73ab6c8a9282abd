#!/usr/bin/env python3
"""tests/bench/bench_clip.py — how well and how fast the .bav codec does.

Standalone (make bench runs it): for build/media/default.bav, and for the
video named by $CLIP if set (encoded here with tools/encode/encode.py),
prints the video size against raw 1 bit per pixel, against per-frame RLE
with 3-byte runs (value byte + 16-bit length, computed here, runs cut at
65535), against ffmpeg's qtrle (gray) and against gzip -9 of the raw 1-bpp
frames; host decode speed (frames/s, CRCs and all); encode speed (x real
time) of bavenc alone and of the whole encode.py pipeline; and how long the
default clip takes to build. Ends with the targets: <= 0.5x RLE, < qtrle,
aim <= 1.5x gzip -9. Needs build/host/* and build/media/default.bav.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HOST = os.path.join(ROOT, "build", "host")
DEFAULT = os.path.join(ROOT, "build", "media", "default.bav")


def run(cmd, **kw):
    proc = subprocess.run(cmd, capture_output=True, **kw)
    if proc.returncode != 0:
        err = proc.stderr.decode() if isinstance(proc.stderr, bytes) else proc.stderr
        sys.exit(f"bench_clip: {' '.join(map(str, cmd))} failed: {err.strip()}")
    return proc


def clip_info(path):
    out = run([os.path.join(HOST, "bavinfo"), path], text=True).stdout
    w, h = map(int, re.search(r"video:\s+(\d+)x(\d+)", out).groups())
    num, den = map(int, re.search(r"(\d+)/(\d+) fps", out).groups())
    frames = int(re.search(r"(\d+) frames", out).group(1))
    video = int(re.search(r"video:\s+(\d+) bytes", out).group(1))
    return dict(w=w, h=h, num=num, den=den, frames=frames, video=video,
                size=os.path.getsize(path), seconds=frames * den / num)


def rle3_size(frames, n):
    """Per-frame RLE in raster order, 3 bytes a run (runs <= 65535)."""
    total = 0
    nonzero = re.compile(rb"[^\x00]")
    for i in range(0, len(frames), n):
        f = frames[i:i + n]
        diff = (int.from_bytes(f[1:], "big") ^ int.from_bytes(f[:-1], "big")).to_bytes(n - 1, "big")
        starts = [0] + [m.start() + 1 for m in nonzero.finditer(diff)] + [n]
        total += sum(3 * ((b - a + 65534) // 65535) for a, b in zip(starts, starts[1:]))
    return total


def bavenc_audio_options(bavdecode, clip, tmp):
    """bavenc's options for the same sound as `clip` (which has audio): its
    samples decoded (bavdecode --wav: a 44-byte header, then the PCM) into
    raw PCM in tmp, with the rate and channel count from that header.
    bench_codec.py uses it too."""
    wav = os.path.join(tmp, "a.wav")
    run([bavdecode, clip, "--wav", wav])
    with open(wav, "rb") as f:
        hdr = f.read(44)
    pcm = os.path.join(tmp, "a.pcm")
    with open(wav, "rb") as f, open(pcm, "wb") as out:
        f.seek(44)
        shutil.copyfileobj(f, out)
    os.unlink(wav)
    return ["--pcm", pcm, "--rate", str(int.from_bytes(hdr[24:28], "little")),
            "--channels", str(int.from_bytes(hdr[22:24], "little"))]


def best_time(cmd, repeats=3, **kw):
    best = None
    for _ in range(repeats):
        t0 = time.monotonic()
        run(cmd, **kw)
        dt = time.monotonic() - t0
        best = dt if best is None else min(best, dt)
    return best


def measure(name, clip, tmp, rows):
    info = clip_info(clip)
    n = info["w"] * info["h"]
    gray = os.path.join(tmp, "frames.gray")
    packed = os.path.join(tmp, "frames.1bpp")
    run([os.path.join(HOST, "bavdecode"), clip, "-o", gray])
    run([os.path.join(HOST, "bavdecode"), clip, "-o", packed, "--1bpp"])
    with open(gray, "rb") as f:
        frames = f.read()
    raw1 = info["frames"] * n / 8
    rle = rle3_size(frames, n)
    qt = os.path.join(tmp, "qtrle.mov")
    run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "gray",
         "-s", f"{info['w']}x{info['h']}", "-r", f"{info['num']}/{info['den']}", "-i", gray,
         "-c:v", "qtrle", "-pix_fmt", "gray", qt])
    qtrle = os.path.getsize(qt)
    gz = len(run(["gzip", "-9", "-c", packed]).stdout)

    dec = best_time([os.path.join(HOST, "bavdecode"), clip])
    # bavenc alone, from the decoded frames (audio re-extracted as raw PCM).
    has_audio = "audio:     none" not in run([os.path.join(HOST, "bavinfo"), clip], text=True).stdout
    enc_cmd = [os.path.join(HOST, "bavenc"), "-o", os.path.join(tmp, "re.bav"),
               "--width", str(info["w"]), "--height", str(info["h"]),
               "--fps", f"{info['num']}/{info['den']}", gray]
    if has_audio:
        enc_cmd += bavenc_audio_options(os.path.join(HOST, "bavdecode"), clip, tmp)
    enc = best_time(enc_cmd, repeats=2)

    v = info["video"]
    rows.append((name, info, v, raw1, rle, qtrle, gz, info["frames"] / dec,
                 info["seconds"] / enc))


def main():
    for tool in ("bavinfo", "bavdecode", "bavenc", "democlip"):
        if not os.access(os.path.join(HOST, tool), os.X_OK):
            sys.exit(f"bench_clip: build/host/{tool} missing (make {os.path.join('build/host', tool)})")
    if not os.path.exists(DEFAULT):
        sys.exit("bench_clip: build/media/default.bav missing (make clip)")
    rows, notes = [], []
    with tempfile.TemporaryDirectory(prefix="bench-clip-") as tmp:
        # Default clip build time: audio, then frames piped into bavenc.
        t0 = time.monotonic()
        pcm = os.path.join(tmp, "d.pcm")
        run([os.path.join(HOST, "democlip"), "--audio", pcm])
        draw = subprocess.Popen([os.path.join(HOST, "democlip"), "--frames", "-"],
                                stdout=subprocess.PIPE)
        run([os.path.join(HOST, "bavenc"), "-o", os.path.join(tmp, "d.bav"), "--width", "480",
             "--height", "360", "--fps", "30", "--pcm", pcm, "--rate", "44100",
             "--channels", "2", "-"], stdin=draw.stdout)
        draw.wait()
        notes.append(f"default clip build (democlip + bavenc): {time.monotonic() - t0:.2f} s")

        measure("default", DEFAULT, tmp, rows)

        # encode.py end to end on an H.264 480x360 30 fps source.
        src = os.path.join(tmp, "src.mp4")
        run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
             "testsrc2=size=480x360:rate=30", "-f", "lavfi", "-i", "sine=frequency=440",
             "-t", "20", "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac", src])
        t0 = time.monotonic()
        run([sys.executable, os.path.join(ROOT, "tools", "encode", "encode.py"), src,
             "-o", os.path.join(tmp, "src.bav")])
        notes.append(f"encode.py, 20 s H.264 testsrc2 480x360@30 + AAC: "
                     f"{20 / (time.monotonic() - t0):.1f}x real time")

        clip = os.environ.get("CLIP")
        if clip:
            out = os.path.join(tmp, "clip.bav")
            t0 = time.monotonic()
            run([sys.executable, os.path.join(ROOT, "tools", "encode", "encode.py"), clip,
                 "-o", out])
            dt = time.monotonic() - t0
            measure(os.path.basename(clip), out, tmp, rows)
            notes.append(f"encode.py {os.path.basename(clip)}: "
                         f"{rows[-1][1]['seconds'] / dt:.1f}x real time")

    print("clip codec (.bav video bytes; ratios are .bav / other)")
    print(f"{'clip':<12} {'frames':>6} {'B/frame':>8} {'vs raw1':>8} {'vs RLE3':>8} "
          f"{'vs qtrle':>8} {'vs gz-9':>8} {'dec fps':>8} {'enc xRT':>8}")
    ok = True
    for name, info, v, raw1, rle, qtrle, gz, dfps, exrt in rows:
        print(f"{name[:12]:<12} {info['frames']:>6} {v / info['frames']:>8.0f} "
              f"{v / raw1:>8.3f} {v / rle:>8.3f} {v / qtrle:>8.3f} {v / gz:>8.2f} "
              f"{dfps:>8.0f} {exrt:>8.0f}")
        print(f"{'':<12} bytes: bav {v}, raw1 {raw1:.0f}, RLE3 {rle}, qtrle {qtrle}, "
              f"gzip-9 {gz}; file {info['size']} with audio")
        checks = [("<= 0.5x RLE3", v <= 0.5 * rle), ("< qtrle", v < qtrle),
                  ("<= 1.5x gzip -9 (aim)", v <= 1.5 * gz)]
        print(f"{'':<12} " + ", ".join(f"{c}: {'yes' if good else 'NO'}" for c, good in checks))
        ok = ok and checks[0][1] and checks[1][1]
    for note in notes:
        print(note)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
