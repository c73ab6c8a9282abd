#!/usr/bin/env python3
"""tools/encode/testclip.py — the player's test clip: every frame carries its
number as a barcode, every audio sample carries its own index.

    tools/encode/testclip.py -o OUT.bav [--seconds S] [--fps N] [--rate HZ]
                             [--width W --height H] [--bavenc PATH]
    import testclip; testclip.frame_number(img, x, y, scale)  # read it back

Picture (W x H, default 480x360, 1 bit): BARCODE_BITS (16) blocks of
W/16 x BAR_H pixels across the top hold the frame number, most significant
bit first, white = 1; the row below holds the complement of each bit, so a
block pair reads as (1,0) or (0,1) and anything else (a torn or blended
frame, a console line) is rejected. Below, a white bar moves one step per
frame, so every delta frame changes pixels.

Sound (stereo s16le): sample n has left = (n & 0x3fff) + 1 and
right = -((n >> 14) + 1): never silent, and any captured sample frame names
its position in the clip exactly (pcm_index()), which the A/V measurement
uses. Written through build/host/bavenc (the one encoder).
"""
import argparse
import os
import struct
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BARCODE_BITS = 16
BAR_H = 40


def sample(n):
    """(left, right) of audio sample frame n."""
    return (n & 0x3FFF) + 1, -((n >> 14) + 1)


def pcm_index(left, right):
    """Inverse of sample(): the clip sample index, or None if not one."""
    if not (1 <= left <= 0x4000) or right > -1:
        return None
    return (left - 1) | ((-right - 1) << 14)


def pcm_bytes(count):
    out = bytearray(4 * count)
    for n in range(count):
        struct.pack_into("<hh", out, 4 * n, *sample(n))
    return bytes(out)


def frame_pixels(f, w, h):
    """Frame f as w*h bytes of gray (0 or 255)."""
    rows = bytearray(w * h)
    block = w // BARCODE_BITS
    top = bytearray(w)
    comp = bytearray(w)
    for b in range(BARCODE_BITS):
        bit = (f >> (BARCODE_BITS - 1 - b)) & 1
        top[b * block:(b + 1) * block] = (b"\xff" if bit else b"\x00") * block
        comp[b * block:(b + 1) * block] = (b"\x00" if bit else b"\xff") * block
    for y in range(BAR_H):
        rows[y * w:(y + 1) * w] = top
        rows[(y + BAR_H) * w:(y + BAR_H + 1) * w] = comp
    bar_w = 16
    x0 = (f * 8) % (w - bar_w)
    line = bytearray(w)
    line[x0:x0 + bar_w] = b"\xff" * bar_w
    for y in range(2 * BAR_H + 20, h - 10):
        rows[y * w:(y + 1) * w] = line
    return bytes(rows)


def frame_number(img, x, y, scale, w=480):
    """Read the barcode of a frame drawn at (x, y) with `scale` in a
    screendump (harness.Image); None if it is not a clean barcode."""
    block = w // BARCODE_BITS
    value = 0
    for b in range(BARCODE_BITS):
        cx = x + (b * block + block // 2) * scale
        top = img.pixel(cx, y + (BAR_H // 2) * scale)
        bot = img.pixel(cx, y + (BAR_H + BAR_H // 2) * scale)
        t, u = top[0] > 127, bot[0] > 127
        if t == u or top[0] not in (0, 255) or bot[0] not in (0, 255):
            return None
        value = value << 1 | int(t)
    return value


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--fps", type=int, default=30)
    ap.add_argument("--rate", type=int, default=44100)
    ap.add_argument("--width", type=int, default=480)
    ap.add_argument("--height", type=int, default=360)
    ap.add_argument("--no-audio", action="store_true")
    ap.add_argument("--bavenc", default=os.path.join(ROOT, "build", "host", "bavenc"))
    args = ap.parse_args()
    frames = int(round(args.seconds * args.fps))
    if frames >= 1 << BARCODE_BITS:
        sys.exit("testclip: too many frames for the 16-bit barcode")
    cmd = [args.bavenc, "-o", args.output, "--width", str(args.width),
           "--height", str(args.height), "--fps", str(args.fps)]
    pcm_path = args.output + ".pcm"
    if not args.no_audio:
        with open(pcm_path, "wb") as f:
            f.write(pcm_bytes(frames * args.rate // args.fps))
        cmd += ["--pcm", pcm_path, "--rate", str(args.rate), "--channels", "2"]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
    for f in range(frames):
        proc.stdin.write(frame_pixels(f, args.width, args.height))
    proc.stdin.close()
    status = proc.wait()
    if not args.no_audio:
        os.unlink(pcm_path)
    if status:
        sys.exit(f"testclip: bavenc failed ({status})")


if __name__ == "__main__":
    main()
