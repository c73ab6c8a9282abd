"""tests/host/test_ci.py — .ci/run: make test with GCC, then with LLVM=1 into
build-llvm, and one closing line adding both up, as the very last line.

.ci/run is copied into a scratch tree with a stub tools/deps.sh, and a fake
`make` on PATH prints what each run would (its args decide which), so the
adding up is checked without building anything.
"""
import os
import shutil
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

FAKE_MAKE = r"""#!/bin/sh
echo "$*" >> "$CALLS"
case "$*" in
    *LLVM=1*) printf '%b' "$LLVM_OUT"; exit "$LLVM_RC" ;;
    *) printf '%b' "$GCC_OUT"; exit "$GCC_RC" ;;
esac
"""


def run_ci(gcc_out, gcc_rc, llvm_out, llvm_rc):
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, ".ci"))
        os.makedirs(os.path.join(tmp, "tools"))
        os.makedirs(os.path.join(tmp, "bin"))
        shutil.copy(os.path.join(ROOT, ".ci", "run"), os.path.join(tmp, ".ci", "run"))
        with open(os.path.join(tmp, "tools", "deps.sh"), "w") as f:
            f.write("echo deps: all dependencies present\n")
        with open(os.path.join(tmp, "bin", "make"), "w") as f:
            f.write(FAKE_MAKE)
        os.chmod(os.path.join(tmp, "bin", "make"), 0o755)
        calls = os.path.join(tmp, "calls")
        env = dict(os.environ, PATH=os.path.join(tmp, "bin") + ":" + os.environ["PATH"],
                   CALLS=calls, GCC_OUT=gcc_out, GCC_RC=str(gcc_rc),
                   LLVM_OUT=llvm_out, LLVM_RC=str(llvm_rc))
        p = subprocess.run(["bash", os.path.join(tmp, ".ci", "run")], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=60)
        with open(calls) as f:
            return p, f.read().splitlines()


def test_both_compilers_pass():
    p, calls = run_ci("ok a\n5 passed, 0 failed\n", 0, "ok b\n4 passed, 0 failed\n", 0)
    assert calls == ["test -j2", "test -j2 LLVM=1 BUILD=build-llvm"], calls
    assert p.stdout.splitlines()[-1] == "9 passed, 0 failed", p.stdout
    assert p.returncode == 0, p.stdout


def test_failures_add_up_past_makes_error_line():
    p, _ = run_ci("5 passed, 0 failed\n", 0,
                  "3 passed, 1 failed\nmake: *** [Makefile:136: test] Error 1\n", 2)
    assert p.stdout.splitlines()[-1] == "8 passed, 1 failed", p.stdout
    assert p.returncode != 0


def test_a_build_that_stops_before_its_tests_counts_as_a_failure():
    p, _ = run_ci("5 passed, 0 failed\n", 0, "clang: error: no such file\n", 2)
    assert p.stdout.splitlines()[-1] == "5 passed, 1 failed", p.stdout
    assert p.returncode != 0


def test_skipped_tests_are_added_up_and_shown():
    p, _ = run_ci("5 passed, 0 failed, 2 skipped\n", 0, "4 passed, 0 failed\n", 0)
    assert p.stdout.splitlines()[-1] == "9 passed, 0 failed, 2 skipped", p.stdout
    assert p.returncode == 0, p.stdout
