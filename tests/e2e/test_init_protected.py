"""tests/e2e/test_init_protected.py — init (pid 1) survives everyone (issue
13 item 3): `kill -9 1` used to power the machine off, SIGSTOP/SIGCONT made
init's wait fail, so it powered off mid-command (init -c) or started a
second shell on the same console (interactive). Now kill on init is refused
(EPERM, docs/syscalls.md) and the shell and the machine carry on."""
import os
import re
import shutil
import tempfile

from harness import BUILD, Machine, run

DISK = os.path.join(BUILD, "hdd.dsk")


def test_kill_9_1_and_stop_cont_leave_init_and_the_command_running():
    with tempfile.TemporaryDirectory() as tmp:
        disk = os.path.join(tmp, "hdd.dsk")
        shutil.copyfile(DISK, disk)
        status, out = run("kill -9 1; echo kill9=$?; kill -STOP 1; echo stop=$?; kill -CONT 1; "
                          "kill -INT 1; sleep 1; echo alive", timeout=60, disk=disk)
    assert "panic" not in out.lower(), out[-2000:]
    assert re.search(r"^kill9=1$", out, re.M), out[-2000:]
    assert re.search(r"^stop=1$", out, re.M), out[-2000:]
    assert "kill: 1: " in out, out[-2000:]              # the reason is printed
    assert re.search(r"^alive$", out, re.M), out[-2000:]
    assert "init: wait" not in out, out[-2000:]
    assert re.search(r"^init: exit status 0$", out, re.M), out[-2000:]
    assert status == 0, out[-2000:]


def test_interactive_init_keeps_one_shell_after_stop_and_cont():
    with tempfile.TemporaryDirectory() as tmp:
        disk = os.path.join(tmp, "hdd.dsk")
        shutil.copyfile(DISK, disk)
        with Machine(disk=disk, timeout=60) as m:
            m.expect(r"/ \$ ")
            m.send("kill -STOP 1; kill -CONT 1; kill -KILL 1; sleep 1; ps; echo ps-done\n")
            m.expect(r"\nps-done\r?\n", timeout=20)
            ps = m.text[m.text.rindex("PID  PPID"):]
            shells = [l for l in ps.splitlines() if re.search(r"\bsh$", l)]
            assert len(shells) == 1, ps
            assert "starting a new one" not in m.text, m.tail()
            m.send("poweroff 5\n")
            assert m.wait(timeout=20) == 5, m.tail()
