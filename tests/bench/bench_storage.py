#!/usr/bin/env python3
"""tests/bench/bench_storage.py — guest sequential read throughput of a
64 MiB file through ext2 + block cache + virtio-blk, first read (cold cache)
and second read (warm), with the block cache's hit rate; 4 KiB blocks."""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import run  # noqa: E402

SIZE = 64 * 1024 * 1024


def main():
    with tempfile.TemporaryDirectory() as tmp:
        stage = os.path.join(tmp, "stage", "media")
        os.makedirs(stage)
        with open(os.path.join(stage, "big.bin"), "wb") as f:
            f.write(os.urandom(SIZE))
        img = os.path.join(tmp, "disk.img")
        subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096", "-d",
                        os.path.join(tmp, "stage"), img, "96M"], check=True,
                       stdout=subprocess.DEVNULL)
        status, out = run("readbench /media/big.bin; readbench /media/big.bin", timeout=300,
                          disk=img)
    rows = re.findall(r"readbench: (\d+) bytes in (\d+) us = (\d+) KB/s; cache (\d+) hits / "
                      r"(\d+) lookups, (\d+) device reads", out)
    if status != 0 or len(rows) != 2:
        sys.exit(f"storage benchmark failed (status {status}):\n{out[-2000:]}")
    print("64 MiB file, ext2 with 4 KiB blocks, 512-block cache, read-ahead 32 blocks;")
    print("guest clock (QEMU TCG virtual time tracks wall time)\n")
    print("| read | MB/s | cache hit rate | device reads | avg KiB per device read |")
    print("|---|---|---|---|---|")
    for name, (nbytes, us, kbs, hits, lookups, dev) in zip(("cold (first)", "second"), rows):
        mbs = int(nbytes) / int(us)  # bytes/us = MB/s
        print(f"| {name} | {mbs:.0f} | {100 * int(hits) / int(lookups):.1f} % | {dev} | "
              f"{int(nbytes) / 1024 / max(1, int(dev)):.0f} |")
    print("\nThe whole file does not fit in the cache, so the second read is not")
    print("served from memory: read-ahead is what keeps the hit rate high.")


if __name__ == "__main__":
    main()
