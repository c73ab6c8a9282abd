"""tests/e2e/test_memory.py — page allocator, heap, paging and kernel
stacks on the real machine (issue: Memory)."""
import re

from harness import run


def test_selftest_passes():
    status, out = run("echo after-selftest", timeout=60, append="selftest")
    m = re.search(r"selftest: (\d+) passed, (\d+) failed", out)
    assert m, out[-3000:]
    assert int(m.group(2)) == 0, "\n".join(l for l in out.splitlines() if "selftest" in l or "check failed" in l)
    assert int(m.group(1)) >= 6
    for name in ("page_pool", "heap", "map_translate_unmap", "w_xor_x",
                 "kernel_stacks_and_guard"):
        assert f"ok   selftest {name}" in out, name
    assert "after-selftest" in out and status == 0


def test_kernel_stack_overflow_is_caught_and_named():
    status, out = run(None, timeout=30, append="crashtest=kstack")
    assert status == 101, f"status {status}\n{out[-2000:]}"
    assert re.search(r"panic: kernel stack overflow in task kstack-crasher", out), out[-2000:]
    assert "recurse_deeply" in out
    assert "the frame above" in out  # deep recursion summarized, not 1000 lines
    assert len(out.splitlines()) < 200


def test_meminfo_accounts_pages_by_owner():
    status, out = run("meminfo", timeout=30)
    assert status == 0, out[-2000:]
    m = re.search(r"pages: (\d+) total, (\d+) free \((\d+) KiB\), (\d+) used", out)
    assert m, out
    total, free, used = int(m.group(1)), int(m.group(2)), int(m.group(4))
    assert total == 256 * 1024 // 4 and free + used == total
    owners = dict((name, int(n)) for name, n in
                  re.findall(r"^\s+(reserved|heap|pagetable|stack)\s+(\d+) pages", out, re.M))
    # Firmware + kernel image + metadata + FDT; a handful of page tables.
    assert 300 < owners["reserved"] < 2000, owners
    assert 0 < owners["pagetable"] < 64, owners
    assert sum(owners.values()) <= used


def test_memory_scales_with_ram():
    status, out = run("meminfo", timeout=30, extra_args=["--memory", "1G"])
    assert status == 0
    assert re.search(r"pages: 262144 total", out), out[-1500:]
