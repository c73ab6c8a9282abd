"""tests/host/test_deps.py — tools/deps.sh and the Makefile's toolchain choice.

deps.sh runs in its dry-run mode (DEPS_DRY_RUN=1) on faked os-release files,
with a fake apt-cache on PATH that answers what each system's archive offers
(apt-cache show/madison), and a fake apt-get/sudo/tee that record any call:
the plan must be right for each system and nothing may be installed. On this
machine (which ran deps.sh: make test needs it) a real run is a quick no-op,
and every command the tests run comes from a package deps.sh installs.
"""
import os
import shutil
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEPS = os.path.join(ROOT, "tools", "deps.sh")

# What each archive offers: {package: [(version, suite), ...]}.
BOOKWORM = {"qemu-system-misc": [("1:7.2+dfsg-7+deb12u18", "bookworm"),
                                 ("1:10.0.2+ds-2+deb13u1~bpo12+1", "bookworm-backports")],
            "qemu-system-riscv": [("1:10.0.2+ds-2+deb13u1~bpo12+1", "bookworm-backports")]}
TRIXIE = {"qemu-system-misc": [("1:10.0.13+ds-0+deb13u1", "trixie")],
          "qemu-system-riscv": [("1:10.0.13+ds-0+deb13u1", "trixie")]}
NOBLE = {"qemu-system-misc": [("1:8.2.2+ds-0ubuntu1", "noble"),
                              ("1:8.2.2+ds-0ubuntu1.10", "noble-updates")]}
RESOLUTE = {"qemu-system-misc": [("1:10.1.0+ds-5ubuntu2", "resolute")],
            "qemu-system-riscv": [("1:10.1.0+ds-5ubuntu2", "resolute")]}
JAMMY = {"qemu-system-misc": [("1:6.2+dfsg-2ubuntu6.26", "jammy-updates")]}

FAKE_APT_CACHE = r"""#!/bin/sh
# apt-cache show PKG / madison PKG, from $FAKE_APT/PKG ("version suite" lines);
# every package but QEMU's exists.
f="$FAKE_APT/$2"
case "$2" in qemu-system-*) [ -f "$f" ] || exit 100 ;; esac
[ -f "$f" ] || { [ "$1" = show ] && echo "Package: $2"; exit 0; }
case "$1" in
    show) echo "Package: $2" ;;
    madison) while read -r v s; do
                 echo " $2 | $v | http://archive.example/ $s/main amd64 Packages"; done < "$f" ;;
esac
"""
RECORDER = "#!/bin/sh\necho \"$0 $*\" >> \"$FAKE_APT/calls\"\n"


def run_deps(os_release, archive=None, uname="Linux"):
    with tempfile.TemporaryDirectory() as tmp:
        osr = os.path.join(tmp, "os-release")
        with open(osr, "w") as f:
            f.write(os_release)
        fake = os.path.join(tmp, "apt")
        os.mkdir(fake)
        for pkg, offers in (archive or {}).items():
            with open(os.path.join(fake, pkg), "w") as f:
                f.writelines(f"{v} {s}\n" for v, s in offers)
        bindir = os.path.join(tmp, "bin")
        os.mkdir(bindir)
        for name, text in [("apt-cache", FAKE_APT_CACHE), ("apt-get", RECORDER),
                           ("sudo", RECORDER), ("tee", RECORDER), ("dnf", RECORDER),
                           ("pacman", RECORDER), ("zypper", RECORDER), ("brew", RECORDER)]:
            with open(os.path.join(bindir, name), "w") as f:
                f.write(text)
            os.chmod(os.path.join(bindir, name), 0o755)
        env = dict(os.environ, DEPS_OS_RELEASE=osr, DEPS_DRY_RUN="1", DEPS_UNAME=uname,
                   FAKE_APT=fake, PATH=bindir + ":" + os.environ["PATH"])
        p = subprocess.run(["bash", DEPS], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=120)
        calls = os.path.join(fake, "calls")
        assert not os.path.exists(calls), "dry run ran: " + open(calls).read()
        return p


def plan_lines(out):
    return [l[len("deps: plan: "):] for l in out.splitlines() if l.startswith("deps: plan: ")]


