#!/usr/bin/env python3
"""tools/run.py — the one way to start the OS in QEMU.

Builds the QEMU command line for the riscv64 `virt` machine with OpenSBI,
the kernel, and the project's virtio devices (blk, gpu, sound, keyboard,
modern MMIO), runs it, and turns the way the guest ended into an exit status:

  0      the guest powered off with success
  N      the guest powered off with status N (the --cmd command's exit
         status; 101 = kernel panic)
  124    --timeout expired (QEMU is asked to quit cleanly, then killed)
  129, 130, 143
         SIGHUP, SIGINT (Ctrl-C), SIGTERM: 128 + the signal. QEMU is asked
         to quit cleanly (a --record run still writes what was captured),
         killed if it has not gone after a few seconds; a second signal
         kills it at once (and abandons a --record encoding). The terminal
         settings are put back, temporary files removed.

Signals: the handler only notes the signal; the main loop, which waits in
select() on QEMU's pidfd and the signal wakeup fd, does the shutdown.

--audio auto asks the host which output works (choose_audio_backend: a
PulseAudio-protocol server that answers, a PipeWire socket, a sound card)
and says in one line which one it took and why, or why it plays silently.
The guest is told the chosen backend's output latency (bootarg
audio_latency_ms, see LATENCY_MS), so the player's audio clock matches what
is heard in the window, in a WAV capture and in a --record video alike.

--display terminal puts the guest's serial console on the host terminal:
QEMU's `-serial mon:stdio`, which makes the terminal raw (^C, ^Z are bytes
for the guest, not signals for run.py) and quits on Ctrl-A x (QUIT_KEYS,
said in one line at the start); no window and no GPU (the guest has no
/dev/fb0: `player` plays as text); sound as in window mode (--audio
auto). The guest learns the terminal's size from the bootarg
console_size=COLSxROWS (--console-size, else the host terminal's).
Whatever way the run ends, run.py puts the terminal settings back and ends
what the guest may have left on in it (TERMINAL_RESET: a synchronized
update, hidden cursor, colours).

QEMU's own messages (its stderr: audio and GUI library noise, warnings,
errors) go to a log file, qemu.log next to the kernel, not to the terminal;
run.py names the file when QEMU wrote something there and shows its last
lines when QEMU failed.

With --record OUT.mp4 the run is headless: screendumps are taken through
QMP at --record-fps (compressed PPMs in a temporary directory), the sound
goes to a WAV capture, and when QEMU ends ffmpeg muxes both into OUT.mp4.

Run `tools/run.py --help` for the options; README.md shows typical uses.
"""
import argparse
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from qmp import QMP, QMPError  # noqa: E402

QEMU = "qemu-system-riscv64"
EXIT_TIMEOUT = 124
# Seconds QEMU gets to quit after QMP "quit" before it is killed.
QUIT_GRACE_S = 2.5
KILL_WAIT_S = 5

# The host output latency per audiodev backend, in ms: from a TX period's
# completion (QEMU's 10 ms audio timer copied it into the mixer) to its sound
# leaving the host. The guest's audio clock subtracts it (bootarg
# audio_latency_ms; docs/audio.md). wav and none take the samples in the
# same timer tick: ~5 ms, calibrated by tests/e2e/test_player.py's A/V sync.
# The sound servers also hold the stream's buffer, which run.py sets to
# SERVER_LATENCY_US (QEMU's own default is 46 ms): 5 + 50. alsa (QEMU's
# default buffer) and sdl (SDL's 1024-frame buffer) are estimates, not
# measured.
SERVER_LATENCY_US = 50000
LATENCY_MS = {"wav": 5, "none": 5, "pa": 55, "pipewire": 55, "alsa": 55, "sdl": 30}

# --display terminal: QEMU's multiplexer on stdio quits on Ctrl-A x
# (Ctrl-A Ctrl-A sends one ^A to the guest, Ctrl-A h lists its keys).
QUIT_KEYS = "Ctrl-A x"
# Written to the host terminal when a --display terminal run ends: the end
# of a synchronized update the guest may have begun (ESC[?2026l), default
# attributes, the cursor shown. A guest killed mid-frame leaves them set.
TERMINAL_RESET = b"\x1b[?2026l\x1b[0m\x1b[?25h"
# console_size=COLSxROWS: each between 1 and this (docs/player.md).
CONSOLE_SIZE_MAX = 999


