"""tests/e2e/test_runpy.py — tools/run.py as a user meets it: Ctrl-C (SIGINT
to the process group, or ^C typed on a terminal), SIGTERM and SIGHUP end it
and QEMU within seconds with 128 + the signal, headless and while
recording (the recording up to then is written); the terminal comes back
sane even when QEMU dies without restoring it; temporary files are gone;
QEMU's stderr goes to a log file; the audio latency estimate run.py chose
reaches the player; --audio auto plays through a real PulseAudio server
and falls back to none, in one line, when the server is gone. --display
terminal: the guest's console on the (pseudo-)terminal in raw mode, ^C
for the guest, Ctrl-A x quits, the terminal's size told to the guest, the
terminal put back on every ending; over a pipe too."""
import fcntl
import importlib.util
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time

from harness import BUILD, KERNEL, ROOT, RUN_PY, DiskCopy, Machine, run

DISK = os.path.join(BUILD, "hdd.dsk")
SIGNALS = {"SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM, "SIGHUP": signal.SIGHUP}
ENDS_WITHIN_S = 5.0


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def qemu_of(pid):
    """(QEMU's pid, run.py's temporary directory, from QEMU's command line)."""
    for child in children(pid):
        with open(f"/proc/{child}/cmdline", "rb") as f:
            argv = f.read().decode().split("\0")
        if os.path.basename(argv[0]).startswith("qemu-system"):
            sock = next(a for a in argv if a.endswith("/control.sock,server=on,wait=off"))
            return child, os.path.dirname(sock[len("unix:"):])
    raise AssertionError(f"no QEMU among run.py's children {children(pid)}")


def signal_and_time(m, name, group):
    """Send the signal (to run.py's process group: what Ctrl-C does, or to
    run.py alone); returns (run.py's status, seconds until it ended, QEMU's
    pid, run.py's temporary directory)."""
    qemu, tmpdir = qemu_of(m.proc.pid)
    t0 = time.monotonic()
    if group:
        os.killpg(m.proc.pid, SIGNALS[name])
    else:
        os.kill(m.proc.pid, SIGNALS[name])
    status = m.wait(timeout=20)
    return status, time.monotonic() - t0, qemu, tmpdir


def check_ended(name, status, took, qemu, tmpdir, out):
    assert status == 128 + SIGNALS[name], f"{name}: status {status}\n{out[-1500:]}"
    assert took < ENDS_WITHIN_S, f"{name}: run.py took {took:.1f} s to end"
    # Reaped by run.py: no zombie left, nothing running.
    assert not os.path.exists(f"/proc/{qemu}"), f"{name}: QEMU {qemu} still there"
    assert not os.path.exists(tmpdir), f"{name}: {tmpdir} left behind"
    print(f"{name}: run.py ended in {took:.2f} s with {status}")


def headless(name, group):
    with Machine(timeout=120) as m:
        m.expect(r"kernel> ", timeout=60)
        status, took, qemu, tmpdir = signal_and_time(m, name, group)
        check_ended(name, status, took, qemu, tmpdir, m.text)
        assert f"run.py: {name}: stopping QEMU" in m.text, m.tail()


def test_ctrl_c_to_the_process_group_ends_a_headless_run():
    headless("SIGINT", group=True)


def test_sigterm_ends_a_headless_run():
    headless("SIGTERM", group=False)


def test_sighup_ends_a_headless_run():
    headless("SIGHUP", group=False)


def video_frames(path):
    p = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
                        "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
    assert p.returncode == 0, p.stdout
    return int(p.stdout.strip() or 0)


def recording(name, group):
    with tempfile.TemporaryDirectory() as out_dir:
        out = os.path.join(out_dir, "rec.mp4")
        # A small screen at 10 fps: what is checked is the ending, and the
        # encoding of what was captured counts in the time allowed.
        with Machine(timeout=120, resolution="640x480",
                     extra_args=["--record", out, "--record-fps", "10"]) as m:
            m.expect(r"kernel> ", timeout=60)
            time.sleep(1.5)
            status, took, qemu, tmpdir = signal_and_time(m, name, group)
            check_ended(name, status, took, qemu, tmpdir, m.text)
            assert re.search(r"run\.py: record: wrote .*rec\.mp4", m.text), m.tail()
        assert video_frames(out) > 0


def test_ctrl_c_to_the_process_group_ends_a_recording_which_is_written():
    recording("SIGINT", group=True)


def test_sigterm_ends_a_recording_which_is_written():
    recording("SIGTERM", group=False)


def test_sighup_ends_a_recording_which_is_written():
    recording("SIGHUP", group=False)


class OnTerminal:
    """run.py on a pseudo-terminal of its own (its controlling terminal, its
    process group in the foreground): what a user's shell gives it."""

    def __init__(self, args, size=None, argv=None, env=None):
        """run.py with args, or argv (another command: make demo), on a
        pty of `size` (columns, rows)."""
        self.master, self.slave = os.openpty()
        if size:
            fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.sane = termios.tcgetattr(self.slave)
        # setsid --ctty: a new session whose controlling terminal is stdin.
        self.proc = subprocess.Popen(["setsid", "--ctty"] + (argv or [sys.executable, RUN_PY] + args),
                                     stdin=self.slave, stdout=self.slave, stderr=self.slave,
                                     env=env)
        self.output = b""
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self.lock:
                self.output += chunk

    def expect(self, pattern, timeout=60):
        deadline = time.monotonic() + timeout
        while not re.search(pattern, self.output):
            assert time.monotonic() < deadline and self.proc.poll() is None, self.output[-1500:]
            time.sleep(0.05)

    def close(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        os.close(self.slave)
        os.close(self.master)


def test_ctrl_c_typed_on_the_terminal_ends_run_py_and_leaves_it_sane():
    t = OnTerminal(["--disk", "none", "--serial", "stdio", "--timeout", "120"])
    try:
        t.expect(rb"kernel> ")
        qemu, tmpdir = qemu_of(t.proc.pid)
        raw = termios.tcgetattr(t.slave)
        assert not raw[3] & termios.ICANON, "QEMU did not put the terminal in raw mode"
        t0 = time.monotonic()
        os.write(t.master, b"\x03")          # ^C: SIGINT to the foreground group
        status = t.proc.wait(timeout=20)
        check_ended("SIGINT", status, time.monotonic() - t0, qemu, tmpdir,
                    t.output.decode(errors="replace"))
        assert termios.tcgetattr(t.slave) == t.sane
    finally:
        t.close()


def test_terminal_is_restored_when_qemu_dies_without_restoring_it():
    # QEMU killed outright cannot put the terminal back; run.py must.
    t = OnTerminal(["--disk", "none", "--serial", "stdio", "--timeout", "120"])
    try:
        t.expect(rb"kernel> ")
        qemu, _ = qemu_of(t.proc.pid)
        os.kill(qemu, signal.SIGKILL)
        status = t.proc.wait(timeout=20)
        assert status == 128 + signal.SIGKILL, status
        lflag = termios.tcgetattr(t.slave)[3]
        assert lflag & termios.ICANON and lflag & termios.ECHO, "terminal left raw"
        assert termios.tcgetattr(t.slave) == t.sane
    finally:
        t.close()


# ---- --display terminal ---------------------------------------------------------

RESET = b"\x1b[?2026l\x1b[0m\x1b[?25h"     # run.py's TERMINAL_RESET


def on_terminal_display(disk, size=(100, 30)):
    """run.py --display terminal on a pty of `size`, booted to the shell."""
    t = OnTerminal(["--display", "terminal", "--disk", disk, "--timeout", "120"], size=size)
    t.expect(rb"/ \$ ", timeout=90)
    return t


def test_terminal_display_is_raw_sized_and_quits_on_ctrl_a_x():
    with DiskCopy() as disk:
        t = on_terminal_display(disk.path)
        try:
            raw_sized_and_quits(t)
        finally:
            t.close()


def raw_sized_and_quits(t):
    out = t.output.decode(errors="replace")
    assert "run.py: the guest's console is this terminal (100x30): Ctrl-A x quits QEMU" \
        in out, out[-1500:]
    assert re.search(r'bootargs: ".*console_size=100x30', out), out[-1500:]
    assert "screen: no display" in out, "a GPU nobody sees: " + out[-1500:]
    lflag = termios.tcgetattr(t.slave)[3]
    assert not lflag & (termios.ISIG | termios.ICANON | termios.ECHO), \
        "the terminal is not raw: ^C would be a signal to run.py"
    # ^C is a byte for the guest: it interrupts the guest's sleep, and
    # run.py and QEMU go on.
    os.write(t.master, b"sleep 30\r")
    t.expect(rb"sleep 30\r*\n", timeout=20)
    time.sleep(1)
    mark = len(t.output)
    os.write(t.master, b"\x03")
    deadline = time.monotonic() + 20
    while not re.search(rb"\^C.*/ \$ ", t.output[mark:], re.S):
        assert time.monotonic() < deadline, t.output[-800:]
        assert t.proc.poll() is None, f"run.py ended on ^C: {t.proc.returncode}"
        time.sleep(0.05)
    os.write(t.master, b"echo still here\r")
    t.expect(rb"still here\r*\n/ \$ ", timeout=20)
    qemu, tmpdir = qemu_of(t.proc.pid)
    os.write(t.master, b"\x01x")       # Ctrl-A x
    status = t.proc.wait(timeout=20)
    assert status == 0, (status, t.output[-800:])
    assert not os.path.exists(f"/proc/{qemu}") and not os.path.exists(tmpdir)
    assert termios.tcgetattr(t.slave) == t.sane
    time.sleep(0.2)
    assert t.output.endswith(RESET), t.output[-200:]


def terminal_display_ended(how):
    with DiskCopy() as disk:
        t = on_terminal_display(disk.path, size=(80, 24))
        try:
            ended(t, how)
        finally:
            t.close()


def ended(t, how):
    qemu, tmpdir = qemu_of(t.proc.pid)
    assert not termios.tcgetattr(t.slave)[3] & termios.ICANON
    if how == "QEMU killed":
        os.kill(qemu, signal.SIGKILL)
        want = 128 + signal.SIGKILL
    else:
        os.kill(t.proc.pid, SIGNALS[how])
        want = 128 + SIGNALS[how]
    status = t.proc.wait(timeout=20)
    assert status == want, (how, status, t.output[-800:])
    assert termios.tcgetattr(t.slave) == t.sane, f"{how}: terminal not restored"
    time.sleep(0.2)
    assert RESET in t.output[-200:], (how, t.output[-200:])
    assert not os.path.exists(tmpdir)


def test_terminal_display_restored_on_sigterm():
    terminal_display_ended("SIGTERM")


def test_terminal_display_restored_on_sighup():
    terminal_display_ended("SIGHUP")


def test_terminal_display_restored_when_qemu_is_killed():
    terminal_display_ended("QEMU killed")


def test_terminal_display_over_a_pipe():
    # No terminal (a test, a script): the console is the pipe; the size
    # only when asked for; the quit keys work in the byte stream too.
    status, out = run("echo piped", extra_args=["--display", "terminal",
                                                "--console-size", "123x45"])
    assert status == 0, out[-1500:]
    assert re.search(r'bootargs: ".*console_size=123x45 cmd=echo piped"', out), out[-1500:]
    assert "\npiped\n" in out and "\x1b[?2026l" not in out, out[-1500:]
    with Machine(extra_args=["--display", "terminal"], timeout=120) as m:
        m.expect(r"kernel> ", timeout=90)
        assert "console_size" not in m.text
        m.send(b"\x01x")
        assert m.wait(30) == 0, m.tail()
    p = subprocess.run([sys.executable, RUN_PY, "--display", "terminal", "--console-size", "80"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
    assert p.returncode == 2 and "--console-size wants COLSxROWS" in p.stdout, p.stdout


def test_qemu_errors_go_to_a_log_named_with_its_last_lines():
    # A QEMU failure: its message reaches the user through run.py, with the
    # log's name; its stderr is not mixed into the output otherwise.
    with tempfile.TemporaryDirectory() as tmp:
        kernel = os.path.join(tmp, "kernel.elf")
        shutil.copyfile(KERNEL, kernel)
        p = subprocess.run([sys.executable, RUN_PY, "--kernel", kernel, "--disk", "none",
                            "--memory", "1T", "--cmd", "echo hi", "--timeout", "60"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=90)
        log = os.path.join(tmp, "qemu.log")
        assert p.returncode != 0, p.stderr
        with open(log) as f:
            logged = f.read()
        assert logged.strip(), "QEMU's complaint is not in the log"
        assert f"QEMU exited with status {p.returncode}; the end of its messages ({log}):" \
            in p.stderr, p.stderr
        assert logged.strip().splitlines()[-1] in p.stderr, (logged, p.stderr)
        assert sorted(os.listdir(tmp)) == ["kernel.elf", "qemu.log"], os.listdir(tmp)


def load_test_player():
    path = os.path.join(ROOT, "tests", "e2e", "test_player.py")
    spec = importlib.util.spec_from_file_location("test_player_helpers", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_latency_estimate_for_the_backend_reaches_the_player():
    tp = load_test_player()
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    import run as run_py                     # the table run.py passes on
    with tempfile.TemporaryDirectory() as tmp:
        img = tp.disk_with(tmp, {"/media/t.bav": tp.make_clip(os.path.join(tmp, "t.bav"), 1)})
        cmd = "player --stats --no-audio /media/t.bav; player --stats /media/t.bav"
        status, out = run(cmd, disk=img, audio="wav:" + os.path.join(tmp, "c.wav"), timeout=60)
        assert status == 0, out[-2000:]
        want = run_py.LATENCY_MS["wav"]
        assert f"audio: latency estimate {want} ms (bootarg audio_latency_ms)" in out, out[-2000:]
        assert f"latency estimate {want} ms;" in out, out[-2000:]
        stats = [tp.stats_of("player-stats: " + b) for b in out.split("player-stats: ")[1:]]
        assert [s["latency_us"] for s in stats] == [0, want * 1000], stats
        # --append's own value wins; the player's --latency-ms wins over both.
        status, out = run("player --stats /media/t.bav; player --stats --latency-ms 7 /media/t.bav",
                          disk=img, audio="none", append="audio_latency_ms=33", timeout=60)
        assert status == 0, out[-2000:]
        stats = [tp.stats_of("player-stats: " + b) for b in out.split("player-stats: ")[1:]]
        assert [s["latency_us"] for s in stats] == [33000, 7000], stats


class Heard:
    """What the PulseAudio server's null sink `out` plays, captured from its
    monitor (parec) as it comes: seconds of loud (|sample| > 1000) stereo."""

    def __init__(self, env):
        # Small fragments: parec hands over ~2 s at a time by default.
        self.proc = subprocess.Popen(["parec", "--device=out.monitor", "--format=s16le",
                                      "--rate=44100", "--channels=2", "--latency-msec=20"],
                                     env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.loud = 0
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        while True:
            data = self.proc.stdout.read1(65536)
            if not data:
                return
            data = data[:len(data) // 2 * 2]
            self.loud += sum(1 for i in range(0, len(data), 2)
                             if abs(int.from_bytes(data[i:i + 2], "little", signed=True)) > 1000)

    def seconds(self):
        return self.loud / (2 * 44100)

    def until(self, seconds, timeout):
        """Wait (the server may lag on a busy host) until that much was heard."""
        deadline = time.monotonic() + timeout
        while self.seconds() < seconds and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.seconds()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        self.thread.join(5)


def test_auto_plays_through_pulseaudio_then_falls_back_in_one_line():
    sys.path.insert(0, os.path.join(ROOT, "tests", "host"))
    from test_runpy_audio import start_pulseaudio
    with tempfile.TemporaryDirectory(prefix="pa-") as tmp:
        os.chmod(tmp, 0o700)
        disk = os.path.join(tmp, "disk.img")
        shutil.copyfile(DISK, disk)
        env = dict(os.environ, XDG_RUNTIME_DIR=tmp, HOME=tmp)
        for name in ("PULSE_SERVER", "PIPEWIRE_REMOTE"):
            env.pop(name, None)
        server = start_pulseaudio(tmp)
        try:
            heard = Heard(env)
            p = subprocess.run([sys.executable, RUN_PY, "--disk", disk, "--audio", "auto",
                                "--cmd", "tone 440 2", "--timeout", "60"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               timeout=90)
            loud_s = heard.until(1.5, timeout=5)
        finally:
            heard.stop()
            server.terminate()
            server.wait(10)
        assert p.returncode == 0, p.stdout[-2000:]
        lines = [l for l in p.stdout.splitlines() if l.startswith("run.py: audio:")]
        assert len(lines) == 1 and lines[0].startswith("run.py: audio: pa ("), lines
        assert "latency estimate 55 ms" in p.stdout, p.stdout[-2000:]
        print(f"the null sink heard {loud_s:.2f} s of the 2 s tone")
        tone = re.findall(r"tone: .*", p.stdout)
        assert loud_s > 1.5, f"the null sink heard {loud_s:.2f} s of the 2 s tone ({tone})"

        # The server gone: none, said in one line, and no ALSA/PulseAudio noise.
        p = subprocess.run([sys.executable, RUN_PY, "--disk", disk, "--audio", "auto",
                            "--cmd", "tone 440 1", "--timeout", "60"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=90)
        assert p.returncode == 0, p.stdout[-2000:]
        lines = [l for l in p.stdout.splitlines() if l.startswith("run.py: audio:")]
        assert len(lines) == 1 and lines[0].startswith("run.py: audio: none, playing silently: "
                                                       "no PulseAudio server"), lines
        assert not re.search(r"ALSA|pulseaudio:|qemu-system", p.stdout), p.stdout[-2000:]
