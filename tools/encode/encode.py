#!/usr/bin/env python3
"""tools/encode/encode.py — turn any video ffmpeg can read into a .bav clip.

Usage: encode.py INPUT -o OUT.bav [--width W] [--height H] [--fps N[/D]]
                 [--levels 2|4|16] [--rate HZ] [--channels C]
                 [--start SECONDS] [--duration SECONDS]

ffmpeg does all the decoding, resampling, scaling and gray conversion; the
encoder core build/host/bavenc (tools/encode/bavenc.c) quantizes, codes and
writes the container. This script only probes the input and connects pipes:

    ffmpeg (video) --raw gray frames--> bavenc --"frame N" lines--> progress
    ffmpeg (audio) --s16le--> temporary file --> bavenc --pcm

Size: the picture is scaled to fit inside WIDTH x HEIGHT (default 480x360)
keeping its display aspect ratio; with only one of them given, the other
follows the aspect. Frame rate: the source's, capped at 30, unless --fps.
Audio: s16le at --rate (44100) with --channels (the source's, at most 2);
an input without an audio stream gives a clip without audio.
Errors (no ffmpeg, unreadable input, no video stream, ...) are one line on
stderr and exit status 1.
"""
import argparse
import fractions
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BAVENC = os.environ.get("BAVENC", os.path.join(ROOT, "build", "host", "bavenc"))


class EncodeError(Exception):
    pass


def parse_rate(text):
    try:
        r = fractions.Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise EncodeError(f"bad frame rate '{text}'")
    if r <= 0:
        raise EncodeError(f"bad frame rate '{text}'")
    return r


def probe(path):
    """Streams and duration of path, via ffprobe."""
    proc = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format",
         "-of", "json", path], capture_output=True, text=True)
    if proc.returncode != 0:
        msg = (proc.stderr.strip().splitlines() or ["ffprobe failed"])[-1]
        raise EncodeError(f"cannot read {path}: {msg}")
    return json.loads(proc.stdout)


def choose_size(stream, box_w, box_h):
    """Fit the display aspect ratio into the box; even numbers not needed."""
    w, h = int(stream.get("width") or 0), int(stream.get("height") or 0)
    if w <= 0 or h <= 0:
        raise EncodeError("the video stream has no frame size")
    try:
        sar = fractions.Fraction(stream.get("sample_aspect_ratio", "1:1").replace(":", "/"))
    except (ValueError, ZeroDivisionError):
        sar = fractions.Fraction(1)     # "N/A" or "0:1": square pixels
    if sar <= 0:
        sar = fractions.Fraction(1)
    aspect = fractions.Fraction(w, h) * sar
    if box_w and box_h:
        if aspect >= fractions.Fraction(box_w, box_h):
            return box_w, max(1, round(box_w / aspect))
        return max(1, round(box_h * aspect)), box_h
    if box_w:
        return box_w, max(1, round(box_w / aspect))
    return max(1, round(box_h * aspect)), box_h


