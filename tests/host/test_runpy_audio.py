"""tests/host/test_runpy_audio.py — run.py's --audio auto choice
(choose_audio_backend) in made-up host environments: no sound server, a
stale socket, a real PulseAudio server (started here, with a null sink),
a PipeWire socket, /dev/snd with and without a playback device. No QEMU.

Needs pulseaudio and pactl (pulseaudio-utils; tools/deps.sh installs them)."""
import importlib.util
import os
import shutil
import socket
import subprocess
import tempfile
import time

from harness import need_pulseaudio

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ALL = {"none", "alsa", "pa", "pipewire", "sdl", "wav"}


def load_run_py():
    spec = importlib.util.spec_from_file_location("run_py", os.path.join(ROOT, "tools", "run.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


run_py = load_run_py()


def host(tmp, **extra):
    """An environment whose runtime dir is `tmp` (empty unless a test fills
    it), no PULSE_SERVER, and a /dev/snd stand-in without devices."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PULSE_SERVER", "PIPEWIRE_REMOTE", "DISPLAY", "WAYLAND_DISPLAY")}
    env["XDG_RUNTIME_DIR"] = tmp
    env.update(extra)
    snd = os.path.join(tmp, "snd")
    os.makedirs(snd, exist_ok=True)
    return env, snd


def listening_socket(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(4)
    return s


def stale_socket(path):
    """A socket file nobody listens on (a crashed server leaves these)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.close()


def test_nothing_there_means_none_with_every_reason():
    with tempfile.TemporaryDirectory() as tmp:
        env, snd = host(tmp, DISPLAY=":0")
        backend, why = run_py.choose_audio_backend(ALL, env, snd)
        assert backend is None, (backend, why)
        # sdl is not taken just because there is a display: with no server
        # and no card it only prints ALSA errors.
        assert "no PulseAudio server" in why and "no PipeWire" in why, why
        assert "no sound card" in why, why
        assert "\n" not in why


def test_stale_pulse_socket_is_not_a_server():
    with tempfile.TemporaryDirectory() as tmp:
        env, snd = host(tmp)
        os.makedirs(os.path.join(tmp, "pulse"))
        stale_socket(os.path.join(tmp, "pulse", "native"))
        for pactl in ("pactl", "/nonexistent/pactl"):       # asked, then probed
            backend, why = run_py.choose_audio_backend(ALL, env, snd, pactl=pactl)
            assert backend is None and "refused" in why.lower(), (pactl, backend, why)


def test_socket_that_answers_without_pactl_is_taken():
    with tempfile.TemporaryDirectory() as tmp:
        env, snd = host(tmp)
        os.makedirs(os.path.join(tmp, "pulse"))
        s = listening_socket(os.path.join(tmp, "pulse", "native"))
        try:
            backend, why = run_py.choose_audio_backend(ALL, env, snd, pactl="/nonexistent/pactl")
        finally:
            s.close()
        assert backend == "pa" and os.path.join(tmp, "pulse", "native") in why, (backend, why)


def start_pulseaudio(runtime):
    """A real PulseAudio server on runtime/pulse/native with a null sink."""
    need_pulseaudio()
    env = dict(os.environ, XDG_RUNTIME_DIR=runtime, HOME=runtime)
    env.pop("PULSE_SERVER", None)
    proc = subprocess.Popen(["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1",
                             "--load=module-native-protocol-unix",
                             "--load=module-null-sink sink_name=out"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while subprocess.run(["pactl", "info"], env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL).returncode != 0:
        assert proc.poll() is None and time.monotonic() < deadline, "pulseaudio did not start"
        time.sleep(0.1)
    return proc


def test_real_pulseaudio_server_is_taken_and_named():
    with tempfile.TemporaryDirectory(prefix="pa-") as tmp:
        os.chmod(tmp, 0o700)
        server = start_pulseaudio(tmp)
        try:
            env, snd = host(tmp, HOME=tmp)
            backend, why = run_py.choose_audio_backend(ALL, env, snd)
            assert backend == "pa", why
            assert "pulseaudio" in why.lower() and "sink out" in why, why
            # A QEMU without the pa backend does not get it.
            backend, why = run_py.choose_audio_backend(ALL - {"pa"}, env, snd)
            assert backend is None and "QEMU has no pa backend" in why, why
        finally:
            server.terminate()
            server.wait(10)
        # The server gone (its socket file may stay): none, saying why.
        backend, why = run_py.choose_audio_backend(ALL, env, snd)
        assert backend is None and "no PulseAudio server" in why, why


def test_pipewire_socket_is_taken_when_no_pulse_server():
    with tempfile.TemporaryDirectory() as tmp:
        env, snd = host(tmp)
        s = listening_socket(os.path.join(tmp, "pipewire-0"))
        try:
            backend, why = run_py.choose_audio_backend(ALL, env, snd)
            assert backend == "pipewire" and "pipewire-0" in why, (backend, why)
            backend, why = run_py.choose_audio_backend(ALL - {"pipewire"}, env, snd)
            assert backend is None, (backend, why)
        finally:
            s.close()


def test_sound_card_needs_a_playback_device():
    with tempfile.TemporaryDirectory() as tmp:
        env, snd = host(tmp)
        for name in ("controlC0", "pcmC0D0c", "timer"):     # capture only
            open(os.path.join(snd, name), "w").close()
        backend, why = run_py.choose_audio_backend(ALL, env, snd)
        assert backend is None and "no playback device" in why, (backend, why)
        open(os.path.join(snd, "pcmC0D0p"), "w").close()
        backend, why = run_py.choose_audio_backend(ALL, env, snd)
        assert backend == "alsa" and "pcmC0D0p" in why, (backend, why)
        backend, why = run_py.choose_audio_backend({"none", "sdl"}, env, snd)
        assert backend == "sdl", (backend, why)


def test_every_backend_has_a_latency_estimate():
    # The guest is told one for whatever run.py passes to -audiodev.
    assert set(run_py.LATENCY_MS) >= {"none", "wav", "pa", "pipewire", "alsa", "sdl"}
    assert run_py.LATENCY_MS["pa"] > run_py.LATENCY_MS["wav"]
