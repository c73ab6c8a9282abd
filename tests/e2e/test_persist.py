"""tests/e2e/test_persist.py — what survives when the machine stops without
a clean power-off (issue 13 item 5, docs/disk.md "Durability"):

- a file written in the shell 10 s before the QEMU window is closed (QMP
  `quit`, which is what closing the window does) is on the disk, and the
  image is e2fsck-clean: the background write-back got it there;
- with the write-back put off (bootarg writeback=600), `echo x > /f; sync`
  (and `sync FILE`, which fsyncs) then a SIGKILL to QEMU keeps the file,
  and a file written after the last sync is gone;
- a few SIGKILLs at random moments during a busy file workload
  (tests/harness/crash.py; tests/crash/crashtest.py is the long version):
  every synced file and every file older than the write-back age limit is
  intact after e2fsck, and the image's own files are untouched.
"""
import os
import subprocess
import time

from harness import BUILD, DiskCopy, Machine, crash

DISK = os.path.join(BUILD, "hdd.dsk")


def debugfs_cat(img, path):
    return subprocess.run(["debugfs", "-R", f"cat {path}", img], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, check=True).stdout


def fsck_clean(img):
    p = subprocess.run(["e2fsck", "-fn", img], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return p.returncode == 0, p.stdout.decode(errors="replace")


def shell_line(m, line):
    """Type a line in the shell and wait for the next prompt."""
    mark = len(m.output)
    m.send(line + "\n")
    m.expect(r"/ \$ ", since=mark + len(line), timeout=20)


def test_window_close_keeps_what_was_written_10s_before():
    with DiskCopy() as disk:
        with Machine(disk=disk.path, qmp=True, timeout=90) as m:
            m.expect(r"/ \$ ", timeout=30)
            shell_line(m, "echo precious > /notes.txt")
            time.sleep(10)
            try:
                m.qmp.command("quit")
            except Exception:
                pass  # QEMU may close the socket before it answers
            status = m.wait(timeout=30)
            assert "powering off" not in m.text, m.tail()
        assert status != 124, m.tail()
        assert debugfs_cat(disk.path, "/notes.txt") == b"precious\n"
        ok, report = fsck_clean(disk.path)
        assert ok, report


def test_sync_and_fsync_then_sigkill_keep_the_files():
    with DiskCopy() as disk:
        # writeback=600: the write-back waits 10 minutes, so only the syncs
        # can have saved anything.
        with Machine(disk=disk.path, append="writeback=600", timeout=90) as m:
            m.expect(r"/ \$ ", timeout=30)
            shell_line(m, "echo x > /f; sync")
            shell_line(m, "echo y > /g; sync /g")
            shell_line(m, "echo z > /h")
            m.kill()  # SIGKILL: QEMU gets no chance to write anything
        assert "writeback: changes reach the disk within 600 s" in m.text, m.tail()
        assert debugfs_cat(disk.path, "/f") == b"x\n"
        assert debugfs_cat(disk.path, "/g") == b"y\n"
        # The control: what was not synced is gone (the kill was abrupt).
        assert debugfs_cat(disk.path, "/h") == b""
        ok, report = fsck_clean(disk.path)
        assert ok, report


def test_random_kills_lose_no_synced_or_aged_file():
    baseline = crash.baseline_files(DISK)
    # Runs 1 and 3 sync now and then; run 2 never does (write-back only).
    results = [crash.run_one(DISK, seed, kill_after, baseline=baseline, syncs=n != 1)
               for n, (seed, kill_after) in enumerate(crash.random_runs(3, 13, 6.0, 9.0))]
    summary = "\n".join(
        f"seed {r['seed']} kill {r['kill_after']}s ops {r['ops']}: clean={r['clean']} "
        f"{r['problems']} checked={r['checked']} lost={r['lost']} old={r['old_damaged']}"
        for r in results)
    for r in results:
        assert r["has_sync"], summary
        assert r["repaired_clean"], summary + "\n" + r["report_after"][-1500:]
        assert not r["lost"]["sync"] and not r["lost"]["age"], summary
        assert not r["old_damaged"], summary
    # The checks have teeth: files were old enough to be judged by age, and
    # synced files were judged too.
    assert results[1]["checked"]["age"] > 0, summary
    assert sum(r["checked"]["sync"] for r in results) > 0, summary
