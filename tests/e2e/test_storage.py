"""tests/e2e/test_storage.py — virtio-blk, the block cache, ext2 and the VFS
in the running kernel, checked from outside with e2fsprogs: e2fsck must stay
clean, debugfs must read what the guest wrote, and the guest must read what
debugfs wrote, byte for byte."""
import os
import random
import re
import subprocess
import tempfile

from harness import run


def make_image(tmp, size_mb=32, block_size=1024, files=None):
    stage = os.path.join(tmp, "stage")
    os.makedirs(os.path.join(stage, "etc"), exist_ok=True)
    for rel, data in (files or {}).items():
        path = os.path.join(stage, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    img = os.path.join(tmp, "disk.img")
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", str(block_size), "-d", stage,
                    img, f"{size_mb}M"], check=True, stdout=subprocess.DEVNULL)
    return img


def fsck_clean(img):
    p = subprocess.run(["e2fsck", "-fn", img], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return p.returncode == 0, p.stdout.decode(errors="replace")


def debugfs(img, request, write=False):
    args = ["debugfs"] + (["-w"] if write else []) + ["-R", request, img]
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          check=True).stdout


def host_cksum(data):
    p = subprocess.run(["cksum"], input=data, stdout=subprocess.PIPE, check=True)
    return p.stdout.split()[:2]


def test_guest_writes_are_clean_and_readable_by_debugfs():
    with tempfile.TemporaryDirectory() as tmp:
        img = make_image(tmp)
        status, out = run("mkdir /home; mkdir /home/u; write /home/u/a.txt first line; "
                          "append /home/u/a.txt second line; write /home/u/b.txt bye; "
                          "mv /home/u/b.txt /home/c.txt; mkdir /tmp; rmdir /tmp; "
                          "write /x gone; rm /x; write /t 0123456789; truncate /t 4; ls /home/u",
                          timeout=60, disk=img)
        assert status == 0, out[-2000:]
        ok, report = fsck_clean(img)
        assert ok, report
        assert debugfs(img, "cat /home/u/a.txt") == b"first line\nsecond line\n"
        assert debugfs(img, "cat /home/c.txt") == b"bye\n"
        assert debugfs(img, "cat /t") == b"0123"
        listing = debugfs(img, "ls -l /").decode()
        assert " x" not in listing.split() and "tmp" not in listing, listing
        assert re.search(r"^-\s+23 a.txt$", out, re.M), out[-1500:]


def test_guest_reads_debugfs_written_file_byte_exact():
    rng = random.Random(42)
    data = bytes(rng.getrandbits(8) for _ in range(1_500_000))
    with tempfile.TemporaryDirectory() as tmp:
        img = make_image(tmp)
        host_file = os.path.join(tmp, "payload.bin")
        with open(host_file, "wb") as f:
            f.write(data)
        debugfs(img, f"write {host_file} payload.bin", write=True)
        status, out = run("cksum /payload.bin", timeout=60, disk=img)
        assert status == 0, out[-2000:]
        crc, size = host_cksum(data)
        m = re.search(r"^(\d+) (\d+) /payload.bin$", out, re.M)
        assert m, out[-1500:]
        assert (m.group(1).encode(), m.group(2).encode()) == (crc, size)


def test_files_from_mke2fs_staging_and_4k_blocks():
    data = os.urandom(200_000)
    with tempfile.TemporaryDirectory() as tmp:
        img = make_image(tmp, size_mb=64, block_size=4096,
                         files={"media/clip.bin": data, "etc/motd": b"hello\n"})
        status, out = run("cat /etc/motd; cksum /media/clip.bin; write /media/new new file",
                          timeout=60, disk=img)
        assert status == 0, out[-2000:]
        assert re.search(r"^hello$", out, re.M)
        crc, size = host_cksum(data)
        assert f"{crc.decode()} {size.decode()} /media/clip.bin" in out
        ok, report = fsck_clean(img)
        assert ok, report
        assert debugfs(img, "cat /media/new") == b"new file\n"


def test_errors_are_reported_not_crashes():
    with tempfile.TemporaryDirectory() as tmp:
        img = make_image(tmp)
        status, out = run("cat /nope; mkdir /etc; rmdir /etc/../lost+found/..; rm /etc; "
                          "write /etc/motd/x y; echo survived", timeout=60, disk=img)
        assert "cat: /nope: no such file or directory" in out, out[-1500:]
        assert "mkdir: /etc: file exists" in out
        assert "rm: /etc: is a directory" in out
        assert "write: /etc/motd/x:" in out
        assert "survived" in out and "panic" not in out
        assert fsck_clean(img)[0]


def test_corrupt_superblock_is_refused_with_a_message():
    with tempfile.TemporaryDirectory() as tmp:
        img = make_image(tmp)
        with open(img, "r+b") as f:
            f.seek(1024 + 56)          # s_magic
            f.write(b"\x00\x00")
        status, out = run("ls /; echo still-alive", timeout=60, disk=img)
        assert "panic" not in out, out[-2000:]
        assert re.search(r"ext2: .*(magic|not an ext2)", out, re.I), out[-2000:]
        assert "vfs: cannot mount the root file system" in out
        assert "still-alive" in out


def test_unknown_incompatible_feature_is_refused():
    with tempfile.TemporaryDirectory() as tmp:
        img = make_image(tmp)
        # Turn on an incompatible feature this ext2 does not implement.
        subprocess.run(["debugfs", "-w", "-R", "feature extent", img], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        status, out = run("ls /", timeout=60, disk=img)
        assert "panic" not in out
        assert re.search(r"ext2: .*(feature|extent)", out, re.I), out[-2000:]


def test_shell_writes_on_the_system_disk():
    # The real system: /bin/sh on a copy of build/hdd.dsk, as a user would.
    import shutil
    from harness import BUILD
    data = os.urandom(300_000)
    with tempfile.TemporaryDirectory() as tmp:
        img = os.path.join(tmp, "hdd.dsk")
        shutil.copyfile(os.path.join(BUILD, "hdd.dsk"), img)
        host_file = os.path.join(tmp, "blob.bin")
        with open(host_file, "wb") as f:
            f.write(data)
        debugfs(img, f"write {host_file} /home/blob.bin", write=True)
        status, out = run("mkdir /home/u && echo one > /home/u/a && echo two >> /home/u/a && "
                          "cp /home/u/a /home/u/b && mv /home/u/b /home/c && rm /home/u/a && "
                          "cksum /home/blob.bin && cat /home/c", timeout=60, disk=img)
        assert status == 0, out[-2000:]
        crc, size = host_cksum(data)
        assert f"{crc.decode()} {size.decode()} /home/blob.bin" in out, out[-1500:]
        ok, report = fsck_clean(img)
        assert ok, report
        assert debugfs(img, "cat /home/c") == b"one\ntwo\n"
        assert b"a" not in debugfs(img, "ls /home/u").split()
