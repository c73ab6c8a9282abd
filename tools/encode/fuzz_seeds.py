#!/usr/bin/env python3
"""tools/encode/fuzz_seeds.py BAVENC DIR — small seed clips for fuzz_bav.

Writes a handful of tiny .bav files (each depth, odd sizes, with and without
audio, several chunks, a moving shape and a scene cut) into DIR using the
real encoder, so the fuzzer starts from valid files. Deterministic.
"""
import os
import random
import subprocess
import sys


def main():
    bavenc, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    rnd = random.Random(7)
    cases = [(8, 6, 2, 5, False), (13, 7, 4, 9, True), (5, 11, 16, 7, True),
             (32, 24, 2, 12, True), (1, 1, 2, 3, False), (17, 3, 16, 1, False)]
    for k, (w, h, levels, frames, audio) in enumerate(cases):
        video = bytearray()
        for f in range(frames):
            for i in range(w * h):
                x, y = i % w, i // w
                video.append(255 if (x + y + f) % 5 < 2 or rnd.random() < 0.1 else
                             rnd.randrange(256))
        args = [bavenc, "-o", os.path.join(out, f"seed{k}.bav"), "--width", str(w),
                "--height", str(h), "--fps", "4", "--levels", str(levels)]
        if audio:
            pcm = os.path.join(out, "seed.pcm")
            with open(pcm, "wb") as fp:
                fp.write(bytes(rnd.randrange(256) for _ in range(frames * 2 * 3)))
            args += ["--pcm", pcm, "--rate", "12", "--channels", "1"]
        subprocess.run(args + ["-"], input=bytes(video), check=True)
        if audio:
            os.remove(pcm)
    # A still background with a square sliding over it, then a cut to black:
    # unchanged blocks, changed ones, and a key frame inside a chunk.
    w, h, video = 40, 36, bytearray()
    for f in range(10):
        for i in range(w * h):
            x, y = i % w, i // w
            inside = 2 * f <= x < 2 * f + 9 and 10 <= y < 19
            background = f < 9 and (x // 7 + y // 5) % 4 == 0   # frame 9: cut to black
            video.append(255 if inside or background else 0)
    subprocess.run([bavenc, "-o", os.path.join(out, "seed_motion.bav"), "--width", str(w),
                    "--height", str(h), "--fps", "5", "-"], input=bytes(video), check=True)


if __name__ == "__main__":
    main()
