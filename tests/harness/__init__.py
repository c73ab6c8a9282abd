"""tests/harness — boot the OS headless through tools/run.py and observe it.

    from harness import Machine
    with Machine(cmd="echo hello") as m:      # starts QEMU via run.py
        m.expect(r"hello")                    # regex on the serial output
        assert m.wait() == 0                  # exit status (run.py's)

Machine(..., qmp=True) also opens a QMP connection: m.screendump() returns an
Image (RGB, parsed from QEMU's PPM), m.send_keys("echo hi\\n") types on the
virtio keyboard. audio="wav:PATH" captures the speaker. m.first_output_s is
the wall time from starting QEMU to its first serial byte; m.arrivals
notes when each piece of the serial output arrived. Standard library only.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from qmp import QMP  # noqa: E402  (the one QMP client, shared with run.py)
from screenshot import read_ppm  # noqa: E402  (the one PPM parser)

# What make built: build/, or the directory BADAPPLE_BUILD names (make sets
# it to its BUILD, so `make test BUILD=build-llvm` tests that build).
BUILD = os.path.join(ROOT, os.environ.get("BADAPPLE_BUILD", "build"))
KERNEL = os.path.join(BUILD, "kernel.elf")
RUN_PY = os.path.join(ROOT, "tools", "run.py")


class DiskCopy:
    """A private copy of the system disk (BUILD/hdd.dsk) in a temporary
    directory, for a test that writes to it: `with DiskCopy() as disk:` ...
    `disk.path`. Removed afterwards."""

    def __enter__(self):
        self.tmp = tempfile.mkdtemp(prefix="disk-")
        self.path = os.path.join(self.tmp, "hdd.dsk")
        shutil.copyfile(os.path.join(BUILD, "hdd.dsk"), self.path)
        return self

    def __exit__(self, *exc):
        shutil.rmtree(self.tmp, ignore_errors=True)
        return False


class NotRunHere(Exception):
    """Raised by a test that cannot run on this host for a reason outside the
    project, which tools/deps.sh deliberately leaves alone (a desktop's
    pipewire-pulse where a PulseAudio server would go). tests/run_tests.py
    counts it as skipped, with the reason, never as passed."""


def need_pulseaudio():
    """A private PulseAudio server can be started here: pulseaudio and pactl
    exist (tools/deps.sh installs them), or NotRunHere when pipewire-pulse
    took the server's place; anything else missing is a failure."""
    if shutil.which("pulseaudio") and shutil.which("pactl"):
        return
    if shutil.which("pipewire-pulse"):
        raise NotRunHere("pipewire-pulse is installed instead of pulseaudio "
                         "(tools/deps.sh leaves a desktop's sound server alone)")
    raise AssertionError("pulseaudio and pactl are needed (tools/deps.sh installs them)")


def need_pyte():
    """The pyte module (a VT100/xterm emulator in Python: Debian's
    python3-pyte, which tools/deps.sh installs). Found also when the tests
    run under another Python than the system's (pyenv, a venv), from the
    system's dist-packages: pyte is pure Python. Missing: a failure."""
    try:
        import pyte
        return pyte
    except ImportError:
        pass
    for path in ("/usr/lib/python3/dist-packages", "/usr/share/python3/dist-packages"):
        if os.path.isdir(os.path.join(path, "pyte")) and path not in sys.path:
            sys.path.append(path)
    try:
        import pyte
        return pyte
    except ImportError:
        raise AssertionError("python3-pyte is needed (tools/deps.sh installs it)") from None


class Image:
    """An RGB image: width, height, and bytes of 3 per pixel, rows top-down."""

    def __init__(self, width, height, rgb):
        self.width, self.height, self.rgb = width, height, rgb

    def pixel(self, x, y):
        i = 3 * (y * self.width + x)
        return tuple(self.rgb[i:i + 3])

    def crop(self, x, y, w, h):
        rows = [self.rgb[3 * ((y + r) * self.width + x):3 * ((y + r) * self.width + x + w)]
                for r in range(h)]
        return Image(w, h, b"".join(rows))

    def save_ppm(self, path):
        with open(path, "wb") as f:
            f.write(b"P6\n%d %d\n255\n" % (self.width, self.height) + self.rgb)


def parse_ppm(data):
    """Parse a binary PPM (P6, maxval 255) as QEMU's screendump writes it
    (the parser is tools/screenshot.py's, shared with the PNG converter)."""
    return Image(*read_ppm(data))