def packages(out):
    for line in out.splitlines():
        if line.startswith("deps: packages: "):
            return line.split(": ", 2)[2].split()
    raise AssertionError("no packages line:\n" + out)


APT_NEEDS = ["gcc-riscv64-unknown-elf", "binutils-riscv64-unknown-elf", "clang", "lld", "llvm",
             "make", "python3", "python3-pyte", "ffmpeg", "e2fsprogs", "bsdextrautils", "console-setup-linux",
             "opensbi", "qemu-system-gui"]


def check_apt_plan(p, qemu_pkg, version, suite, backports):
    assert p.returncode == 0, p.stdout
    assert f"QEMU: {qemu_pkg} {version} from {suite}" in p.stdout, p.stdout
    pkgs = packages(p.stdout)
    for need in APT_NEEDS + [qemu_pkg]:
        assert need in pkgs, (need, p.stdout)
    qemu_install = [l for l in plan_lines(p.stdout) if "apt-get install" in l and qemu_pkg in l]
    assert len(qemu_install) == 1, p.stdout
    assert ("-t bookworm-backports" in qemu_install[0]) == backports, p.stdout


def test_debian_12_gets_qemu_from_backports():
    p = run_deps('ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n'
                 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n', BOOKWORM)
    check_apt_plan(p, "qemu-system-riscv", "1:10.0.2+ds-2+deb13u1~bpo12+1",
                   "bookworm-backports", backports=True)


def test_debian_13():
    p = run_deps('ID=debian\nVERSION_ID="13"\nVERSION_CODENAME=trixie\n'
                 'PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\n', TRIXIE)
    check_apt_plan(p, "qemu-system-riscv", "1:10.0.13+ds-0+deb13u1", "trixie", backports=False)


def test_ubuntu_24_04_uses_qemu_system_misc():
    p = run_deps('ID=ubuntu\nID_LIKE=debian\nVERSION_ID="24.04"\nVERSION_CODENAME=noble\n'
                 'PRETTY_NAME="Ubuntu 24.04.3 LTS"\n', NOBLE)
    check_apt_plan(p, "qemu-system-misc", "1:8.2.2+ds-0ubuntu1.10", "noble-updates",
                   backports=False)


def test_ubuntu_26_04():
    p = run_deps('ID=ubuntu\nID_LIKE=debian\nVERSION_ID="26.04"\nVERSION_CODENAME=resolute\n'
                 'PRETTY_NAME="Ubuntu 26.04 LTS"\n', RESOLUTE)
    check_apt_plan(p, "qemu-system-riscv", "1:10.1.0+ds-5ubuntu2", "resolute", backports=False)


def test_linux_mint_22_via_id_like():
    p = run_deps('NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\nVERSION_ID="22"\n'
                 'VERSION_CODENAME=wilma\nUBUNTU_CODENAME=noble\n'
                 'PRETTY_NAME="Linux Mint 22"\n', NOBLE)
    check_apt_plan(p, "qemu-system-misc", "1:8.2.2+ds-0ubuntu1.10", "noble-updates",
                   backports=False)


def test_pop_os_via_id_like():
    p = run_deps('NAME="Pop!_OS"\nID=pop\nID_LIKE="ubuntu debian"\nVERSION_ID="24.04"\n'
                 'VERSION_CODENAME=noble\nPRETTY_NAME="Pop!_OS 24.04 LTS"\n', NOBLE)
    check_apt_plan(p, "qemu-system-misc", "1:8.2.2+ds-0ubuntu1.10", "noble-updates",
                   backports=False)


def test_lmde_6_is_bookworm_and_uses_backports():
    p = run_deps('NAME="LMDE"\nID=linuxmint\nID_LIKE=debian\nVERSION_ID="6"\n'
                 'VERSION_CODENAME=faye\nDEBIAN_CODENAME=bookworm\n'
                 'PRETTY_NAME="LMDE 6 (faye)"\n', BOOKWORM)
    check_apt_plan(p, "qemu-system-riscv", "1:10.0.2+ds-2+deb13u1~bpo12+1",
                   "bookworm-backports", backports=True)


def test_archive_with_old_qemu_is_refused_by_version():
    # Ubuntu 22.04 is an APT system, but its QEMU (6.2) is too old.
    p = run_deps('ID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"\nVERSION_CODENAME=jammy\n'
                 'PRETTY_NAME="Ubuntu 22.04.5 LTS"\n', JAMMY)
    assert p.returncode != 0, p.stdout
    assert ("unsupported system 'Ubuntu 22.04.5 LTS': its archive offers QEMU "
            "1:6.2+dfsg-2ubuntu6.26 (jammy-updates), the project needs >= 8.2") in p.stdout, p.stdout


def check_manual_plan(p, install, needs):
    assert p.returncode == 2, p.stdout
    assert "not installed automatically" in p.stdout, p.stdout
    lines = plan_lines(p.stdout)
    cmd = [l for l in lines if l.startswith(install + " ")]
    assert len(cmd) == 1, p.stdout
    for need in needs:
        assert need in cmd[0].split(), (need, p.stdout)
    assert any("console-setup-linux" in l and l.startswith("curl ") for l in lines), p.stdout
    assert any("Uni2-VGA16.psf.gz" in l for l in lines), p.stdout


def test_fedora_gets_dnf_commands():
    p = run_deps('NAME="Fedora Linux"\nID=fedora\nVERSION_ID=42\nPRETTY_NAME="Fedora Linux 42"\n')
    check_manual_plan(p, "sudo dnf install -y",
                      ["gcc-riscv64-linux-gnu", "qemu-system-riscv", "ffmpeg-free", "e2fsprogs",
                       "util-linux", "clang", "lld"])


def test_arch_gets_pacman_commands():
    p = run_deps('NAME="Arch Linux"\nID=arch\nPRETTY_NAME="Arch Linux"\n')
    check_manual_plan(p, "sudo pacman -S --needed",
                      ["riscv64-elf-gcc", "riscv64-elf-binutils", "qemu-system-riscv",
                       "qemu-system-riscv-firmware", "ffmpeg", "e2fsprogs"])


def test_manjaro_is_arch_via_id_like():
    p = run_deps('NAME="Manjaro Linux"\nID=manjaro\nID_LIKE=arch\nPRETTY_NAME="Manjaro Linux"\n')
    check_manual_plan(p, "sudo pacman -S --needed", ["riscv64-elf-gcc", "qemu-system-riscv"])


def test_opensuse_gets_zypper_commands():
    p = run_deps('NAME="openSUSE Tumbleweed"\nID="opensuse-tumbleweed"\n'
                 'ID_LIKE="opensuse suse"\nPRETTY_NAME="openSUSE Tumbleweed"\n')
    check_manual_plan(p, "sudo zypper install", ["qemu-extra", "clang", "lld", "e2fsprogs"])


def test_macos_gets_brew_commands():
    p = run_deps("", uname="Darwin")
    check_manual_plan(p, "brew install",
                      ["riscv64-elf-gcc", "riscv64-elf-binutils", "qemu", "e2fsprogs", "make"])
    assert any(l.startswith("gmake && gmake test") for l in plan_lines(p.stdout)), p.stdout


def test_unknown_system_is_refused_clearly():
    p = run_deps('ID=alpine\nVERSION_ID=3.20.0\nPRETTY_NAME="Alpine Linux v3.20"\n')
    assert p.returncode == 1, p.stdout
    assert "unsupported system 'Alpine Linux v3.20'" in p.stdout, p.stdout


def test_installed_system_is_a_quick_no_op():
    # This machine ran deps.sh already (make test needs it): nothing to do.
    env = dict(os.environ)
    env.pop("DEPS_DRY_RUN", None)
    p = subprocess.run(["bash", DEPS], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=120)
    assert p.returncode == 0, p.stdout
    assert "all dependencies present" in p.stdout and "QEMU emulator version" in p.stdout, p.stdout


# Every external command the tests and the build run (tests/, tools/, *.mk).
TEST_COMMANDS = ["debugfs", "e2fsck", "mke2fs", "dumpe2fs", "ffmpeg", "ffprobe", "hexdump",
                 "cksum", "gzip", "cmp", "dtc", "make", "python3", "gcc",
                 "qemu-system-riscv64", "riscv64-unknown-elf-gcc", "clang", "ld.lld",
                 "llvm-ar", "llvm-nm"]


def test_every_command_the_tests_run_comes_from_a_package_deps_installs():
    real = subprocess.run(["bash", DEPS], env=dict(os.environ, DEPS_DRY_RUN="1"),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=120)
    assert real.returncode == 0, real.stdout
    installs = packages(real.stdout)
    closure = set(subprocess.run(
        ["apt-cache", "depends", "--recurse", "--installed", "--no-recommends", "--no-suggests",
         "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", *installs],
        stdout=subprocess.PIPE, text=True).stdout.split()) | set(installs)
    for cmd in TEST_COMMANDS:
        path = shutil.which(cmd, path="/usr/sbin:/usr/bin:/sbin:/bin")   # the system's
        assert path, f"{cmd} is not installed"
        path = os.path.realpath(path)
        owner = subprocess.run(["dpkg", "-S", path], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True).stdout
        if not owner and path.startswith("/usr/"):      # merged /usr: dpkg knows /bin/...
            owner = subprocess.run(["dpkg", "-S", path[4:]], stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, text=True).stdout
        assert owner, f"{cmd} ({path}) belongs to no package"
        pkg = owner.split(":")[0].split(",")[0].strip()
        essential = subprocess.run(["dpkg-query", "-W", "-f=${Essential}", pkg],
                                   stdout=subprocess.PIPE, text=True).stdout.strip()
        # A package deps.sh installs, or one they depend on (gcc-12 for gcc,
        # clang-14 for clang...).
        assert essential == "yes" or pkg in closure, \
            f"{cmd} comes from {pkg}, which deps.sh does not install"


# ---- the Makefile's choice of compiler -----------------------------------------------------
def make_toolchain(names, *args):
    """What `make toolchain` says with only stub NAMEs on PATH."""
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            path = os.path.join(tmp, name)
            with open(path, "w") as f:
                f.write("#!/bin/sh\nexit 1\n")
            os.chmod(path, 0o755)
        # Not the variables of a make this runs under (make test LLVM=1
        # exports LLVM and BUILD, and passes them on in MAKEFLAGS).
        env = {k: v for k, v in os.environ.items() if k not in (
            "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "LLVM", "CROSS", "BUILD")}
        p = subprocess.run([shutil.which("make"), "-s", "-C", ROOT, "toolchain", *args],
                           env=dict(env, PATH=tmp), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=60)
        assert p.returncode == 0, p.stdout
        return dict(l.split("=", 1) for l in p.stdout.splitlines() if "=" in l)


def test_make_finds_each_cross_compiler_name():
    for prefix in ["riscv64-unknown-elf-", "riscv64-elf-", "riscv64-linux-gnu-"]:
        tc = make_toolchain([prefix + "gcc"])
        assert tc["CROSS"] == prefix and tc["KCC"] == prefix + "gcc", (prefix, tc)
        assert tc["KNM"] == prefix + "nm" and tc["KAR"] == prefix + "ar", (prefix, tc)


def test_make_prefers_the_bare_metal_compiler():
    tc = make_toolchain(["riscv64-linux-gnu-gcc", "riscv64-elf-gcc"])
    assert tc["CROSS"] == "riscv64-elf-", tc
    tc = make_toolchain(["riscv64-linux-gnu-gcc", "riscv64-elf-gcc", "riscv64-unknown-elf-gcc"])
    assert tc["CROSS"] == "riscv64-unknown-elf-", tc


def test_make_cross_and_llvm_on_the_command_line():
    assert make_toolchain(["riscv64-elf-gcc"], "CROSS=my-rv-")["KCC"] == "my-rv-gcc"
    tc = make_toolchain([], "LLVM=1")
    assert tc["KCC"] == "clang --target=riscv64-unknown-elf", tc
    assert (tc["KNM"], tc["KAR"]) == ("llvm-nm", "llvm-ar"), tc
    tc = make_toolchain([], "LLVM=-19")
    assert tc["KCC"] == "clang-19 --target=riscv64-unknown-elf", tc
    assert (tc["KNM"], tc["KAR"]) == ("llvm-nm-19", "llvm-ar-19"), tc
