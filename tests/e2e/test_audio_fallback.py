"""tests/e2e/test_audio_fallback.py — /dev/audio never stalls its users.

Two hosts whose sound does not work, reproduced headless:
  - a backend whose voice cannot be created: QEMU's alsa audiodev on a PCM
    device that does not exist ("Could not create a backend for voice"),
    so virtio-sound never completes a period;
  - a sound server that stops taking data: a private PulseAudio with a
    null sink, stopped with SIGSTOP while QEMU plays through it, so
    virtio-sound stops completing periods; SIGCONT makes it play again.
    (A suspended sink, `pactl suspend-sink`, is no reliable stall: a fresh
    server was seen to start playing again on its own.)
On both, tone, aplay and the player must finish with status 0 in about
the time their sound lasts (guest time from /dev/stat), the player must
show the clip's frames at its rate and say once that it plays without
sound, and the kernel must log the stall once (and the recovery once).
Before the pacer (audio/pcm_pacer.c) every one of these programs hung.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from harness import Machine, need_pulseaudio

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_player import disk_with, make_clip, stats_of  # noqa: E402
from test_sound import make_wav  # noqa: E402

STALL_LINE = "audio: device stopped completing periods; playing silently on a timer"
RESUME_LINE = "audio: the device completes periods again; sound resumes"
SILENT_LINE = "player: the sound device plays nothing"
CLIP_S, FPS = 3, 30

PROGRAMS = ("cat /dev/stat; tone 440 1; echo tone=$?; cat /dev/stat; "
            "aplay /media/t.wav; echo aplay=$?; cat /dev/stat; "
            "player --stats /media/t.bav; echo player=$?; cat /dev/stat")


class Missing(AssertionError):
    """The host lacks something the test needs: a failure naming it (tools/deps.sh
    installs it), never a silent pass."""


def need_audiodev(name):
    out = subprocess.run(["qemu-system-riscv64", "-audiodev", "help"], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True).stdout
    if name not in out.split():
        raise Missing(f"this QEMU has no {name} audiodev")


def media_disk(tmp):
    wav, _ = make_wav(44100, 2, 44100, seed=14)          # one second
    clip = make_clip(os.path.join(tmp, "t.bav"), CLIP_S)
    return disk_with(tmp, {"/media/t.wav": wav, "/media/t.bav": clip})


def durations(out):
    """Seconds of guest time between successive `cat /dev/stat`."""
    t = [int(v) / 1e9 for v in re.findall(r"uptime_ns (\d+)", out)]
    return [b - a for a, b in zip(t, t[1:])]


def check_programs(out, tone_max_s):
    assert "tone=0" in out and "aplay=0" in out and "player=0" in out, out[-3000:]
    tone_s, aplay_s, player_s = durations(out)[:3]
    assert 0.95 <= tone_s <= tone_max_s, (tone_s, out[-3000:])
    assert 0.95 <= aplay_s <= 1.6, (aplay_s, out[-3000:])
    assert CLIP_S - 0.1 <= player_s <= CLIP_S + 1.2, (player_s, out[-3000:])
    st = stats_of(out)
    frames = CLIP_S * FPS
    assert st["shown"] + st["dropped"] == frames, st
    assert st["dropped"] <= 5, st
    assert out.count(SILENT_LINE) == 1, out[-3000:]
    assert out.count(STALL_LINE) == 1, out[-3000:]
    return tone_s, aplay_s, player_s, st


def test_backend_that_fails_plays_silently_on_time():
    need_audiodev("alsa")
    tmp = tempfile.mkdtemp()
    try:
        log = os.path.join(tmp, "qemu.log")
        with Machine(cmd=PROGRAMS, disk=media_disk(tmp), timeout=60,
                     audio="audiodev:alsa,out.dev=no_such_pcm_device",
                     extra_args=("--qemu-log", log)) as m:
            status = m.wait(timeout=70)
            out = m.text
        assert status == 0, out[-3000:]
        # QEMU's complaint goes to its log (run.py names it), not the terminal.
        assert f"run.py: QEMU's messages" in out and log in out, out[-3000:]
        with open(log) as f:
            assert "Could not create a backend for voice" in f.read()
        assert "Could not create a backend for voice" not in out, out[-3000:]
        tone_s, aplay_s, player_s, st = check_programs(out, tone_max_s=1.6)
        print(f"failing: tone {tone_s:.2f} s, aplay {aplay_s:.2f} s, player {player_s:.2f} s, "
              f"shown {st['shown']} dropped {st['dropped']}")
        assert RESUME_LINE not in out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class PulseNullSink:
    """A private PulseAudio server with one null sink, on a unix socket in
    its own directory (own XDG_RUNTIME_DIR and HOME: no other server is
    touched); stopped by its PID."""

    def __init__(self, tmp):
        self.dir = os.path.join(tmp, "pulse")
        os.makedirs(self.dir)
        self.socket = os.path.join(self.dir, "native")
        self.env = dict(os.environ, XDG_RUNTIME_DIR=self.dir, HOME=self.dir,
                        PULSE_SERVER="unix:" + self.socket)
        self.proc = subprocess.Popen(
            ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1",
             "--use-pid-file=no",
             "-L", "module-null-sink sink_name=fallback_test",
             "-L", f"module-native-protocol-unix socket={self.socket} auth-anonymous=1"],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while not self.pactl("info"):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.stop()
                raise Missing("could not start a private PulseAudio server")
            time.sleep(0.2)

    def pactl(self, *args):
        return subprocess.run(["pactl", *args], env=self.env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=20).returncode == 0

    @property
    def audiodev(self):
        return f"audiodev:pa,server=unix:{self.socket}"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def test_sound_server_that_stalls_plays_silently_then_resumes():
    need_audiodev("pa")
    need_pulseaudio()
    tmp = tempfile.mkdtemp()
    try:
        pulse = PulseNullSink(tmp)
    except Missing:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    # A warm-up tone with the server running; then the server is stopped
    # (SIGSTOP: it takes no more data, QEMU's pa voice stays) for the three
    # programs, and continued (SIGCONT) during the last tone.
    cmd = ("tone 440 1; echo stop-now; sleep 1; " + PROGRAMS +
           "; echo resume-now; cat /dev/stat; tone 440 3; echo tone3=$?; cat /dev/stat")
    stopped = False
    try:
        with Machine(cmd=cmd, disk=media_disk(tmp), timeout=90, audio=pulse.audiodev) as m:
            # (?m)^: the echo's output, not the command line the kernel logs.
            m.expect(r"(?m)^stop-now", timeout=60)
            pulse.proc.send_signal(signal.SIGSTOP)
            stopped = True
            m.expect(r"(?m)^resume-now", timeout=60)
            time.sleep(1.0)
            pulse.proc.send_signal(signal.SIGCONT)
            stopped = False
            status = m.wait(timeout=60)
            out = m.text
        assert status == 0, out[-3000:]
        out = out[re.search(r"(?m)^stop-now", out).start():]
        # QEMU's mixer still takes a few periods of the new run, so the
        # stall is noticed after the longer window (2 s, audio_dev.c): the
        # 1 s tone takes about 3 s; the later programs start on the timer.
        tone_s, aplay_s, player_s, st = check_programs(out, tone_max_s=3.6)
        print(f"stalled: tone {tone_s:.2f} s, aplay {aplay_s:.2f} s, player {player_s:.2f} s, "
              f"shown {st['shown']} dropped {st['dropped']}")
        assert out.count(RESUME_LINE) == 1, out[-3000:]
        resume_at = re.search(r"(?m)^resume-now", out).start()
        assert out.index(STALL_LINE) < resume_at < out.index(RESUME_LINE), out[-3000:]
        assert "tone3=0" in out, out[-3000:]
        tone3_s = durations(out)[-1]
        assert 2.95 <= tone3_s <= 4.5, (tone3_s, out[-3000:])
        print(f"stalled then resumed: tone 3 s took {tone3_s:.2f} s")
        # After the recovery the device paces: the run ends with sound.
        closed = re.findall(r"audio: closed: .*", out)
        assert "silently" not in closed[-1], closed
    finally:
        if stopped:
            pulse.proc.send_signal(signal.SIGCONT)
        pulse.stop()
        shutil.rmtree(tmp, ignore_errors=True)
