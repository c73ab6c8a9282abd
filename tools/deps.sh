#!/usr/bin/env bash
# tools/deps.sh — install everything the project needs to build, run and test.
#
# Supported (installs): APT systems whose QEMU is >= 8.2 — Debian 12 (QEMU
# from bookworm-backports, added to APT's sources when missing), Debian 13,
# Ubuntu 24.04 and newer, and their derivatives (os-release ID_LIKE names
# debian or ubuntu: Linux Mint 22, Pop!_OS...). What decides is the QEMU
# version APT would install, not the system's name: a system whose archive
# offers only an older QEMU is refused, saying so.
# Elsewhere (Fedora, Arch, openSUSE, macOS with Homebrew) it prints the
# packages and the commands to run, and exits 2: it installs nothing there.
#
# Idempotent: a package already installed is not reinstalled, and with
# everything present it only says so. Uses sudo when not run as root.
#
# Environment (for the tests, tests/host/test_deps.py):
#   DEPS_DRY_RUN=1        print the plan (packages, commands), change nothing
#   DEPS_OS_RELEASE=FILE  read FILE instead of /etc/os-release
#   DEPS_UNAME=NAME       pretend `uname -s` says NAME (Darwin: macOS)
set -euo pipefail

say() { printf 'deps: %s\n' "$*"; }
die() { printf 'deps: error: %s\n' "$*" >&2; exit 1; }
plan() { printf 'deps: plan: %s\n' "$*"; }

DRY_RUN=${DEPS_DRY_RUN:-0}
[ "$DRY_RUN" = 0 ] || DRY_RUN=1
QEMU_MIN_MAJOR=8 QEMU_MIN_MINOR=2

# ---- what the project needs -------------------------------------------------
# Every external command the build and the tests run, by the APT package that
# has it: the cross GCC and binutils; clang, lld and the LLVM tools (make
# LLVM=1, the fuzzer's libclang-rt); host gcc (unit tests under sanitizers),
# make, python3; python3-pyte (the terminal emulator through which the
# text-mode player's test reads the serial console); ffmpeg and ffprobe
# (clips, recording); mke2fs, e2fsck, debugfs, dumpe2fs (the disk, its
# tests); hexdump (bsdextrautils, the hexdump test); the console fonts
# (console-setup-linux); dtc and gdb-multiarch (make debug); OpenSBI
# (QEMU's -bios default); pactl and parec (pulseaudio-utils) and a
# PulseAudio server the audio tests start privately (run.py's backend
# choice, a sound server that stalls). cmp, cksum, gzip come with every
# Debian (essential packages).
APT_PKGS="gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf
clang lld llvm libclang-rt-dev
gcc make python3 python3-pyte
ffmpeg e2fsprogs bsdextrautils console-setup-linux
device-tree-compiler gdb-multiarch opensbi pulseaudio-utils"
# The PulseAudio server replaces a desktop's pipewire-pulse: where that is
# installed, the server is not (the tests that need one then say they were
# not run, and why).
if dpkg-query -W -f='${Status}' pipewire-pulse 2>/dev/null | grep -q "ok installed"; then
    say "pipewire-pulse is installed: leaving it alone (no pulseaudio server)"
else
    APT_PKGS="$APT_PKGS pulseaudio"
fi
# Only make fuzz (libclang-rt-dev) and make debug (gdb-multiarch) need these.
OPTIONAL_PKGS="libclang-rt-dev gdb-multiarch"
# QEMU: qemu-system-riscv where the archive splits QEMU per architecture
# (Debian 13, bookworm-backports), else qemu-system-misc; qemu-system-gui
# has the window and the sound backends.
QEMU_GUI_PKG=qemu-system-gui

# ---- the system ---------------------------------------------------------------
uname_s=${DEPS_UNAME:-$(uname -s)}
ID="" ID_LIKE="" VERSION_ID="" VERSION_CODENAME="" DEBIAN_CODENAME="" PRETTY_NAME=""
os_release=${DEPS_OS_RELEASE:-/etc/os-release}
if [ "$uname_s" = Darwin ]; then
    ID=macos PRETTY_NAME="macOS"
elif [ -r "$os_release" ]; then
    . "$os_release"
else
    die "cannot read $os_release: unknown system (see README.md, Supported systems)"
fi
family_of() {
    local id
    for id in $ID $ID_LIKE; do
        case "$id" in
            debian|ubuntu) echo apt; return ;;
            fedora|rhel|centos) echo fedora; return ;;
            arch|archlinux) echo arch; return ;;
            opensuse*|suse|sles) echo suse; return ;;
            macos) echo brew; return ;;
        esac
    done
    echo unknown
}
family=$(family_of)
say "system: ${PRETTY_NAME:-$ID} (${family})"

