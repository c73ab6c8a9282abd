"""tests/host/test_ext2_disk.py — the disk image build/hdd.dsk (fs/disk.mk).

e2fsprogs judge it: e2fsck -fn is clean, the directory layout documented in
docs/disk.md is there, and the files on it are byte-identical to what the
build staged (debugfs dumps them back).
"""
import os
import subprocess
import tempfile

from harness import BUILD  # build/, or $BADAPPLE_BUILD
DISK = os.path.join(BUILD, "hdd.dsk")
STAGING = os.path.join(BUILD, "disk-root")


def _debugfs(request):
    assert os.path.exists(DISK), "build/hdd.dsk missing: run make disk"
    out = subprocess.run(["debugfs", "-R", request, DISK], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, check=True)
    return out.stdout.decode("utf-8", "replace")


def test_disk_fsck_clean():
    assert os.path.exists(DISK), "build/hdd.dsk missing: run make disk"
    proc = subprocess.run(["e2fsck", "-fn", DISK], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)
    assert proc.returncode == 0, proc.stdout.decode()


def test_disk_layout_and_features():
    # ls -p prints /inode/mode/uid/gid/name/size/ per entry.
    names = {l.split("/")[5] for l in _debugfs("ls -p /").splitlines() if l.count("/") >= 6}
    for d in ("bin", "etc", "media", "usr", "home", "tmp", "lost+found"):
        assert d in names, f"/{d} missing from the disk: {sorted(names)}"
    assert "fonts" in _debugfs("ls -p /usr/share")
    assert "motd" in _debugfs("ls -p /etc")
    header = subprocess.run(["dumpe2fs", "-h", DISK], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, check=True).stdout.decode()
    assert "Block size:               4096" in header
    assert "extent" not in header and "64bit" not in header


def test_disk_files_match_staging():
    count = 0
    with tempfile.TemporaryDirectory() as tmp:
        for dirpath, _, files in os.walk(STAGING):
            for fn in files:
                host = os.path.join(dirpath, fn)
                rel = "/" + os.path.relpath(host, STAGING)
                out = os.path.join(tmp, "dumped")
                _debugfs(f"dump {rel} {out}")
                with open(host, "rb") as a, open(out, "rb") as b:
                    assert a.read() == b.read(), f"{rel} differs on the disk"
                count += 1
    assert count >= 3, "staging tree unexpectedly small"
