"""tests/e2e/test_usertests.py — /bin/usertests (user/usertests.c): the
system call and robustness tests run inside the OS, on a copy of
build/hdd.dsk. Every test must pass, the system must still run commands
afterwards, the tests must leave /tmp as they found it, and the file system
must stay clean (e2fsck)."""
import os
import re
import shutil
import subprocess
import tempfile

from harness import BUILD, ROOT, run

DISK = os.path.join(BUILD, "hdd.dsk")


def test_usertests_all_pass_and_the_system_survives():
    tmp = tempfile.mkdtemp(prefix="usertests-")
    try:
        disk = os.path.join(tmp, "hdd.dsk")
        shutil.copyfile(DISK, disk)
        status, out = run("/bin/usertests; echo usertests=$?; ls -a /tmp; echo alive",
                          timeout=120, disk=disk)
        fsck = subprocess.run(["e2fsck", "-fn", disk], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    assert "panic" not in out.lower(), out[-3000:]
    results = re.findall(r"^(ok  |FAIL) (\S+)", out, re.M)
    failures = [l for l in out.splitlines() if l.startswith("FAIL ")]
    summary = re.search(r"^(\d+) passed, (\d+) failed$", out, re.M)
    assert summary, out[-3000:]
    passed, failed = int(summary.group(1)), int(summary.group(2))
    assert passed + failed == len(results), out[-3000:]
    assert passed >= 30, out[-3000:]
    assert failed == 0, "\n".join(failures)
    assert re.search(r"^usertests=0$", out, re.M), out[-2000:]
    # /tmp holds only . and .. again, and the machine still runs commands.
    tail = out[out.index("usertests=0"):]
    assert re.search(r"^\.\n\.\.\nalive$", tail, re.M), tail
    assert status == 0, out[-2000:]
    assert fsck.returncode == 0, fsck.stdout.decode(errors="replace")


def test_usertests_runs_a_chosen_test_and_reports_unknown_names():
    tmp = tempfile.mkdtemp(prefix="usertests-")
    try:
        disk = os.path.join(tmp, "hdd.dsk")
        shutil.copyfile(DISK, disk)
        status, out = run("/bin/usertests uname exit_status; /bin/usertests nope; echo s=$?",
                          timeout=60, disk=disk)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    assert re.search(r"^ok   exit_status\nok   uname\n2 passed, 0 failed$", out, re.M), out[-2000:]
    assert "usertests: no such test" in out and re.search(r"^s=2$", out, re.M), out[-2000:]
