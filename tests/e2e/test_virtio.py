"""tests/e2e/test_virtio.py — the shared virtio transport finds every device
QEMU attaches, and virtio-blk reports the disk's real capacity."""
import os
import re
import tempfile

from harness import run


def test_devices_are_discovered_from_the_device_tree():
    with tempfile.TemporaryDirectory() as tmp:
        disk = os.path.join(tmp, "d.img")
        with open(disk, "wb") as f:
            f.truncate(24 * 1024 * 1024)
        status, out = run("devices", timeout=30, disk=disk)
    assert status == 0, out[-2000:]
    for kind in ("block", "gpu", "input", "sound"):
        assert re.search(rf"^virtio {kind}\s+at 1000[1-8]000 irq [1-8]", out, re.M), \
            f"{kind} missing:\n{out[-1500:]}"
    assert re.search(r"virtio-blk: 49152 sectors \(24 MiB\)", out), out[-1500:]
    assert re.search(r"^virtio block\s+at \w+ irq \d+, driver attached", out, re.M)


def test_no_disk_is_fine():
    status, out = run("devices", timeout=30)
    assert status == 0
    assert "virtio block" not in out and "virtio-blk:" not in out
