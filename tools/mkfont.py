#!/usr/bin/env python3
"""tools/mkfont.py — turn a Linux console font into the kernel's PSF2 font.

Usage:
  mkfont.py FONT.psf[.gz] --psf OUT.psf       write the font as PSF2
  mkfont.py FONT.psf[.gz] --c OUT.c [--name N] write a C file with the PSF2
                                               bytes: const uint8_t N[] and
                                               const size_t N_len

Input: PSF2, or PSF1 (which is what Debian's 8x16 console fonts are; the
kernel only parses PSF2, so PSF1 is converted here: same glyph bitmaps,
a PSF2 header, and PSF1's UCS-2 Unicode table re-encoded as PSF2's UTF-8
table). gzip-compressed input is detected by its magic. Python stdlib only.

PSF1: magic 36 04, mode byte (bit 0: 512 glyphs, bits 1/2: Unicode table),
charsize byte (= height, width is 8); table entries are little-endian
uint16 code points, 0xFFFE starting a sequence, 0xFFFF ending the entry.

Glyphs the font lacks are drawn here and appended (with their table
entries), so `player --text` shows on the screen console (docs/player.md):
the block elements U+2580..U+259F (halves, eighths, quadrants, shades:
exact fractions of the cell, "upper half" is rows [0, h/2)) and the 256
braille patterns U+2800..U+28FF (dot i of column c, row r is a
max(1, w/4) x max(1, h/8) box centred at (w(2c+1)/4, h(2r+1)/8)).
"""
import argparse
import gzip
import os
import struct
import sys

PSF1_MAGIC = b"\x36\x04"
PSF2_MAGIC = 0x864AB572


def die(msg):
    sys.stderr.write(f"mkfont: {msg}\n")
    sys.exit(1)


def psf1_to_psf2(data):
    mode, charsize = data[2], data[3]
    count = 512 if mode & 1 else 256
    glyphs = data[4:4 + count * charsize]
    if len(glyphs) != count * charsize:
        die("truncated PSF1 glyphs")
    table = b""
    flags = 0
    if mode & 6:
        flags = 1
        pos, out = 4 + count * charsize, bytearray()
        for _ in range(count):
            while True:
                if pos + 2 > len(data):
                    die("truncated PSF1 Unicode table")
                (u,) = struct.unpack_from("<H", data, pos)
                pos += 2
                if u == 0xFFFF:
                    out.append(0xFF)
                    break
                if u == 0xFFFE:
                    out.append(0xFE)
                elif 0xD800 <= u <= 0xDFFF:
                    continue  # not a scalar value: cannot be UTF-8 encoded
                else:
                    out += chr(u).encode("utf-8")
        table = bytes(out)
    header = struct.pack("<8I", PSF2_MAGIC, 0, 32, flags, count, charsize,
                         charsize, 8)
    return header + glyphs + table


