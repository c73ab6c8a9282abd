#!/usr/bin/env python3
"""tools/run.py — the one way to start the OS in QEMU.

Builds the QEMU command line for the riscv64 `virt` machine with OpenSBI,
the kernel, and the project's virtio devices (blk, gpu, sound, keyboard,
modern MMIO), runs it, and turns the way the guest ended into an exit status:

  0      the guest powered off with success
  N      the guest powered off with status N (the --cmd command's exit
         status; 101 = kernel panic)
  124    --timeout expired (QEMU is asked to quit cleanly, then killed)

With --record OUT.mp4 the run is headless: screendumps are taken through
QMP at --record-fps (compressed PPMs in a temporary directory), the sound
goes to a WAV capture, and when QEMU ends ffmpeg muxes both into OUT.mp4.

Run `tools/run.py --help` for the options; README.md shows typical uses.
"""
import argparse
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib

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
            "  Or record it:   tools/run.py --display none --record out.mp4 ...\n"
            "                  (make record: the demo clip into build/demo.mp4)")
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
    elif args.audio.startswith("audiodev:"):
        # A raw QEMU -audiodev spec, for tests of hosts whose audio fails or
        # stalls (docs/audio.md), e.g. audiodev:alsa,out.dev=nosuchcard.
        cmd += ["-audiodev", args.audio[len("audiodev:"):] + ",id=snd0"]
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


def ppm_size(data):
    """(width, height) of a P6 PPM as QEMU's screendump writes it."""
    fields = data[:64].split()
    return int(fields[1]), int(fields[2])


