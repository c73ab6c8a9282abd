#!/usr/bin/env python3
"""tests/run_tests.py — run every suite and print one closing line.

Usage: run_tests.py [--unit BIN ...] [--py DIR ...] [-j N] [-k SUBSTRING]

Host unit-test binaries print one line per test ("ok   file:name" or
"FAIL file:name"); they are counted as they report. Python suites are
modules named test_*.py under the given directories; each function named
test_* is one test and passes unless it raises. End-to-end tests boot QEMU,
so they run N at a time (default 2, one per core); a test function with the
attribute `exclusive = True` (timing-sensitive: A/V sync, rates) runs alone
afterwards, so no other guest competes for the cores. The last line printed is
"N passed, M failed"; the exit status is non-zero when anything failed.
"""
import argparse
import concurrent.futures
import importlib.util
import os
import subprocess
import sys
import threading
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from harness import NotRunHere  # noqa: E402

_print_lock = threading.Lock()


def say(text):
    with _print_lock:
        print(text, flush=True)


def run_unit(binary):
    """Run one unit-test binary; returns (passed, failed)."""
    name = os.path.relpath(binary, ROOT)
    try:
        proc = subprocess.run([binary], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=600)
    except subprocess.TimeoutExpired:
        say(f"FAIL {name}: timed out")
        return 0, 1
    out = proc.stdout.decode("utf-8", "replace")
    passed = sum(1 for l in out.splitlines() if l.startswith("ok   "))
    failed = sum(1 for l in out.splitlines() if l.startswith("FAIL "))
    text = out.rstrip()
    if text:
        say(text)
    if proc.returncode != 0 and failed == 0:
        # Crashed (sanitizer report, abort) before it could report a failure.
        say(f"FAIL {name}: exited with status {proc.returncode}")
        failed += 1
    if passed + failed == 0:
        say(f"FAIL {name}: ran no test")
        failed = 1
    return passed, failed


def discover(dirs, pattern):
    tests = []
    for d in dirs:
        d = os.path.join(ROOT, d) if not os.path.isabs(d) else d
        if not os.path.isdir(d):
            continue
        for fn in sorted(os.listdir(d)):
            if not (fn.startswith("test_") and fn.endswith(".py")):
                continue
            path = os.path.join(d, fn)
            modname = os.path.relpath(path, ROOT).replace("/", "_")[:-3]
            spec = importlib.util.spec_from_file_location(modname, path)
            mod = importlib.util.module_from_spec(spec)
            try:
                spec.loader.exec_module(mod)
            except Exception:
                tests.append((os.path.relpath(path, ROOT) + "::<import>",
                              _raiser(traceback.format_exc())))
                continue
            for attr in dir(mod):
                fn_obj = getattr(mod, attr)
                if attr.startswith("test_") and callable(fn_obj):
                    tid = os.path.relpath(path, ROOT) + "::" + attr
                    if pattern and pattern not in tid:
                        continue
                    tests.append((tid, fn_obj))
    # Longest tests first keeps both workers busy to the end.
    tests.sort(key=lambda t: -getattr(t[1], "cost", 1))
    return tests


def _raiser(text):
    def f():
        raise RuntimeError(text)
    return f


def run_py(test):
    """(passed, failed, skipped) of one test function."""
    tid, fn = test
    t0 = time.monotonic()
    try:
        fn()
    except NotRunHere as why:
        say(f"skip {tid}: {why}")
        return 0, 0, 1
    except Exception as e:  # noqa: BLE001 - every failure is reported
        dt = time.monotonic() - t0
        detail = "".join(traceback.format_exception(type(e), e, e.__traceback__))
        if isinstance(e, AssertionError):
            detail = f"{detail.rstrip()}"
        indented = "\n".join("     " + l for l in detail.rstrip().splitlines())
        say(f"FAIL {tid} ({dt:.1f}s)\n{indented}")
        return 0, 1, 0
    say(f"ok   {tid} ({time.monotonic() - t0:.1f}s)")
    return 1, 0, 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--unit", nargs="*", default=[])
    ap.add_argument("--py", nargs="*", default=[])
    ap.add_argument("-j", type=int, default=int(os.environ.get("TEST_JOBS", "2")))
    ap.add_argument("-k", default="", help="only tests whose id contains this")
    args = ap.parse_args()

    passed = failed = 0
    t0 = time.monotonic()
    for b in args.unit:
        if args.k and args.k not in b:
            continue
        p, f = run_unit(b)
        passed += p
        failed += f

    tests = discover(args.py, args.k)
    shared = [t for t in tests if not getattr(t[1], "exclusive", False)]
    alone = [t for t in tests if getattr(t[1], "exclusive", False)]
    skipped = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.j)) as ex:
        for p, f, s in ex.map(run_py, shared):
            passed, failed, skipped = passed + p, failed + f, skipped + s
    for t in alone:
        p, f, s = run_py(t)
        passed, failed, skipped = passed + p, failed + f, skipped + s

    say(f"(all suites took {time.monotonic() - t0:.0f}s)")
    say(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