def say(msg):
    """A line on stderr that never fails (the terminal may be gone: SIGHUP)."""
    try:
        print(msg, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def die(msg, status=2):
    say(f"run.py: {msg}")
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
            "  In this terminal: tools/run.py --display terminal --audio auto ...\n"
            "  Run headless:     tools/run.py --display none ...\n"
            "  Or record it:     tools/run.py --display none --record out.mp4 ...\n"
            "                    (make record: the demo clip into build/demo.mp4)")
    known = qemu_lists("display")
    for ui in ("gtk", "sdl"):
        if ui in known:
            return ui
    die("this QEMU has neither the gtk nor the sdl display; install qemu-system-gui "
        "(tools/deps.sh does)")


# ---- choosing the host audio backend (--audio auto) -------------------------

def runtime_dir(env):
    return env.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}"


def unix_socket_answers(path):
    """'' when a server accepts connections on the unix socket, else why not."""
    if not os.path.exists(path):
        return f"{path}: no such socket"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect(path)
        return ""
    except OSError as e:
        return f"{path}: {e.strerror or e}".lower()
    finally:
        s.close()


def pulse_server(env, pactl="pactl"):
    """(True, what answered) when a PulseAudio-protocol server (PulseAudio, or
    PipeWire's pipewire-pulse) answers, else (False, why not). Asks it with
    `pactl info`; without pactl, tries to connect to its socket."""
    where = env.get("PULSE_SERVER") or os.path.join(runtime_dir(env), "pulse", "native")
    if shutil.which(pactl, path=env.get("PATH", os.defpath)):
        try:
            p = subprocess.run([pactl, "info"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, timeout=5)
        except (OSError, subprocess.TimeoutExpired) as e:
            return False, f"pactl info: {e}"
        info = dict(l.split(": ", 1) for l in p.stdout.splitlines() if ": " in l)
        if p.returncode != 0 or "Server Name" not in info:
            why = p.stdout.strip().splitlines()[-1:] or [f"status {p.returncode}"]
            return False, f"{where}: {why[0]}"
        server = info.get("Server String", where)
        sink = info.get("Default Sink", "")
        return True, f"{info['Server Name']} {info.get('Server Version', '')}".strip() + \
            f" at {server}" + (f", sink {sink}" if sink else "")
    path = where[5:] if where.startswith("unix:") else where
    if not path.startswith("/"):
        return True, f"PULSE_SERVER={where} (not checked: no pactl)"
    why = unix_socket_answers(path)
    return (False, why) if why else (True, f"PulseAudio server at {path}")


def playback_cards(snd_dir):
    """ALSA playback devices (pcmC<card>D<dev>p) under snd_dir."""
    try:
        return sorted(n for n in os.listdir(snd_dir)
                      if n.startswith("pcmC") and n.endswith("p"))
    except OSError:
        return []


def choose_audio_backend(known, env=None, snd_dir="/dev/snd", pactl="pactl"):
    """The first host audio output that works, as (backend, why), or (None,
    why none does). `known`: the backends this QEMU has. A sound server
    counts only when it answers; alsa and sdl only with a playback device
    (sdl without one just fails with ALSA errors)."""
    env = os.environ if env is None else env
    why_not = []
    ok, what = pulse_server(env, pactl)
    if ok and "pa" in known:
        return "pa", what
    why_not.append(f"QEMU has no pa backend ({what})" if ok
                   else f"no PulseAudio server ({what})")
    pw = env.get("PIPEWIRE_REMOTE") or os.path.join(runtime_dir(env), "pipewire-0")
    if not pw.startswith("/"):
        pw = os.path.join(runtime_dir(env), pw)
    failed = unix_socket_answers(pw)
    if not failed and "pipewire" in known:
        return "pipewire", f"PipeWire at {pw}"
    why_not.append(f"no PipeWire ({failed or 'QEMU has no pipewire backend'})")
    cards = playback_cards(snd_dir)
    for backend in ("alsa", "sdl"):
        if cards and backend in known:
            return backend, f"no sound server; sound card {os.path.join(snd_dir, cards[0])}"
    why_not.append(f"no sound card ({snd_dir} has no playback device)" if not cards
                   else "QEMU has neither alsa nor sdl")
    return None, "; ".join(why_not)


def audio_config(args):
    """(-audiodev value, the backend's latency estimate in ms) for --audio."""
    rate = f"out.frequency={args.audio_rate}"
    if args.audio == "none":
        return "none,id=snd0", LATENCY_MS["none"]
    if args.audio.startswith("wav:"):
        path = args.audio[4:]
        if not path:
            die("--audio wav:PATH needs a path")
        return f"wav,id=snd0,path={path},{rate}", LATENCY_MS["wav"]
    if args.audio.startswith("audiodev:"):
        # A raw QEMU -audiodev spec, for tests of hosts whose audio fails or
        # stalls (docs/audio.md), e.g. audiodev:alsa,out.dev=nosuchcard.
        spec = args.audio[len("audiodev:"):]
        return spec + ",id=snd0", LATENCY_MS.get(spec.split(",")[0], LATENCY_MS["none"])
    if args.audio != "auto":
        die(f"--audio wants auto, none or wav:PATH, not {args.audio!r}")
    backend, why = choose_audio_backend(qemu_lists("audiodev"))
    if not backend:
        say(f"run.py: audio: none, playing silently: {why}")
        return "none,id=snd0", LATENCY_MS["none"]
    say(f"run.py: audio: {backend} ({why})")
    opts = f"{backend},id=snd0,{rate}"
    if backend in ("pa", "pipewire"):
        opts += f",out.latency={SERVER_LATENCY_US}"
    return opts, LATENCY_MS[backend]


def build_command(args, control_qmp):
    cmd = [QEMU, "-machine", "virt" + (f",dumpdtb={args.dumpdtb}" if args.dumpdtb else ""),
           "-cpu", "rv64", "-smp", str(args.smp), "-m", args.memory,
           "-bios", "default", "-no-reboot",
           "-global", "virtio-mmio.force-legacy=false"]
    if not args.dumpdtb:
        if not os.path.exists(args.kernel):
            die(f"kernel {args.kernel} does not exist (run make)")
        cmd += ["-kernel", args.kernel]

    audiodev, latency_ms = audio_config(args)
    # The kernel takes the first occurrence of a word: --append's own
    # audio_latency_ms=N, when given, wins over run.py's.
    size = f"console_size={args.console_size}" if args.console_size else ""
    bootargs = " ".join(w for w in (args.append.strip(), f"audio_latency_ms={latency_ms}", size)
                        if w)
    if args.cmd is not None:
        # cmd= must come last: the kernel gives it the rest of the line.
        if "\n" in args.cmd:
            die("--cmd must be a single line")
        bootargs += " cmd=" + args.cmd
    if not args.dumpdtb:
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
    if args.display != "terminal":
        # The terminal has no screen: without a GPU the guest has no
        # /dev/fb0 (the player plays as text by itself) and does not draw
        # the console a second time where nobody sees it.
        cmd += ["-device", f"virtio-gpu-device,xres={width},yres={height}"]
    cmd += ["-device", "virtio-keyboard-device"]
    cmd += ["-audiodev", audiodev, "-device", "virtio-sound-device,audiodev=snd0"]

    if args.display in ("none", "terminal"):
        cmd += ["-display", "none"]
    elif args.display == "window":
        cmd += ["-display", pick_display()]
    else:
        die(f"--display wants window, terminal or none, not {args.display!r}")

    if args.display == "terminal":
        # The monitor multiplexed on stdio: raw terminal without signals
        # (QEMU's stdio signal=off), Ctrl-A x quits.
        cmd += ["-serial", "mon:stdio"]
    elif args.serial == "stdio":
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


# ---- running QEMU: signals, waiting, stopping, the log, the terminal ---------

class Signals:
    """SIGINT, SIGTERM and SIGHUP as notes, not actions. The handler only
    appends to `received`; signal.set_wakeup_fd makes the C-level handler
    write a byte to a pipe, so a select() on `fd` in the main loop returns at
    once and the main loop does the shutdown. (Waiting for QEMU inside a
    handler deadlocks: the interrupted main thread holds Popen's wait lock.)"""

    NAMES = {signal.SIGINT: "SIGINT", signal.SIGTERM: "SIGTERM", signal.SIGHUP: "SIGHUP"}

    def __init__(self):
        self.received = []
        self.fd, wfd = os.pipe()
        os.set_blocking(self.fd, False)
        os.set_blocking(wfd, False)
        signal.set_wakeup_fd(wfd, warn_on_full_buffer=False)
        for signum in self.NAMES:
            signal.signal(signum, self._note)

    def _note(self, signum, frame):
        self.received.append(signum)

    def drain(self):
        try:
            while os.read(self.fd, 512):
                pass
        except BlockingIOError:
            pass


def pidfd_of(proc):
    """A file descriptor that becomes readable when the process exits, or
    None (kernel before 5.3): then the wait polls every 100 ms."""
    try:
        return os.pidfd_open(proc.pid)
    except (AttributeError, OSError):
        return None


def wait_for(proc, pidfd, signals, until=None, seen=0):
    """Wait until QEMU has exited, the monotonic time `until` has passed, or
    more than `seen` signals have arrived. Returns QEMU's exit status, or None
    while it runs. Only the main thread ever waits for QEMU."""
    while True:
        status = proc.poll()
        if status is not None or len(signals.received) > seen:
            return status
        left = None if until is None else until - time.monotonic()
        if left is not None and left <= 0:
            return None
        if pidfd is None:
            left = 0.1 if left is None else min(left, 0.1)
        fds = [signals.fd] + ([pidfd] if pidfd is not None else [])
        select.select(fds, [], [], left)
        signals.drain()


def stop_qemu(proc, pidfd, control_qmp, signals):
    """Ask QEMU to quit through QMP (so capture files get finished), wait
    QUIT_GRACE_S, then kill it; a further signal meanwhile kills at once.
    Returns QEMU's status once reaped; gives up (saying so) if even SIGKILL
    takes longer than KILL_WAIT_S (a process stuck in the host kernel)."""
    seen = len(signals.received)
    if proc.poll() is None and control_qmp:
        try:
            q = QMP(control_qmp, connect_timeout=1, io_timeout=1.5)
            q.command("quit")
            q.close()
        except (QMPError, OSError):
            pass             # gone already, or hung: the kill below deals with it
    if wait_for(proc, pidfd, signals, time.monotonic() + QUIT_GRACE_S, seen) is None:
        proc.kill()
        if wait_for(proc, pidfd, signals, time.monotonic() + KILL_WAIT_S, float("inf")) is None:
            say(f"run.py: QEMU (pid {proc.pid}) is killed but has not ended; not waiting")
            return -signal.SIGKILL
    return proc.wait()


# Lines QEMU prints on every such run, which tell the user nothing: the
# signal that ended it (Ctrl-C), and the wav backend's lack of an input
# (virtio-sound always asks for one). A log of only these is not kept.
QEMU_NOTHING_NEW = ("terminating on signal",
                    "Could not create a backend for voice `virtio-sound.in'")


class QemuLog:
    """QEMU's stderr goes into tmpdir/qemu.log while it runs; if it wrote
    something worth reading, that is kept as `path` (replacing an earlier
    run's log only then; a run killed outright leaves nothing but tmpdir)."""

    def __init__(self, tmpdir, path):
        self.tmp, self.path = os.path.join(tmpdir, "qemu.log"), path
        self.file = open(self.tmp, "wb")

    def finish(self, status, stopped):
        """Say where QEMU's messages are; with its last lines when it failed
        (exited non-zero without being stopped by run.py)."""
        self.file.close()
        with open(self.tmp, "rb") as f:
            lines = f.read().decode("utf-8", "replace").splitlines()
        if all(any(n in line for n in QEMU_NOTHING_NEW) for line in lines):
            return
        self._keep()
        if status != 0 and not stopped:
            say(f"run.py: QEMU exited with status {status}; the end of its messages "
                f"({self.path}):")
            for line in lines[-8:]:
                say(f"  {line}")
        else:
            say(f"run.py: QEMU's messages ({len(lines)} line{'s'[:len(lines) > 1]}): "
                f"{self.path}")

    def _keep(self):
        """Copy to path atomically (parallel runs each leave a whole log)."""
        for path in (self.path, os.path.join(tempfile.gettempdir(), f"qemu-{os.getpid()}.log")):
            part = f"{path}.{os.getpid()}.part"
            try:
                shutil.copyfile(self.tmp, part)
                os.replace(part, path)
                self.path = path
                return
            except OSError:
                try:
                    os.unlink(part)
                except OSError:
                    pass
        self.path = self.tmp


class Terminal:
    """The terminal settings from before QEMU (-serial stdio) put the
    terminal into raw mode, put back however QEMU ended: a killed QEMU
    cannot restore them itself. Only for the terminal's foreground group.
    With `reset` (--display terminal) the guest's leftovers on the screen
    are ended too (TERMINAL_RESET), when stdout is a terminal."""

    def __init__(self, serial_is_stdio, reset=False):
        self.saved = None
        self.reset = reset and os.isatty(1)
        try:
            if serial_is_stdio and os.isatty(0) and os.tcgetpgrp(0) == os.getpgrp():
                self.saved = termios.tcgetattr(0)
        except (OSError, termios.error):
            pass

    def restore(self):
        if self.reset:
            try:
                os.write(1, TERMINAL_RESET)
            except OSError:
                pass         # the terminal is gone (SIGHUP)
        if self.saved is None:
            return
        try:
            if os.tcgetpgrp(0) == os.getpgrp():
                termios.tcsetattr(0, termios.TCSADRAIN, self.saved)
        except (OSError, termios.error):
            pass             # the terminal is gone (SIGHUP)


def console_size(args):
    """COLSxROWS for the bootarg console_size: --console-size, else with
    --display terminal the host terminal's size (stdout's, else stdin's),
    else None (the kernel keeps its default)."""
    if args.console_size:
        try:
            cols, rows = (int(v) for v in args.console_size.lower().split("x"))
        except ValueError:
            cols = rows = 0
        if not (1 <= cols <= CONSOLE_SIZE_MAX and 1 <= rows <= CONSOLE_SIZE_MAX):
            die(f"--console-size wants COLSxROWS (1..{CONSOLE_SIZE_MAX} each), "
                f"not {args.console_size!r}")
        return f"{cols}x{rows}"
    if args.display != "terminal":
        return None
    for fd in (1, 0):
        try:
            size = os.get_terminal_size(fd)
        except OSError:
            continue
        if size.columns > 0 and size.lines > 0:
            return f"{min(size.columns, CONSOLE_SIZE_MAX)}x{min(size.lines, CONSOLE_SIZE_MAX)}"
    return None


# ---- --record ---------------------------------------------------------------

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
                    say("run.py: record: cannot connect to QMP")
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
                say(f"run.py: record: {len(self.shots)} screendumps")
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

    def finish(self, out_path, abandon, quick=False):
        """Encode what was captured into out_path; True when written.
        abandon() true (a signal during the encoding) stops ffmpeg and
        removes the partial file. quick (the run was interrupted: the user
        wants to be done) encodes ~3x faster into a bigger file."""
        self.stop.set()
        self.thread.join(timeout=10)
        if not self.shots:
            say("run.py: record: no screendumps were taken")
            return False
        t0 = self.shots[0][0]
        slots = int((self.shots[-1][0] - t0) * self.fps) + 1
        cmd = ["ffmpeg", "-y", "-loglevel", "error", "-f", "image2pipe", "-framerate",
               str(self.fps), "-c:v", "ppm", "-i", "-"]
        have_audio = self.audio_t is not None and os.path.exists(self.wav)
        if have_audio:
            cmd += ["-itsoffset", "%.3f" % max(0.0, self.audio_t - t0), "-i", self.wav,
                    "-map", "0:v", "-map", "1:a", "-c:a", "aac", "-b:a", "160k"]
        cmd += ["-c:v", "libx264", "-preset", "ultrafast" if quick else "veryfast",
                "-pix_fmt", "yuv420p", out_path]
        say(f"run.py: record: encoding {slots} frames ({slots / self.fps:.1f} s) "
            f"into {out_path}")
        # Before the guest sets up its scanout QEMU shows a 640x480
        # placeholder; ffmpeg would scale everything to the first size, so
        # such frames become black at the final size.
        with open(self.shots[-1][1], "rb") as f:
            size = ppm_size(zlib.decompress(f.read()))
        black = b"P6\n%d %d\n255\n" % size + bytes(3 * size[0] * size[1])
        # Its own session: a Ctrl-C in the terminal is run.py's to handle.
        ff = subprocess.Popen(cmd, stdin=subprocess.PIPE, start_new_session=True)
        j = 0
        try:
            for i in range(slots):
                if abandon():
                    return self._abandon(ff, out_path)
                while j + 1 < len(self.shots) and self.shots[j + 1][0] <= t0 + i / self.fps:
                    j += 1
                with open(self.shots[j][1], "rb") as f:
                    frame = zlib.decompress(f.read())
                ff.stdin.write(frame if ppm_size(frame) == size else black)
                if i and i % (10 * self.fps) == 0:
                    say(f"run.py: record: {i}/{slots} frames encoded")
            ff.stdin.close()
        except BrokenPipeError:
            pass
        while ff.poll() is None:
            if abandon():
                return self._abandon(ff, out_path)
            time.sleep(0.02)
        status = ff.returncode
        if status:
            say(f"run.py: record: ffmpeg failed ({status})")
            return False
        sound = (f", sound from {max(0.0, self.audio_t - t0):.3f} s" if have_audio
                 else ", no sound")
        say(f"run.py: record: wrote {out_path} ({len(self.shots)} screendumps{sound})")
        return True

    @staticmethod
    def _abandon(ff, out_path):
        ff.kill()
        ff.wait()
        try:
            os.unlink(out_path)
        except OSError:
            pass
        say(f"run.py: record: encoding abandoned; {out_path} not written")
        return False


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernel", default=os.path.join(ROOT, "build", "kernel.elf"))
    ap.add_argument("--disk", default=None,
                    help="raw disk image for virtio-blk, or none (default build/hdd.dsk "
                         "when it exists)")
    ap.add_argument("--display", default="none",
                    help="window, terminal (the guest's console on this terminal, raw; "
                         f"{QUIT_KEYS} quits) or none (default none)")
    ap.add_argument("--audio", default="none",
                    help="auto (the host's sound server or card, said in one line), none or "
                         "wav:PATH (default none); audiodev:SPEC passes a QEMU -audiodev "
                         "spec as is (tests)")
    ap.add_argument("--console-size", metavar="COLSxROWS",
                    help="the serial console's size told to the guest (bootarg "
                         "console_size); default with --display terminal: this terminal's")
    ap.add_argument("--qemu-log", metavar="PATH",
                    help="where QEMU's own messages are kept when it wrote any "
                         "(default: qemu.log next to the kernel)")
    ap.add_argument("--audio-rate", type=int, default=44100,
                    help="host-side sample rate in Hz (default 44100); a WAV capture "
                         "is bit-exact only when it equals the rate the guest plays")
    ap.add_argument("--qmp", help="also serve QMP on this unix socket path")
    ap.add_argument("--serial", default="stdio", help="stdio or a file path (default stdio)")
    ap.add_argument("--cmd", help="command line to run instead of the interactive shell; "
                                  "the machine then powers off with its exit status")
    ap.add_argument("--append", default="",
                    help="extra kernel bootargs (audio_latency_ms=N overrides run.py's "
                         "estimate for the audio backend)")
    ap.add_argument("--resolution", default="1280x720", help="WxH (default 1280x720)")
    ap.add_argument("--timeout", type=float, default=0,
                    help="seconds before QEMU is stopped and run.py exits 124")
    ap.add_argument("--gdb", action="store_true",
                    help="start halted with a gdb server on localhost:1234")
    ap.add_argument("--smp", type=int, default=2, help="harts (default 2; one boots)")
    ap.add_argument("--memory", default="256M", help="RAM size (default 256M)")
    ap.add_argument("--dumpdtb", help="write the machine's device tree blob here and exit")
    ap.add_argument("--record", metavar="OUT.mp4",
                    help="headless run captured into OUT.mp4 (screendumps + WAV, ffmpeg); "
                         "Ctrl-C ends it and still writes what was captured")
    ap.add_argument("--record-fps", type=int, default=30,
                    help="screendumps per second for --record (default 30: the clip's rate)")
    ap.add_argument("--print-command", action="store_true",
                    help="print the QEMU command line before running it")
    return ap.parse_args()


def make_recorder(args, tmpdir):
    """The Recorder for --record (its sound: a WAV capture), or None."""
    if not args.record:
        return None
    if not shutil.which("ffmpeg"):
        die("--record needs ffmpeg (tools/deps.sh installs it)")
    if args.display != "none":
        die("--record runs headless: leave out --display")
    if args.record_fps <= 0:
        die("--record-fps must be positive")
    wav = args.audio[4:] if args.audio.startswith("wav:") else os.path.join(tmpdir, "rec.wav")
    args.audio = "wav:" + wav
    return Recorder(os.path.join(tmpdir, "record.sock"), wav, tmpdir, args.record_fps)


def run(args, tmpdir, signals):
    """Start QEMU, wait for it (or a signal, or the timeout), clean up;
    returns run.py's exit status."""
    control_qmp = None if args.dumpdtb else os.path.join(tmpdir, "control.sock")
    recorder = make_recorder(args, tmpdir)
    cmd = build_command(args, control_qmp)
    if recorder:
        cmd += ["-qmp", f"unix:{recorder.qmp_path},server=on,wait=off"]
    if args.print_command:
        say(" ".join(cmd))
    if args.gdb:
        say("run.py: QEMU waits for gdb on localhost:1234; in another terminal:\n"
            f"  gdb-multiarch {args.kernel} -ex 'target remote localhost:1234'")
    if signals.received:
        return 128 + signals.received[0]

    log = QemuLog(tmpdir, args.qemu_log or
                  os.path.join(os.path.dirname(os.path.abspath(args.kernel)), "qemu.log"))
    terminal = Terminal(args.serial == "stdio", reset=args.display == "terminal")
    if args.display == "terminal":
        size = f" ({args.console_size})" if args.console_size else ""
        say(f"run.py: the guest's console is this terminal{size}: {QUIT_KEYS} quits QEMU")
    try:
        proc = subprocess.Popen(cmd, stderr=log.file)
    except OSError as e:
        die(f"cannot start {QEMU}: {e}")
    pidfd = pidfd_of(proc)
    if recorder:
        recorder.start()

    until = time.monotonic() + args.timeout if args.timeout > 0 and not args.gdb else None
    status = wait_for(proc, pidfd, signals, until)
    stopped = status is None
    if stopped:
        if signals.received:
            say(f"\nrun.py: {Signals.NAMES[signals.received[0]]}: stopping QEMU")
        else:
            say(f"\nrun.py: timed out after {args.timeout:g} s")
        status = stop_qemu(proc, pidfd, control_qmp, signals)
    if pidfd is not None:
        os.close(pidfd)
    terminal.restore()
    log.finish(status, stopped or bool(signals.received))
    if args.qmp and os.path.exists(args.qmp):
        os.unlink(args.qmp)  # QEMU's socket, dead now

    if recorder:
        seen = len(signals.received)
        if not recorder.finish(args.record, lambda: len(signals.received) > seen, quick=seen > 0):
            status = status or 1
    if signals.received:
        return 128 + signals.received[0]
    if stopped:
        return EXIT_TIMEOUT
    if status < 0:
        return 128 - status
    return status


def main():
    signals = Signals()      # first: from here on a signal ends run.py cleanly
    args = parse_args()
    if not shutil.which(QEMU):
        die(f"{QEMU} not found: run tools/deps.sh (or make, which runs it)")
    if args.audio_rate <= 0:
        die("--audio-rate must be positive")
    if args.display == "terminal" and args.serial != "stdio":
        die("--display terminal is the serial console on this terminal: leave out --serial")
    args.console_size = console_size(args)
    args.disk_given = args.disk is not None
    if args.disk is None:
        args.disk = os.path.join(ROOT, "build", "hdd.dsk")
    if args.qmp and os.path.exists(args.qmp):
        os.unlink(args.qmp)
    tmpdir = tempfile.mkdtemp(prefix="run-")
    try:
        return run(args, tmpdir, signals)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
