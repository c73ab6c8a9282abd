#!/usr/bin/env bash
# tools/deps.sh — install everything the project needs to build, run and test.
#
# Supported: Debian 12 (bookworm) and Ubuntu 24.04 (noble). Idempotent: a tool
# already present is not reinstalled. On Debian 12 QEMU >= 8.2 comes from
# bookworm-backports, which is added to APT's sources when missing.
# Uses sudo when not run as root. Prints each package it installs.
set -euo pipefail

say() { printf 'deps: %s\n' "$*"; }
die() { printf 'deps: error: %s\n' "$*" >&2; exit 1; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "not root and sudo is not installed"
    SUDO="sudo"
fi

# DEPS_OS_RELEASE lets the tests pretend to be another system.
os_release=${DEPS_OS_RELEASE:-/etc/os-release}
[ -r "$os_release" ] || die "cannot read $os_release: unsupported system"
. "$os_release"
case "${ID:-}:${VERSION_ID:-}" in
    debian:12) distro=bookworm ;;
    ubuntu:24.04) distro=noble ;;
    *) die "unsupported system '${PRETTY_NAME:-unknown}': need Debian 12 or Ubuntu 24.04" ;;
esac

# Packages and a command that proves each is present.
# format: package:command (command empty = check with dpkg only)
base_pkgs="gcc-riscv64-unknown-elf:riscv64-unknown-elf-gcc
binutils-riscv64-unknown-elf:riscv64-unknown-elf-objcopy
gcc:gcc
make:make
python3:python3
ffmpeg:ffmpeg
e2fsprogs:mke2fs
gdb-multiarch:gdb-multiarch
device-tree-compiler:dtc
clang:clang
libclang-rt-dev:
opensbi:
console-setup-linux:"
qemu_pkgs="qemu-system-misc:qemu-system-riscv64
qemu-system-gui:"

need_pkgs=()
check() {
    local pkg=${1%%:*} cmd=${1#*:}
    if [ -n "$cmd" ]; then
        command -v "$cmd" >/dev/null 2>&1 && return 0
    else
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" && return 0
    fi
    need_pkgs+=("$pkg")
}

qemu_ok() {
    command -v qemu-system-riscv64 >/dev/null 2>&1 || return 1
    local v
    v=$(qemu-system-riscv64 --version | sed -n 's/.*version \([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
    set -- $v
    [ "${1:-0}" -gt 8 ] || { [ "${1:-0}" -eq 8 ] && [ "${2:-0}" -ge 2 ]; }
}

while IFS= read -r p; do check "$p"; done <<<"$base_pkgs"
# libclang-rt-dev is named after the clang version on Debian 12.
if [ "$distro" = bookworm ]; then
    for i in "${!need_pkgs[@]}"; do
        [ "${need_pkgs[$i]}" = libclang-rt-dev ] && need_pkgs[$i]=libclang-rt-14-dev
    done
    dpkg-query -W -f='${Status}' libclang-rt-14-dev 2>/dev/null | grep -q "ok installed" &&
        need_pkgs=("${need_pkgs[@]/libclang-rt-14-dev}")
fi
qemu_missing=0
qemu_ok || qemu_missing=1
dpkg-query -W -f='${Status}' qemu-system-gui 2>/dev/null | grep -q "ok installed" || qemu_missing=1

# Compact the array (removals above may leave empty strings).
pkgs=()
for p in "${need_pkgs[@]}"; do [ -n "$p" ] && pkgs+=("$p"); done

if [ ${#pkgs[@]} -eq 0 ] && [ $qemu_missing -eq 0 ]; then
    say "all dependencies present ($(qemu-system-riscv64 --version | head -1))"
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-y -q -o Dpkg::Use-Pty=0 --no-install-recommends)

if [ "$distro" = bookworm ] && [ $qemu_missing -eq 1 ]; then
    if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
        say "adding the bookworm-backports suite for QEMU >= 8.2"
        echo "deb http://deb.debian.org/debian bookworm-backports main" |
            $SUDO tee /etc/apt/sources.list.d/bookworm-backports.list >/dev/null
    fi
fi

say "updating package lists"
$SUDO apt-get update -q -o Dpkg::Use-Pty=0 >/dev/null || die "apt-get update failed"

if [ ${#pkgs[@]} -gt 0 ]; then
    say "installing: ${pkgs[*]}"
    $SUDO apt-get install "${apt_opts[@]}" "${pkgs[@]}" || die "apt-get install failed: ${pkgs[*]}"
fi

if [ $qemu_missing -eq 1 ]; then
    if [ "$distro" = bookworm ]; then
        say "installing: qemu-system-misc qemu-system-gui (from bookworm-backports)"
        $SUDO apt-get install "${apt_opts[@]}" -t bookworm-backports qemu-system-misc qemu-system-gui ||
            die "could not install QEMU from bookworm-backports"
    else
        say "installing: qemu-system-misc qemu-system-gui"
        $SUDO apt-get install "${apt_opts[@]}" qemu-system-misc qemu-system-gui ||
            die "could not install QEMU"
    fi
fi

qemu_ok || die "QEMU >= 8.2 is required; found: $(qemu-system-riscv64 --version 2>/dev/null | head -1 || echo none)"
say "done ($(qemu-system-riscv64 --version | head -1))"