class Machine:
    def __init__(self, cmd=None, append="", disk=None, audio="none", audio_rate=None,
                 qmp=False, timeout=60, resolution=None, kernel=KERNEL, extra_args=()):
        self.tmp = tempfile.mkdtemp(prefix="harness-")
        self.qmp_path = os.path.join(self.tmp, "qmp.sock") if qmp else None
        args = [sys.executable, RUN_PY, "--kernel", kernel, "--display", "none",
                "--serial", "stdio", "--audio", audio, "--timeout", str(timeout)]
        if disk:
            args += ["--disk", disk]
        else:
            # No disk unless asked: tests must not share (and write) build/hdd.dsk.
            args += ["--disk", "none"]
        if audio_rate:
            args += ["--audio-rate", str(audio_rate)]
        if append:
            args += ["--append", append]
        if cmd is not None:
            args += ["--cmd", cmd]
        if resolution:
            args += ["--resolution", resolution]
        if self.qmp_path:
            args += ["--qmp", self.qmp_path]
        args += list(extra_args)
        self.args = args
        self.output = b""
        self.arrivals = []         # (host monotonic time, len(output)) per chunk read
        self.first_output_s = None
        self._cond = threading.Condition()
        self._qmp = None
        self.t_start = time.monotonic()
        # Own process group: kill() ends run.py and QEMU together, so no
        # orphaned QEMU keeps the output pipe open.
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        while True:
            chunk = self.proc.stdout.read1(65536)
            if not chunk:
                break
            with self._cond:
                if self.first_output_s is None:
                    self.first_output_s = time.monotonic() - self.t_start
                self.output += chunk
                self.arrivals.append((time.monotonic(), len(self.output)))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    @property
    def text(self):
        return self.output.decode("utf-8", "replace").replace("\r\n", "\n")

    def tail(self, n=40):
        return "\n".join(self.text.splitlines()[-n:])

    def expect(self, pattern, timeout=30, since=0):
        """Wait until the serial output (from byte `since`) matches `pattern`;
        return the match. Fails with the output's tail on timeout or exit."""
        rx = re.compile(pattern.encode() if isinstance(pattern, str) else pattern)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                m = rx.search(self.output, since)
                if m:
                    return m
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self._reader.is_alive()):
                    why = "timed out" if left <= 0 else "machine exited"
                    raise AssertionError(f"{why} waiting for {pattern!r}; output ends:\n"
                                         f"{self.tail()}")
                self._cond.wait(min(left, 0.5))

    def send(self, text):
        """Type on the serial console."""
        self.proc.stdin.write(text.encode() if isinstance(text, str) else text)
        self.proc.stdin.flush()

    def wait(self, timeout=60):
        """Wait for run.py to exit; returns its exit status."""
        try:
            status = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"machine still running after {timeout}s; output ends:\n"
                                 f"{self.tail()}")
        self._reader.join(timeout=5)
        return status

    @property
    def qmp(self):
        if self._qmp is None:
            if not self.qmp_path:
                raise RuntimeError("Machine(qmp=True) is needed for QMP")
            self._qmp = QMP(self.qmp_path)
        return self._qmp

    def screendump(self):
        path = os.path.join(self.tmp, "screen.ppm")
        self.qmp.command("screendump", filename=path)
        with open(path, "rb") as f:
            return parse_ppm(f.read())

    def send_keys(self, text, hold_ms=20):
        """Type text on the virtio keyboard via QMP send-key."""
        for ch in text:
            self.qmp.command("send-key", keys=[{"type": "qcode", "data": q}
                                               for q in qcodes_for(ch)], **{"hold-time": hold_ms})

    def kill(self):
        """SIGTERM first (run.py then stops QEMU and removes its temporary
        files within a second or so), SIGKILL to the group if that fails."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()

    def close(self):
        if self._qmp:
            self._qmp.close()
        self.kill()
        if self.proc.stdin:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        self._reader.join(timeout=10)
        if not self._reader.is_alive():
            self.proc.stdout.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


_SHIFTED = {'!': '1', '@': '2', '#': '3', '$': '4', '%': '5', '^': '6', '&': '7',
            '*': '8', '(': '9', ')': '0', '_': 'minus', '+': 'equal', '{': 'bracket_left',
            '}': 'bracket_right', '|': 'backslash', ':': 'semicolon', '"': 'apostrophe',
            '<': 'comma', '>': 'dot', '?': 'slash', '~': 'grave_accent'}
_PLAIN = {' ': 'spc', '\n': 'ret', '-': 'minus', '=': 'equal', '[': 'bracket_left',
          ']': 'bracket_right', '\\': 'backslash', ';': 'semicolon', "'": 'apostrophe',
          ',': 'comma', '.': 'dot', '/': 'slash', '`': 'grave_accent', '\t': 'tab',
          '\b': 'backspace'}


def qcodes_for(ch):
    """QEMU key codes (QKeyCode) that type `ch` on a US layout."""
    if ch.isalpha() and ch.isascii():
        return ["shift", ch.lower()] if ch.isupper() else [ch]
    if ch.isdigit():
        return [ch]
    if ch in _PLAIN:
        return [_PLAIN[ch]]
    if ch in _SHIFTED:
        return ["shift", _SHIFTED[ch]]
    raise ValueError(f"no key for {ch!r}")


def run(cmd, timeout=60, **kw):
    """Boot, run `cmd`, wait for power-off; returns (exit status, output text)."""
    with Machine(cmd=cmd, timeout=timeout, **kw) as m:
        status = m.wait(timeout=timeout + 10)
        return status, m.text


# ---- reading the screen (the display tests) ----------------------------------
# The console draws with the kernel's built-in PSF2 font; screen_text() turns a
# screendump back into text by matching every cell's bitmap *exactly* against
# the font's glyphs, so a wrong pixel anywhere in a cell shows up as '\ufffd'.

FONT_PSF = os.path.join(BUILD, "gen", "font_default.psf")


class Font:
    """A PSF2 font: width, height, glyphs (tuples of row bit masks, MSB =
    leftmost pixel) and the Unicode table as {codepoint: glyph index}."""

    def __init__(self, path=FONT_PSF):
        import struct
        with open(path, "rb") as f:
            data = f.read()
        magic, version, hdr, flags, count, size, height, width = struct.unpack_from("<8I", data)
        if magic != 0x864ab572 or version != 0:
            raise ValueError(f"{path}: not a PSF2 font")
        self.width, self.height = width, height
        rb = (width + 7) // 8
        self.glyphs = []
        for g in range(count):
            base = hdr + g * size
            rows = tuple(int.from_bytes(data[base + r * rb:base + (r + 1) * rb], "big")
                         >> (rb * 8 - width) for r in range(height))
            self.glyphs.append(rows)
        self.unicode = {}
        if flags & 1:
            pos, g = hdr + count * size, 0
            while g < count and pos < len(data):
                end = data.index(b"\xff", pos)
                entry = data[pos:end].split(b"\xfe")[0].decode("utf-8")
                for ch in entry:
                    self.unicode.setdefault(ord(ch), g)
                pos, g = end + 1, g + 1
        # Bitmap -> character, for the printable ASCII range (first wins).
        self.by_bitmap = {}
        for cp in range(0x20, 0x7f):
            self.by_bitmap.setdefault(self.glyph(chr(cp)), chr(cp))

    def glyph(self, ch):
        return self.glyphs[self.unicode.get(ord(ch), ord(ch) if ord(ch) < len(self.glyphs) else 0)]


def cell_pixels(img, font, row, col):
    """The cell's pixels as a list of rows of (r, g, b)."""
    x0, y0 = col * font.width, row * font.height
    out = []
    for y in range(y0, y0 + font.height):
        line = img.rgb[3 * (y * img.width + x0):3 * (y * img.width + x0 + font.width)]
        out.append([tuple(line[i:i + 3]) for i in range(0, len(line), 3)])
    return out


