"""tests/e2e/test_signals.py — issue 10's process features seen from outside:
^C typed on the (virtio) keyboard ends `sleep 100` and the shell prompts
again; an idle `sleep 2` takes a handful of timer interrupts, not 200 (no
periodic tick when idle); the fiber example; fork with the bootarg nocow
(full copies) still passes the fork tests."""
import re
import time

from harness import DiskCopy, Machine, run


def test_ctrl_c_on_the_keyboard_ends_sleep_and_the_prompt_returns():
    with DiskCopy() as disk, Machine(disk=disk.path, qmp=True, timeout=60) as m:
        m.expect(r"/ \$ ")
        m.send_keys("sleep 100\n")
        m.expect(r"sleep 100")
        time.sleep(0.5)
        mark = len(m.output)
        m.qmp.command("send-key", keys=[{"type": "qcode", "data": "ctrl"},
                                        {"type": "qcode", "data": "c"}])
        m.expect(r"/ \$ ", since=mark, timeout=10)
        m.send_keys("echo status=$?\n")
        m.expect(r"status=130")
        m.send_keys("poweroff 5\n")
        assert m.wait() == 5


def stat_counts(out):
    return [int(v) for v in re.findall(r"^timer_interrupts (\d+)$", out, re.M)]


def test_idle_sleep_takes_no_periodic_ticks():
    with DiskCopy() as disk:
        status, out = run("cat /dev/stat; sleep 2; cat /dev/stat", timeout=30, disk=disk.path)
    assert status == 0, out[-2000:]
    counts = stat_counts(out)
    assert len(counts) == 2, out[-2000:]
    before, after = counts
    # The sleep's own deadline, maybe a few from the shell starting and
    # ending it; a 100 Hz tick would be ~200.
    assert after - before <= 20, out[-2000:]


def test_fibers_producer_consumer():
    with DiskCopy() as disk:
        status, out = run("fibers 5", timeout=30, disk=disk.path)
    assert status == 0, out[-2000:]
    assert "total 5030 (expected 5030)" in out, out[-2000:]
    puts = re.findall(r"^fiber (\d) put", out, re.M)
    assert set(puts) == {"0", "1"}, out[-2000:]


def test_fork_tests_pass_without_copy_on_write():
    with DiskCopy() as disk:
        status, out = run("/bin/usertests fork_memory_private many_children pipe_4mb "
                          "cow_many_forks_baseline cow_kernel_write sigchld",
                          timeout=60, disk=disk.path, append="nocow")
    assert "nocow: fork copies address spaces" in out, out[-2000:]
    assert re.search(r"^6 passed, 0 failed$", out, re.M), out[-3000:]
    assert status == 0, out[-2000:]