# ---- other systems: the plan to follow by hand --------------------------------
# The console fonts are Debian's (console-setup); elsewhere they come from
# its .deb (trixie's; a newer version replaces it in the pool in time: any
# console-setup-linux_*_all.deb there has them), unpacked into
# /usr/local/share/consolefonts, where gfx/gfx.mk also looks.
FONT_URL=https://deb.debian.org/debian/pool/main/c/console-setup/console-setup-linux_1.242~deb13u1_all.deb
FONT_DIR=/usr/local/share/consolefonts
print_fonts_plan() {
    plan "curl -fL -o console-setup-linux.deb '$FONT_URL'"
    plan "sudo mkdir -p $FONT_DIR && bsdtar -xOf console-setup-linux.deb 'data.tar.*' | sudo bsdtar -xf - -C $FONT_DIR --strip-components 4 ./usr/share/consolefonts/Uni2-VGA16.psf.gz ./usr/share/consolefonts/Uni2-Terminus32x16.psf.gz"
}
manual_plan() {
    local install=$1 pkgs=$2 make_cmd=${3:-make} path_cmd=${4:-}
    say "this system is not installed automatically; install these packages:"
    say "packages: $(echo $pkgs)"
    plan "$install $(echo $pkgs)"
    [ -z "$path_cmd" ] || plan "$path_cmd"
    print_fonts_plan
    plan "$make_cmd && $make_cmd test    # the Makefile finds riscv64-unknown-elf-, riscv64-elf- or riscv64-linux-gnu- gcc; LLVM=1 for clang"
    say "QEMU must be >= ${QEMU_MIN_MAJOR}.${QEMU_MIN_MINOR} (qemu-system-riscv64 --version)"
    exit 2
}
case "$family" in
    fedora)
        # Fedora's cross GCC targets Linux (riscv64-linux-gnu-), fine for
        # freestanding code; ffmpeg-free lacks H.264 (make record): RPM
        # Fusion's ffmpeg has it.
        manual_plan "sudo dnf install -y" "gcc-riscv64-linux-gnu binutils-riscv64-linux-gnu
            clang lld llvm compiler-rt gcc make python3 python3-pyte libasan libubsan
            qemu-system-riscv qemu-audio-pa qemu-audio-pipewire qemu-ui-gtk
            ffmpeg-free e2fsprogs util-linux dtc gdb bsdtar curl" ;;
    arch)
        manual_plan "sudo pacman -S --needed" "riscv64-elf-gcc riscv64-elf-binutils
            clang lld llvm compiler-rt gcc make python python-pyte
            qemu-system-riscv qemu-system-riscv-firmware qemu-audio-pa qemu-audio-pipewire qemu-ui-gtk
            ffmpeg e2fsprogs util-linux dtc gdb libarchive curl" ;;
    suse)
        manual_plan "sudo zypper install" "cross-riscv64-elf-gcc14 cross-riscv64-binutils
            clang lld llvm gcc make python3 python3-pyte
            qemu-extra qemu-audio-pa qemu-audio-pipewire qemu-ui-gtk
            ffmpeg-7 e2fsprogs util-linux dtc gdb bsdtar curl" ;;
    brew)
        # e2fsprogs is keg-only: its sbin directory must go on PATH. The
        # Makefile needs GNU make 4 (gmake), not macOS's make 3.81.
        manual_plan "brew install" "riscv64-elf-gcc riscv64-elf-binutils riscv64-elf-gdb
            llvm lld make python qemu ffmpeg e2fsprogs dtc" gmake \
            'export PATH="$(brew --prefix e2fsprogs)/sbin:$(brew --prefix llvm)/bin:$(brew --prefix lld)/bin:$PATH"' ;;
    apt) ;;
    *) die "unsupported system '${PRETTY_NAME:-$ID}': supported are Debian 12 and 13, Ubuntu 24.04 and newer and their derivatives; Fedora, Arch, openSUSE and macOS get a list of packages (see README.md)" ;;
esac

# ---- APT systems -----------------------------------------------------------------
export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-y -q -o Dpkg::Use-Pty=0 --no-install-recommends)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }
known() { apt-cache show "$1" >/dev/null 2>&1; }

# major.minor of a Debian version string (1:8.2.2+ds-0ubuntu1 -> "8 2").
major_minor() { echo "$1" | sed -n 's/^\([0-9]*:\)\{0,1\}\([0-9][0-9]*\)\.\([0-9][0-9]*\).*/\2 \3/p'; }
recent_enough() {
    local mm
    mm=$(major_minor "$1")
    set -- $mm
    [ "${1:-0}" -gt $QEMU_MIN_MAJOR ] || { [ "${1:-0}" -eq $QEMU_MIN_MAJOR ] && [ "${2:-0}" -ge $QEMU_MIN_MINOR ]; }
}

# The QEMU package this archive has (qemu-system-riscv or -misc).
qemu_pkg() { if known qemu-system-riscv; then echo qemu-system-riscv; else echo qemu-system-misc; fi; }

# The newest version of $1 the archive offers, and its suite: "VERSION SUITE"
# (apt-cache madison lists every version of every configured suite).
best_offer() {
    apt-cache madison "$1" 2>/dev/null | awk -F'|' '
        { gsub(/ /, "", $2); split($3, w, " "); split(w[2], s, "/"); print $2, s[1] }' |
    { best="" suite=""
      while read -r v s; do
          if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then best=$v suite=$s; fi
      done
      [ -n "$best" ] && echo "$best $suite"; }
}