def block_pixel(cp, x, y, w, h):
    """Is pixel (x, y) of a w x h cell ink in block element cp?"""
    top, left = y < h // 2, x < w // 2
    quads = {0x2596: "l", 0x2597: "r", 0x2598: "L", 0x2599: "Llr",
             0x259A: "Lr", 0x259B: "LRl", 0x259C: "LRr", 0x259D: "R",
             0x259E: "Rl", 0x259F: "Rlr"}      # L/R upper, l/r lower
    if cp == 0x2580:
        return top
    if 0x2581 <= cp <= 0x2588:                 # lower 1/8 .. 8/8
        return y >= h - (cp - 0x2580) * h // 8
    if 0x2589 <= cp <= 0x258F:                 # left 7/8 .. 1/8
        return x < (0x2590 - cp) * w // 8
    if cp == 0x2590:
        return not left
    if 0x2591 <= cp <= 0x2593:                 # shades: 1/4, 1/2, 3/4 ink
        k = (x + 2 * (y % 2)) % 4 if cp != 0x2592 else (x + y) % 2 * 2
        return k < cp - 0x2590
    if cp == 0x2594:
        return y < max(1, h // 8)
    if cp == 0x2595:
        return x >= w - max(1, w // 8)
    q = quads[cp]
    return (("L" if left else "R") if top else ("l" if left else "r")) in q


def braille_pixel(cp, x, y, w, h):
    bits = cp - 0x2800
    dw, dh = max(1, w // 4), max(1, h // 8)
    for dot, (c, r) in enumerate([(0, 0), (0, 1), (0, 2), (1, 0), (1, 1),
                                  (1, 2), (0, 3), (1, 3)]):
        cx, cy = w * (2 * c + 1) // 4, h * (2 * r + 1) // 8
        if (bits >> dot & 1 and cx - dw // 2 <= x < cx - dw // 2 + dw
                and cy - dh // 2 <= y < cy - dh // 2 + dh):
            return True
    return False


def glyph_bits(ink, w, h):
    row_bytes = (w + 7) // 8
    out = bytearray(row_bytes * h)
    for y in range(h):
        for x in range(w):
            if ink(x, y):
                out[y * row_bytes + x // 8] |= 0x80 >> (x % 8)
    return bytes(out)


def mapped_code_points(data):
    """The single code points the PSF2 font's Unicode table maps."""
    _, _, hsize, flags, count, charsize = struct.unpack_from("<6I", data)
    if not flags & 1:
        return set()
    table, seen, pos = data[hsize + count * charsize:], set(), 0
    for _ in range(count):
        end = table.index(b"\xff", pos)
        entry = table[pos:end].split(b"\xfe")[0]
        seen.update(ord(c) for c in entry.decode("utf-8"))
        pos = end + 1
    return seen


def add_text_mode_glyphs(data):
    """Appends the block elements and braille patterns the font lacks."""
    magic, ver, hsize, flags, count, charsize, h, w = struct.unpack_from(
        "<8I", data)
    if not flags & 1:
        return data
    have = mapped_code_points(data)
    glyphs_end = hsize + count * charsize
    new_glyphs, new_table = bytearray(), bytearray()
    wanted = [(cp, block_pixel) for cp in range(0x2580, 0x25A0)] + \
             [(cp, braille_pixel) for cp in range(0x2800, 0x2900)]
    for cp, pixel in wanted:
        if cp in have:
            continue
        new_glyphs += glyph_bits(lambda x, y: pixel(cp, x, y, w, h), w, h)
        new_table += chr(cp).encode("utf-8") + b"\xff"
        count += 1
    header = struct.pack("<8I", magic, ver, hsize, flags, count, charsize, h, w)
    return (header + data[32:glyphs_end] + bytes(new_glyphs)
            + data[glyphs_end:] + bytes(new_table))


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if data[:2] == PSF1_MAGIC:
        return psf1_to_psf2(data)
    if len(data) >= 32 and struct.unpack_from("<I", data)[0] == PSF2_MAGIC:
        return data
    die(f"{path}: neither PSF1 nor PSF2")


def c_source(data, name, origin):
    lines = [f"/* Generated by tools/mkfont.py from {origin}; do not edit. */",
             "#include <stddef.h>", "#include <stdint.h>", "",
             f"extern const uint8_t {name}[];",
             f"extern const size_t {name}_len;", "",
             f"const uint8_t {name}[] = {{"]
    for i in range(0, len(data), 16):
        lines.append("    " + ", ".join(f"0x{b:02x}" for b in data[i:i + 16])
                     + ",")
    lines += ["};", f"const size_t {name}_len = {len(data)};", ""]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("font")
    ap.add_argument("--psf", help="write PSF2 here")
    ap.add_argument("--c", help="write a C array here")
    ap.add_argument("--name", default="font_default_psf")
    args = ap.parse_args()
    data = add_text_mode_glyphs(load(args.font))
    outputs = [(args.psf, data, "wb"),
               (args.c, c_source(data, args.name, args.font), "w")]
    for path, content, mode in outputs:
        if path:
            with open(path + ".tmp", mode) as f:
                f.write(content)
            os.replace(path + ".tmp", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
