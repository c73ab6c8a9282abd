#!/usr/bin/env python3
"""tools/run.py — the one way to start the OS in QEMU.

Builds the QEMU command line for the riscv64 `virt` machine with OpenSBI,
the kernel, and the project's virtio devices (blk, gpu, sound, keyboard,
modern MMIO), runs it, and turns the way the guest ended into an exit status:

  0      the guest powered off with success
  N      the guest powered off with status N (the --cmd command's exit
         status; 101 = kernel panic)
  124    --timeout expired (QEMU is asked to quit cleanly, then killed)

Run `tools/run.py --help` for the options; README.md shows typical uses.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from qmp import QMP, QMPError  # noqa: E402

QEMU = "qemu-system-riscv64"
EXIT_TIMEOUT = 124


def die(msg, status=2):
    print(f"run.py: {msg}", file=sys.stderr)
    sys.exit(status)


def qemu_lists(kind):
    """Names QEMU knows for `-display help` / `-audiodev help`."""
    try:
        out = subprocess.run([QEMU, f"-{kind}", "help"], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, timeout=20).stdout
    except (OSError, subprocess.TimeoutExpired):
        return set()
    return {line.split()[0] for line in out.splitlines()[1:] if line.strip()}


def pick_display():
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        die("no display found (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
            "  Run headless:   tools/run.py --display none ...\n"
            "  Or record it:   tools/run.py --display none --record out.mp4 ...")
    known = qemu_lists("display")
    for ui in ("gtk", "sdl"):
        if ui in known:
            return ui
    die("this QEMU has neither the gtk nor the sdl display; install qemu-system-gui "
        "(tools/deps.sh does)")


def pick_audio_backend():
    """First host audio backend that looks usable, or None."""
    known = qemu_lists("audiodev")
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    candidates = [
        ("pipewire", runtime and os.path.exists(os.path.join(runtime, "pipewire-0"))),
        ("pa", os.environ.get("PULSE_SERVER") or
               (runtime and os.path.exists(os.path.join(runtime, "pulse", "native")))),
        ("alsa", os.path.exists("/dev/snd") and any(
            n.startswith("pcm") for n in os.listdir("/dev/snd"))),
        ("sdl", bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))),
    ]
    for name, usable in candidates:
        if name in known and usable:
            return name
    return None


def build_command(args, control_qmp):
    cmd = [QEMU, "-machine", "virt" + (f",dumpdtb={args.dumpdtb}" if args.dumpdtb else ""),
           "-cpu", "rv64", "-smp", str(args.smp), "-m", args.memory,
           "-bios", "default", "-no-reboot",
           "-global", "virtio-mmio.force-legacy=false"]
    if not args.dumpdtb:
        if not os.path.exists(args.kernel):
            die(f"kernel {args.kernel} does not exist (run make)")
        cmd += ["-kernel", args.kernel]

    bootargs = args.append.strip()
    if args.cmd is not None:
        # cmd= must come last: the kernel gives it the rest of the line.
        if "\n" in args.cmd:
            die("--cmd must be a single line")
        bootargs = (bootargs + " " if bootargs else "") + "cmd=" + args.cmd
    if bootargs:
        cmd += ["-append", bootargs]

    # Devices. Storage only when the disk image exists.
    if args.disk == "none":
        pass
    elif os.path.exists(args.disk):
        cmd += ["-drive", f"file={args.disk},if=none,format=raw,id=hd0",
                "-device", "virtio-blk-device,drive=hd0"]
    elif args.disk_given:
        die(f"disk image {args.disk} does not exist (run make)")
    try:
        width, height = (int(v) for v in args.resolution.lower().split("x"))
    except ValueError:
        die(f"--resolution wants WIDTHxHEIGHT, not {args.resolution!r}")
    cmd += ["-device", f"virtio-gpu-device,xres={width},yres={height}",
            "-device", "virtio-keyboard-device"]

    if args.audio == "none":
        cmd += ["-audiodev", "none,id=snd0"]
    elif args.audio.startswith("wav:"):
        path = args.audio[4:]
        if not path:
            die("--audio wav:PATH needs a path")
        cmd += ["-audiodev", f"wav,id=snd0,path={path},out.frequency={args.audio_rate}"]
    elif args.audio == "auto":
        backend = pick_audio_backend()
        if backend:
            cmd += ["-audiodev", f"{backend},id=snd0,out.frequency={args.audio_rate}"]
            print(f"run.py: host audio through {backend}", file=sys.stderr)
        else:
            print("run.py: no host audio found (pipewire, pulseaudio, alsa, sdl): "
                  "playing silently", file=sys.stderr)
            cmd += ["-audiodev", "none,id=snd0"]
    else:
        die(f"--audio wants auto, none or wav:PATH, not {args.audio!r}")
    cmd += ["-device", "virtio-sound-device,audiodev=snd0"]

    if args.display == "none":
        cmd += ["-display", "none"]
    elif args.display == "window":
        cmd += ["-display", pick_display()]
    else:
        die(f"--display wants window or none, not {args.display!r}")

    if args.serial == "stdio":
        cmd += ["-serial", "stdio"]
    else:
        cmd += ["-serial", f"file:{args.serial}"]
    cmd += ["-monitor", "none"]
    if args.qmp:
        cmd += ["-qmp", f"unix:{args.qmp},server=on,wait=off"]
    if control_qmp:
        cmd += ["-qmp", f"unix:{control_qmp},server=on,wait=off"]
    if args.gdb:
        cmd += ["-s", "-S"]
    return cmd


def quit_cleanly(proc, control_qmp):
    """Ask QEMU to quit (so capture files get finished), then kill it."""
    if control_qmp:
        try:
            q = QMP(control_qmp, connect_timeout=2)
            q.command("quit")
            q.close()
        except (QMPError, OSError):
            pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernel", default=os.path.join(ROOT, "build", "kernel.elf"))
    ap.add_argument("--disk", default=None,
                    help="raw disk image for virtio-blk, or none (default build/hdd.dsk "
                         "when it exists)")
    ap.add_argument("--display", default="none", help="window or none (default none)")
    ap.add_argument("--audio", default="none", help="auto, none or wav:PATH (default none)")
    ap.add_argument("--audio-rate", type=int, default=44100,
                    help="host-side sample rate in Hz (default 44100); a WAV capture "
                         "is bit-exact only when it equals the rate the guest plays")
    ap.add_argument("--qmp", help="also serve QMP on this unix socket path")
    ap.add_argument("--serial", default="stdio", help="stdio or a file path (default stdio)")
    ap.add_argument("--cmd", help="command line to run instead of the interactive shell; "
                                  "the machine then powers off with its exit status")
    ap.add_argument("--append", default="", help="extra kernel bootargs")
    ap.add_argument("--resolution", default="1280x720", help="WxH (default 1280x720)")
    ap.add_argument("--timeout", type=float, default=0,
                    help="seconds before QEMU is stopped and run.py exits 124")
    ap.add_argument("--gdb", action="store_true",
                    help="start halted with a gdb server on localhost:1234")
    ap.add_argument("--smp", type=int, default=2, help="harts (default 2; one boots)")
    ap.add_argument("--memory", default="256M", help="RAM size (default 256M)")
    ap.add_argument("--dumpdtb", help="write the machine's device tree blob here and exit")
    ap.add_argument("--print-command", action="store_true",
                    help="print the QEMU command line before running it")
    args = ap.parse_args()

    if not shutil.which(QEMU):
        die(f"{QEMU} not found: run tools/deps.sh (or make, which runs it)")
    if args.audio_rate <= 0:
        die("--audio-rate must be positive")
    args.disk_given = args.disk is not None
    if args.disk is None:
        args.disk = os.path.join(ROOT, "build", "hdd.dsk")
    if args.qmp and os.path.exists(args.qmp):
        os.unlink(args.qmp)

    tmpdir = tempfile.mkdtemp(prefix="run-")
    control_qmp = None if args.dumpdtb else os.path.join(tmpdir, "control.sock")
    cmd = build_command(args, control_qmp)
    if args.print_command:
        print(" ".join(cmd), file=sys.stderr)
    if args.gdb:
        print("run.py: QEMU waits for gdb on localhost:1234; in another terminal:\n"
              f"  gdb-multiarch {args.kernel} -ex 'target remote localhost:1234'",
              file=sys.stderr)

    proc = subprocess.Popen(cmd)
    timed_out = threading.Event()

    def on_timeout():
        timed_out.set()
        print(f"\nrun.py: timed out after {args.timeout:g} s", file=sys.stderr)
        quit_cleanly(proc, control_qmp)

    timer = None
    if args.timeout > 0 and not args.gdb:
        timer = threading.Timer(args.timeout, on_timeout)
        timer.daemon = True
        timer.start()

    def forward(signum, frame):
        quit_cleanly(proc, control_qmp)
    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)

    status = proc.wait()
    if timer:
        timer.cancel()
    # Give a timeout in progress the chance to finish its clean quit.
    if timed_out.is_set():
        time.sleep(0.1)
    shutil.rmtree(tmpdir, ignore_errors=True)
    if timed_out.is_set():
        return EXIT_TIMEOUT
    if status < 0:
        return 128 - status
    return status


if __name__ == "__main__":
    sys.exit(main())