qemu_installed_ok() {
    command -v qemu-system-riscv64 >/dev/null 2>&1 || return 1
    local v
    v=$(qemu-system-riscv64 --version | sed -n 's/.*version \([0-9][0-9.]*\).*/\1/p')
    recent_enough "$v" && installed "$QEMU_GUI_PKG"
}

codename=${DEBIAN_CODENAME:-${VERSION_CODENAME:-}}
backports_configured() {
    grep -rqs "${codename}-backports" /etc/apt/sources.list /etc/apt/sources.list.d/
}

missing=()
for p in $APT_PKGS; do installed "$p" || missing+=("$p"); done
if [ ${#missing[@]} -eq 0 ] && qemu_installed_ok && [ "$DRY_RUN" = 0 ]; then
    say "all dependencies present ($(qemu-system-riscv64 --version | head -1))"
    exit 0
fi

SUDO=""
if [ "$DRY_RUN" = 0 ] && [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "not root and sudo is not installed"
    SUDO="sudo"
fi
run() { if [ "$DRY_RUN" = 1 ]; then plan "$*"; else "$@"; fi; }
apt_update() {
    if [ "$DRY_RUN" = 1 ]; then plan "apt-get update"; return; fi
    say "updating package lists"
    $SUDO apt-get update -q -o Dpkg::Use-Pty=0 >/dev/null || die "apt-get update failed"
}

[ "$DRY_RUN" = 1 ] || apt_update
qpkg=$(qemu_pkg)
offer=$(best_offer "$qpkg" || true)
qemu_suite=""
if ! recent_enough "${offer%% *}" && [ "$codename" = bookworm ]; then
    # Debian 12 has QEMU 7.2; bookworm-backports has a recent one.
    if ! backports_configured; then
        say "adding the bookworm-backports suite for QEMU >= ${QEMU_MIN_MAJOR}.${QEMU_MIN_MINOR}"
        line="deb http://deb.debian.org/debian bookworm-backports main"
        if [ "$DRY_RUN" = 1 ]; then
            plan "echo '$line' > /etc/apt/sources.list.d/bookworm-backports.list"
        else
            echo "$line" | $SUDO tee /etc/apt/sources.list.d/bookworm-backports.list >/dev/null
        fi
        apt_update
        [ "$DRY_RUN" = 1 ] || { qpkg=$(qemu_pkg); offer=$(best_offer "$qpkg" || true); }
    fi
    [ "$DRY_RUN" = 1 ] && ! recent_enough "${offer%% *}" && offer="(known after apt-get update) bookworm-backports"
fi
case "$offer" in
    "(known"*) ;;
    *) offered=${offer:+${offer%% *} (${offer#* })}
       recent_enough "${offer%% *}" ||
        die "unsupported system '${PRETTY_NAME:-$ID}': its archive offers QEMU ${offered:-none}, the project needs >= ${QEMU_MIN_MAJOR}.${QEMU_MIN_MINOR} (Debian 12 with backports, Debian 13, Ubuntu 24.04 and newer have it)" ;;
esac
qemu_suite=${offer#* }
say "QEMU: $qpkg ${offer%% *} from $qemu_suite"
say "packages: $(echo $APT_PKGS) $qpkg $QEMU_GUI_PKG"

# Installed from the suite that has a recent enough one (-t: backports are
# not installed by default).
target=()
case "$qemu_suite" in *-backports) target=(-t "$qemu_suite") ;; esac

# A package this archive lacks: the optional ones (make fuzz, make debug)
# are left out, saying so; any other stops here.
available=()
for p in "${missing[@]}"; do
    if known "$p"; then available+=("$p")
    elif [[ " $OPTIONAL_PKGS " == *" $p "* ]]; then say "not in this archive, skipped: $p"
    else die "package $p is not in this system's archive (apt-get update? universe enabled?)"
    fi
done
missing=("${available[@]}")
[ "$DRY_RUN" = 0 ] || say "missing here: ${missing[*]:-none}"
if [ ${#missing[@]} -gt 0 ]; then
    say "installing: ${missing[*]}"
    run $SUDO apt-get install "${APT_OPTS[@]}" "${missing[@]}" || die "apt-get install failed: ${missing[*]}"
fi
if [ "$DRY_RUN" = 1 ] || ! qemu_installed_ok; then
    say "installing: $qpkg $QEMU_GUI_PKG${target[*]:+ (${target[*]})}"
    run $SUDO apt-get install "${APT_OPTS[@]}" "${target[@]}" "$qpkg" "$QEMU_GUI_PKG" ||
        die "could not install QEMU ($qpkg $QEMU_GUI_PKG ${target[*]})"
fi
[ "$DRY_RUN" = 0 ] || exit 0

qemu_installed_ok || die "QEMU >= ${QEMU_MIN_MAJOR}.${QEMU_MIN_MINOR} is required; found: $(qemu-system-riscv64 --version 2>/dev/null | head -1 || echo none)"
say "done ($(qemu-system-riscv64 --version | head -1))"
