#!/usr/bin/env python3
"""tools/screenshot.py — screen captures as PNG, standard library only.

    tools/screenshot.py IN.ppm OUT.png            convert a QEMU screendump
    tools/screenshot.py --qmp SOCK OUT.png        screendump a running QEMU

write_png() is the one PNG writer (8-bit RGB, no interlace, one IDAT of
zlib-compressed rows with filter type 0 "None" on each row); read_ppm()
reads the binary P6 files QEMU's screendump writes.
"""
import argparse
import os
import struct
import sys
import tempfile
import zlib


def read_ppm(data):
    """(width, height, rgb bytes) of a binary P6 PPM with maxval 255."""
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    pos += 1
    if fields[0] != b"P6" or int(fields[3]) != 255:
        raise ValueError("not a binary PPM with maxval 255")
    w, h = int(fields[1]), int(fields[2])
    rgb = data[pos:pos + 3 * w * h]
    if len(rgb) != 3 * w * h:
        raise ValueError("truncated PPM")
    return w, h, rgb


def _chunk(kind, payload):
    return (struct.pack(">I", len(payload)) + kind + payload +
            struct.pack(">I", zlib.crc32(kind + payload) & 0xffffffff))


def png_bytes(width, height, rgb):
    stride = 3 * width
    raw = b"".join(b"\x00" + rgb[y * stride:(y + 1) * stride] for y in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) +
            _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b""))


def write_png(path, width, height, rgb):
    with open(path, "wb") as f:
        f.write(png_bytes(width, height, rgb))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--qmp", help="QMP socket of a running QEMU to screendump")
    ap.add_argument("input", nargs="?", help="PPM file (without --qmp)")
    ap.add_argument("output", help="PNG file to write")
    args = ap.parse_args()
    if args.qmp:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from qmp import QMP
        with tempfile.TemporaryDirectory() as tmp:
            ppm = os.path.join(tmp, "screen.ppm")
            q = QMP(args.qmp)
            q.command("screendump", filename=ppm)
            q.close()
            with open(ppm, "rb") as f:
                data = f.read()
    else:
        if not args.input:
            ap.error("give a PPM file or --qmp SOCKET")
        with open(args.input, "rb") as f:
            data = f.read()
    w, h, rgb = read_ppm(data)
    write_png(args.output, w, h, rgb)


if __name__ == "__main__":
    main()