class Recorder:
    """Screendumps at a fixed rate while QEMU runs (a thread), then one mp4.

    Frame slot i of the video is the newest screendump taken at or before
    t0 + i / fps (t0: the first dump), so a slow dump repeats the previous
    picture instead of shifting the timeline. The WAV starts when the guest
    first starts a stream (QEMU's wav backend writes only while one runs);
    a poller notes the host time the file first grows, and the sound is
    placed at that offset. A guest pause shifts the sound after it (the
    capture has no gap), which is why recordings are made of plain runs."""

    def __init__(self, qmp_path, wav_path, tmpdir, fps):
        self.qmp_path, self.wav, self.fps = qmp_path, wav_path, fps
        self.dir = os.path.join(tmpdir, "frames")
        os.makedirs(self.dir)
        self.shots = []              # (host time, file of the compressed PPM)
        self.audio_t = None          # host time the WAV got its first samples
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.thread.start()

    def _run(self):
        deadline = time.monotonic() + 30
        q = None
        while q is None and not self.stop.is_set():
            try:
                q = QMP(self.qmp_path, connect_timeout=1)
            except (QMPError, OSError):
                if time.monotonic() > deadline:
                    print("run.py: record: cannot connect to QMP", file=sys.stderr)
                    return
                time.sleep(0.05)
        ppm = os.path.join(self.dir, "dump.ppm")
        period = 1.0 / self.fps
        next_t = time.monotonic()
        threading.Thread(target=self._watch_wav, daemon=True).start()
        while not self.stop.is_set():
            t = time.monotonic()
            try:
                q.command("screendump", filename=ppm)
                with open(ppm, "rb") as f:
                    data = f.read()
            except (QMPError, OSError):
                break
            out = os.path.join(self.dir, "%06d.ppm.z" % len(self.shots))
            with open(out, "wb") as f:
                f.write(zlib.compress(data, 1))
            self.shots.append((t, out))
            if len(self.shots) % (10 * self.fps) == 0:
                print(f"run.py: record: {len(self.shots)} screendumps", file=sys.stderr)
            next_t += period
            time.sleep(max(0.0, next_t - time.monotonic()))
        try:
            q.close()
        except (QMPError, OSError):
            pass

    def _watch_wav(self):
        """Host time of the WAV's first sample: when the file first grows
        past its 44-byte header, less the time its bytes take to play (the
        wav backend writes through a 4 KiB stdio buffer)."""
        while not self.stop.is_set() and self.audio_t is None:
            try:
                size = os.stat(self.wav).st_size
                if size > 44:
                    t = time.monotonic()
                    with open(self.wav, "rb") as f:
                        head = f.read(44)
                    channels, rate = struct.unpack_from("<HI", head, 22)
                    self.audio_t = t - (size - 44) / (rate * channels * 2)
            except (OSError, struct.error, ZeroDivisionError):
                pass
            time.sleep(0.002)

    def finish(self, out_path):
        self.stop.set()
        self.thread.join(timeout=10)
        if not self.shots:
            print("run.py: record: no screendumps were taken", file=sys.stderr)
            return False
        t0 = self.shots[0][0]
        slots = int((self.shots[-1][0] - t0) * self.fps) + 1
        cmd = ["ffmpeg", "-y", "-loglevel", "error", "-f", "image2pipe", "-framerate",
               str(self.fps), "-c:v", "ppm", "-i", "-"]
        have_audio = self.audio_t is not None and os.path.exists(self.wav)
        if have_audio:
            cmd += ["-itsoffset", "%.3f" % max(0.0, self.audio_t - t0), "-i", self.wav,
                    "-map", "0:v", "-map", "1:a", "-c:a", "aac", "-b:a", "160k"]
        cmd += ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", out_path]
        print(f"run.py: record: encoding {slots} frames ({slots / self.fps:.1f} s) "
              f"into {out_path}", file=sys.stderr)
        # Before the guest sets up its scanout QEMU shows a 640x480
        # placeholder; ffmpeg would scale everything to the first size, so
        # such frames become black at the final size.
        with open(self.shots[-1][1], "rb") as f:
            size = ppm_size(zlib.decompress(f.read()))
        black = b"P6\n%d %d\n255\n" % size + bytes(3 * size[0] * size[1])
        ff = subprocess.Popen(cmd, stdin=subprocess.PIPE)
        j = 0
        try:
            for i in range(slots):
                while j + 1 < len(self.shots) and self.shots[j + 1][0] <= t0 + i / self.fps:
                    j += 1
                with open(self.shots[j][1], "rb") as f:
                    frame = zlib.decompress(f.read())
                ff.stdin.write(frame if ppm_size(frame) == size else black)
                if i and i % (10 * self.fps) == 0:
                    print(f"run.py: record: {i}/{slots} frames encoded", file=sys.stderr)
            ff.stdin.close()
        except BrokenPipeError:
            pass
        status = ff.wait()
        if status:
            print(f"run.py: record: ffmpeg failed ({status})", file=sys.stderr)
            return False
        sound = (f", sound from {max(0.0, self.audio_t - t0):.3f} s" if have_audio
                 else ", no sound")
        print(f"run.py: record: wrote {out_path} ({len(self.shots)} screendumps{sound})",
              file=sys.stderr)
        return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernel", default=os.path.join(ROOT, "build", "kernel.elf"))
    ap.add_argument("--disk", default=None,
                    help="raw disk image for virtio-blk, or none (default build/hdd.dsk "
                         "when it exists)")
    ap.add_argument("--display", default="none", help="window or none (default none)")
    ap.add_argument("--audio", default="none",
                    help="auto, none or wav:PATH (default none); audiodev:SPEC passes a "
                         "QEMU -audiodev spec as is (tests)")
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
    ap.add_argument("--record", metavar="OUT.mp4",
                    help="headless run captured into OUT.mp4 (screendumps + WAV, ffmpeg)")
    ap.add_argument("--record-fps", type=int, default=30,
                    help="screendumps per second for --record (default 30: the clip's rate)")
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
    recorder = None
    if args.record:
        if not shutil.which("ffmpeg"):
            die("--record needs ffmpeg (tools/deps.sh installs it)")
        if args.display != "none":
            die("--record runs headless: leave out --display")
        if args.record_fps <= 0:
            die("--record-fps must be positive")
        wav = args.audio[4:] if args.audio.startswith("wav:") else os.path.join(tmpdir, "rec.wav")
        args.audio = "wav:" + wav
        recorder = Recorder(os.path.join(tmpdir, "record.sock"), wav, tmpdir, args.record_fps)
    cmd = build_command(args, control_qmp)
    if recorder:
        cmd += ["-qmp", f"unix:{recorder.qmp_path},server=on,wait=off"]
    if args.print_command:
        print(" ".join(cmd), file=sys.stderr)
    if args.gdb:
        print("run.py: QEMU waits for gdb on localhost:1234; in another terminal:\n"
              f"  gdb-multiarch {args.kernel} -ex 'target remote localhost:1234'",
              file=sys.stderr)

    proc = subprocess.Popen(cmd)
    if recorder:
        recorder.start()
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
    if recorder and not recorder.finish(args.record):
        status = status or 1
    shutil.rmtree(tmpdir, ignore_errors=True)
    if timed_out.is_set():
        return EXIT_TIMEOUT
    if status < 0:
        return 128 - status
    return status


if __name__ == "__main__":
    sys.exit(main())
