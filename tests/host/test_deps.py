"""tests/host/test_deps.py — tools/deps.sh: refuses unsupported systems with
a clear message, and is a quick no-op when everything is installed."""
import os
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEPS = os.path.join(ROOT, "tools", "deps.sh")


def run_deps(os_release_text):
    with tempfile.NamedTemporaryFile("w", suffix="-os-release", delete=False) as f:
        f.write(os_release_text)
    try:
        env = dict(os.environ, DEPS_OS_RELEASE=f.name)
        return subprocess.run(["bash", DEPS], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=120)
    finally:
        os.unlink(f.name)


def test_unsupported_system_is_refused_clearly():
    p = run_deps('ID=fedora\nVERSION_ID="40"\nPRETTY_NAME="Fedora Linux 40"\n')
    assert p.returncode != 0
    assert "unsupported system 'Fedora Linux 40': need Debian 12 or Ubuntu 24.04" in p.stdout, p.stdout


def test_old_debian_is_refused_too():
    p = run_deps('ID=debian\nVERSION_ID="11"\nPRETTY_NAME="Debian GNU/Linux 11 (bullseye)"\n')
    assert p.returncode != 0 and "unsupported system" in p.stdout, p.stdout


def test_installed_system_is_a_quick_no_op():
    # This machine ran deps.sh already (make test needs it): nothing to do.
    with open("/etc/os-release") as f:
        real = f.read()
    p = run_deps(real)
    assert p.returncode == 0, p.stdout
    assert "all dependencies present" in p.stdout and "QEMU emulator version" in p.stdout, p.stdout