def main():
    ap = argparse.ArgumentParser(description="Encode a video as a .bav clip.")
    ap.add_argument("input")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--width", type=int)
    ap.add_argument("--height", type=int)
    ap.add_argument("--fps")
    ap.add_argument("--levels", type=int, default=2, choices=(2, 4, 16))
    ap.add_argument("--rate", type=int, default=44100)
    ap.add_argument("--channels", type=int, choices=(1, 2))
    ap.add_argument("--start", type=float, default=0.0)
    ap.add_argument("--duration", type=float)
    args = ap.parse_args()
    try:
        encode(args)
    except EncodeError as e:
        print(f"encode.py: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("encode.py: interrupted", file=sys.stderr)
        return 1
    return 0


def encode(args):
    for tool in ("ffmpeg", "ffprobe"):
        if not shutil.which(tool):
            raise EncodeError(f"{tool} not found: install ffmpeg (tools/deps.sh)")
    if not os.access(BAVENC, os.X_OK):
        raise EncodeError(f"{BAVENC} missing: run 'make {os.path.relpath(BAVENC, ROOT)}'")
    if not os.path.isfile(args.input) or not os.access(args.input, os.R_OK):
        raise EncodeError(f"cannot read {args.input}: no such readable file")
    for name in ("width", "height"):
        v = getattr(args, name)
        if v is not None and not 1 <= v <= 4096:
            raise EncodeError(f"--{name} must be 1..4096")
    if not 1 <= args.rate <= 384000:
        raise EncodeError("--rate must be 1..384000")
    if args.start < 0 or (args.duration is not None and args.duration <= 0):
        raise EncodeError("--start must be >= 0 and --duration > 0")

    info = probe(args.input)
    streams = info.get("streams", [])
    video = [s for s in streams if s.get("codec_type") == "video"
             and not s.get("disposition", {}).get("attached_pic")]
    audio = [s for s in streams if s.get("codec_type") == "audio"]
    if not video:
        raise EncodeError(f"{args.input} has no video stream")
    v = video[0]
    box_w = args.width if args.width or args.height else 480
    box_h = args.height if args.width or args.height else 360
    width, height = choose_size(v, box_w, box_h)

    if args.fps:
        fps = parse_rate(args.fps)
    else:
        fps = fractions.Fraction(30)
        for key in ("avg_frame_rate", "r_frame_rate"):
            try:
                r = fractions.Fraction(v.get(key, "0/0"))
            except (ValueError, ZeroDivisionError):
                continue
            if r > 0:
                fps = min(r, fractions.Fraction(30))
                break
    fps = fps.limit_denominator(1001)

    duration = float(info.get("format", {}).get("duration") or 0) - args.start
    if args.duration is not None:
        duration = min(duration, args.duration) if duration > 0 else args.duration
    expected = max(1, round(duration * fps)) if duration > 0 else 0

    seek = ["-ss", str(args.start)] if args.start else []
    limit = ["-t", str(args.duration)] if args.duration is not None else []
    base = ["ffmpeg", "-nostdin", "-v", "error"] + seek + ["-i", args.input] + limit

    with tempfile.TemporaryDirectory(prefix="bavenc-") as tmp:
        pcm_args = []
        if audio:
            channels = args.channels or min(2, int(audio[0].get("channels") or 2))
            pcm = os.path.join(tmp, "audio.pcm")
            proc = subprocess.run(
                base + ["-map", "0:a:0", "-ac", str(channels), "-ar", str(args.rate),
                        "-f", "s16le", "-acodec", "pcm_s16le", "-y", pcm],
                capture_output=True, text=True)
            if proc.returncode != 0:
                msg = (proc.stderr.strip().splitlines() or ["failed"])[-1]
                raise EncodeError(f"ffmpeg could not decode the audio: {msg}")
            pcm_args = ["--pcm", pcm, "--rate", str(args.rate), "--channels", str(channels)]

        vf = f"fps={fps.numerator}/{fps.denominator},scale={width}:{height}:flags=bicubic,format=gray"
        video_cmd = base + ["-map", "0:v:0", "-vf", vf, "-f", "rawvideo",
                            "-pix_fmt", "gray", "-"]
        enc_cmd = [BAVENC, "-o", args.output, "--width", str(width),
                   "--height", str(height), "--fps", f"{fps.numerator}/{fps.denominator}",
                   "--levels", str(args.levels), "--progress"] + pcm_args + ["-"]
        ff_err = open(os.path.join(tmp, "ffmpeg.err"), "w+")
        ff = subprocess.Popen(video_cmd, stdout=subprocess.PIPE, stderr=ff_err)
        enc = subprocess.Popen(enc_cmd, stdin=ff.stdout, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        ff.stdout.close()           # bavenc holds the read end now
        show_progress(enc, expected, fps)
        enc_err = enc.stderr.read()
        enc.wait()
        ff.wait()
        ff_err.seek(0)
        ff_msg = ff_err.read().strip().splitlines()
        ff_err.close()
        if ff.returncode != 0:
            raise EncodeError("ffmpeg could not decode the video: "
                              + (ff_msg[-1] if ff_msg else f"status {ff.returncode}"))
        if enc.returncode != 0:
            raise EncodeError(enc_err.strip() or f"bavenc failed ({enc.returncode})")
    if enc_err.strip():
        print(enc_err.strip(), file=sys.stderr)


def show_progress(enc, expected, fps):
    """A bar on a terminal; otherwise a plain line on stderr every 5 s."""
    tty = sys.stdout.isatty()
    t0 = last = time.monotonic()
    frames = 0
    for line in enc.stdout:
        if not line.startswith("frame "):
            continue
        frames = int(line.split()[1])
        now = time.monotonic()
        rate = frames / max(now - t0, 1e-6)
        speed = rate / float(fps)
        eta = f"{(expected - frames) / rate:4.0f}s" if expected > frames else "   -"
        if tty:
            done = min(frames / expected, 1.0) if expected else 0.0
            bar = "#" * int(done * 30)
            sys.stdout.write(f"\r[{bar:<30}] {frames}/{expected or '?'} frames "
                             f"{rate:6.0f} fps ({speed:4.1f}x) ETA {eta}")
            sys.stdout.flush()
        elif now - last >= 5:
            last = now
            print(f"encode.py: {frames}/{expected or '?'} frames, {rate:.0f} fps, "
                  f"ETA {eta.strip()}", file=sys.stderr)
    elapsed = time.monotonic() - t0
    summary = (f"{frames} frames in {elapsed:.1f}s "
               f"({frames / max(elapsed, 1e-6) / float(fps):.1f}x real time)")
    if tty:
        sys.stdout.write("\n" + summary + "\n")
    else:
        print(f"encode.py: {summary}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
