#!/usr/bin/env python3
"""tools/encode/encode.py — turn any video ffmpeg can read into a .bav clip.

Usage: encode.py INPUT -o OUT.bav [options]   (encode.py --help lists them)

Size: the picture is scaled to fit inside WIDTH x HEIGHT (default 480x360)
keeping its display aspect ratio; with only one of them given, the other
follows the aspect. Frame rate: the source's, capped at 30, unless --fps.
Audio: s16le at --rate (44100) with --channels (the source's, at most 2);
an input without an audio stream gives a clip without audio.
What the guest cannot play is refused here, with the reason, rather than
written into a clip that would play silently or cropped: audio rates other
than 44100 and 48000 Hz (what /dev/audio accepts), pictures larger than the
guest's default screen (1280x720).
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


# What the guest plays: /dev/audio's rates (audio/audio_dev.c) and the
# screen tools/run.py gives it by default (--resolution).
GUEST_RATES = (44100, 48000)
GUEST_SCREEN = (1280, 720)


def parse_time(text):
    """Seconds from "75", "75.5", "1:15" or "00:01:15.5" (as ffmpeg writes
    times); an argparse type, so a bad value is a usage error."""
    parts = text.strip().split(":")
    if not 1 <= len(parts) <= 3 or any(p.strip() == "" for p in parts):
        raise argparse.ArgumentTypeError(f"bad time '{text}': want seconds or [hh:]mm:ss")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad time '{text}': want seconds or [hh:]mm:ss")
    if any(v < 0 or v != v for v in values) or any(v >= 60 for v in values[1:]):
        raise argparse.ArgumentTypeError(f"bad time '{text}': want seconds or [hh:]mm:ss")
    seconds = 0.0
    for v in values:
        seconds = seconds * 60 + v
    return seconds


def parse_args(argv=None):
    ap = argparse.ArgumentParser(
        prog="encode.py",
        description="Encode any video ffmpeg can read as a .bav clip for the player.",
        epilog="Example: encode.py video.mp4 -o build/media/video.bav --start 1:30 "
               "--duration 60. The clip plays in the guest with `player /media/NAME.bav`; "
               "`make demo CLIP=video.mp4` encodes, packs the disk and plays it.")
    ap.add_argument("input", help="the video (any file ffmpeg reads)")
    ap.add_argument("-o", "--output", required=True, metavar="OUT.bav",
                    help="the clip to write")
    ap.add_argument("--width", type=int, metavar="W",
                    help=f"fit the picture into W pixels wide (1..{GUEST_SCREEN[0]}; "
                         "default: the box 480x360); alone, the height follows the aspect")
    ap.add_argument("--height", type=int, metavar="H",
                    help=f"fit the picture into H pixels high (1..{GUEST_SCREEN[1]}); "
                         "alone, the width follows the aspect")
    ap.add_argument("--fps", metavar="N[/D]",
                    help="frame rate, e.g. 24 or 30000/1001 (default: the source's, "
                         "at most 30)")
    ap.add_argument("--levels", type=int, default=2, choices=(2, 4, 16),
                    help="gray levels per pixel: 2 is black and white (default)")
    ap.add_argument("--rate", type=int, default=44100, metavar="HZ",
                    help="audio sample rate: 44100 (default) or 48000, the rates "
                         "the guest plays")
    ap.add_argument("--channels", type=int, choices=(1, 2),
                    help="audio channels (default: the source's, at most 2)")
    ap.add_argument("--start", type=parse_time, default=0.0, metavar="TIME",
                    help="start this far into the input: seconds (75.5) or "
                         "[hh:]mm:ss (1:15.5); default 0")
    ap.add_argument("--duration", type=parse_time, metavar="TIME",
                    help="encode at most this long: seconds or [hh:]mm:ss "
                         "(default: to the end)")
    return ap.parse_args(argv)


def main():
    args = parse_args()
    try:
        encode(args)
    except EncodeError as e:
        print(f"encode.py: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("encode.py: interrupted", file=sys.stderr)
        return 1
    return 0


def check_args(args):
    """What the guest cannot play, refused before any work is done."""
    for name, limit in (("width", GUEST_SCREEN[0]), ("height", GUEST_SCREEN[1])):
        v = getattr(args, name)
        if v is not None and not 1 <= v <= limit:
            raise EncodeError(
                f"--{name} {v}: must be 1..{limit}; the guest's screen is "
                f"{GUEST_SCREEN[0]}x{GUEST_SCREEN[1]} and a bigger clip would only "
                "be shrunk again on playback")
    if args.rate not in GUEST_RATES:
        raise EncodeError(
            f"--rate {args.rate}: the guest plays {GUEST_RATES[0]} or {GUEST_RATES[1]} Hz "
            "(ffmpeg resamples the source to either)")
    if args.duration is not None and args.duration <= 0:
        raise EncodeError("--duration must be more than 0")


def encode(args):
    for tool in ("ffmpeg", "ffprobe"):
        if not shutil.which(tool):
            raise EncodeError(f"{tool} not found: install ffmpeg (tools/deps.sh)")
    if not os.access(BAVENC, os.X_OK):
        raise EncodeError(f"{BAVENC} missing: run 'make {os.path.relpath(BAVENC, ROOT)}'")
    if not os.path.isfile(args.input) or not os.access(args.input, os.R_OK):
        raise EncodeError(f"cannot read {args.input}: no such readable file")
    check_args(args)

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
