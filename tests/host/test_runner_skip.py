"""tests/host/test_runner_skip.py — a test that cannot run on this host
(harness.NotRunHere) is counted as skipped, with its reason, never as
passed; need_pulseaudio() skips only where pipewire-pulse stands in for the
PulseAudio server and fails where the tools are simply missing."""
import os
import shutil
import subprocess
import sys
import tempfile

import harness

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_not_run_here_is_counted_as_skipped_with_its_reason():
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "test_sample.py"), "w") as f:
            f.write("from harness import NotRunHere\n"
                    "def test_fine():\n    pass\n"
                    "def test_elsewhere():\n    raise NotRunHere('no such thing here')\n")
        p = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "run_tests.py"),
                            "--py", tmp], capture_output=True, text=True, timeout=60)
    lines = p.stdout.splitlines()
    assert lines[-1] == "1 passed, 0 failed, 1 skipped", p.stdout
    assert any(l.startswith("skip ") and "no such thing here" in l for l in lines), p.stdout
    assert p.returncode == 0, p.stdout


def test_need_pulseaudio_skips_only_for_pipewire_pulse():
    real_which = shutil.which
    try:
        for present, want in (({"pulseaudio", "pactl"}, None),
                              ({"pipewire-pulse", "pactl"}, harness.NotRunHere),
                              ({"pactl"}, AssertionError)):
            shutil.which = lambda name, present=present: f"/usr/bin/{name}" if name in present \
                else None
            try:
                harness.need_pulseaudio()
                got = None
            except (harness.NotRunHere, AssertionError) as e:
                got = type(e)
            assert got is want, (present, got)
    finally:
        shutil.which = real_which