def cell_colors(img, font, row, col):
    """(background, set of foreground colours) of a text cell; the
    background is the cell's most common colour."""
    px = [p for r in cell_pixels(img, font, row, col) for p in r]
    bg = max(set(px), key=px.count)
    return bg, {p for p in px if p != bg}


def screen_text(img, font, rows=None):
    """Decode the screendump into lines of text (right-stripped). Cells whose
    foreground bitmap is no ASCII glyph come back as U+FFFD."""
    ncols, nrows = img.width // font.width, img.height // font.height
    lines = []
    for row in (range(nrows) if rows is None else rows):
        chars = []
        for col in range(ncols):
            px = cell_pixels(img, font, row, col)
            bg = px[0][0]
            flat = [p for r in px for p in r]
            if flat.count(bg) * 2 < len(flat):
                bg = max(set(flat), key=flat.count)
            bits = tuple(sum(1 << (font.width - 1 - x) for x, p in enumerate(r) if p != bg)
                         for r in px)
            chars.append(font.by_bitmap.get(bits, "\ufffd"))
        lines.append("".join(chars).rstrip())
    return lines


def wait_screen(m, predicate, timeout=10, font=None):
    """Take screendumps until predicate(image, lines) is true; returns
    (image, lines). On timeout fails showing the last screen's text."""
    font = font or Font()
    deadline = time.monotonic() + timeout
    while True:
        img = m.screendump()
        lines = screen_text(img, font)
        if predicate(img, lines):
            return img, lines
        if time.monotonic() > deadline:
            shown = "\n".join(l for l in lines if l)
            raise AssertionError(f"screen never matched; it shows:\n{shown}")
        time.sleep(0.1)
