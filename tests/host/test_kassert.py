"""tests/host/test_kassert.py — KASSERT_DEBUG is on in a debug build and
costs nothing in a release one (kernel/arch/panic.h).

A small host program includes the kernel's panic.h with a panic() that
prints and exits 3, and asserts a false condition whose evaluation has a
side effect. Built with KERNEL_DEBUG (what DEBUG=1, the default, passes the
kernel) it must stop with the kernel's "assertion failed: EXPR (FILE:LINE)";
built without (DEBUG=0) it must run on with the condition never evaluated.
KASSERT itself stays on in both.
"""
import os
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CC = os.environ.get("HOSTCC", "gcc")

PROGRAM = r"""
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernel/arch/panic.h"

static int evaluated;
static int check_and_count(int ok) { evaluated++; return ok; }

void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("panic: ");
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    exit(3);
}

int main(int argc, char **argv)
{
    (void)argv;
    KASSERT_DEBUG(check_and_count(0));
    printf("evaluated=%d\n", evaluated);
    KASSERT(argc == 2); /* always on: the test passes no argument */
    return 0;
}
"""


def build_and_run(defines):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "kassert.c")
        exe = os.path.join(tmp, "kassert")
        with open(src, "w") as f:
            f.write(PROGRAM)
        subprocess.run([CC, "-std=c11", "-Wall", "-Wextra", "-Werror", "-I", ROOT,
                        *defines, "-o", exe, src], check=True)
        p = subprocess.run([exe], capture_output=True, text=True, timeout=10)
        return p.returncode, p.stdout


def test_debug_build_stops_on_a_broken_rule():
    status, out = build_and_run(["-DKERNEL_DEBUG"])
    assert status == 3, out
    assert "panic: assertion failed: check_and_count(0) (" in out, out
    assert "evaluated=" not in out, out


def test_release_build_does_not_evaluate_the_check():
    status, out = build_and_run([])
    assert "evaluated=0" in out, out
    # KASSERT stays on without KERNEL_DEBUG.
    assert status == 3 and "assertion failed: argc == 2" in out, out
