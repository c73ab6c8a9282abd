"""tests/e2e/test_textplay_serial.py — `player --text` on the serial console,
read from outside through a real terminal emulator (pyte), with its sound.

The barcode test clip (tools/encode/testclip.py) plays with `player
--text=SET` under `tools/run.py --display terminal --console-size 80x24`
over a pipe; the serial bytes are captured with their host arrival times
and the sound as a WAV. The bytes go through a pyte Screen of the size the
guest was told; at each end of a synchronized update (ESC[?2026l) its cells
are compared with the clip's frames downsampled by the rules of
docs/player.md, "Text mode" (tests/harness/textmode_ref.py, written from
those rules, not from the player's code; tests/harness/textgrid.py reads
pyte's cells): the frame shown is the one whose cells match best,
with at least 99 % of the screen's cells equal. Frames must come in order,
none missing (a gap is excused only where the host kept QEMU off the CPU:
tests/harness/hostload.py, as in test_player.py). The A/V offset is taken
from outside: for each frame's end marker, its host arrival time against
the sample the WAV capture was being written at then (tests/harness/
avsync.py), offset = clip time of that sample - the frame's time; its
mean must be within +-20 ms (plus what host starvation explains).
"""
import os
import re
import statistics
import sys
import tempfile

from harness import Machine, need_pyte
from harness.avsync import Watch
from harness.hostload import Starvation, qemu_pid
from harness.textgrid import expected_screen, matching_cells, screen_cells
from harness.textmode_ref import layout

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_player as tp  # noqa: E402  (the clip, the disk, the capture, the judging)

testclip = tp.testclip
COLS, ROWS = 80, 24
W, H = 480, 360
SECONDS = 8
FRAMES = SECONDS * tp.FPS
START = b"\x1b[?25l\x1b[0;97;40m\x1b[2J"     # before the first frame
BEGIN, END = b"\x1b[?2026h", b"\x1b[?2026l"    # around each frame
FINISH = b"\x1b[?2026l\x1b[0m\x1b[?25h"         # after the last one
MATCH = 0.99
SEARCH = 45                                    # frames ahead a shown frame may be


def play_text(glyphs, tmp, option=None):
    """One run: (serial bytes, arrivals, player stats, Watch, capture, Starvation).
    `option` is the player's text-mode option; by default --text=GLYPHS."""
    clip = tp.make_clip(os.path.join(tmp, "t.bav"), SECONDS)
    img = tp.disk_with(tmp, {"/media/t.bav": clip})
    cap = os.path.join(tmp, "cap.wav")
    option = f"--text={glyphs}" if option is None else option
    with Machine(cmd=f"player {option} --stats /media/t.bav".replace("  ", " "), disk=img,
                 audio=f"wav:{cap}", audio_rate=tp.RATE, timeout=90,
                 extra_args=["--display", "terminal", "--console-size", f"{COLS}x{ROWS}"]) as m:
        starve = Starvation(qemu_pid(m.proc.pid))
        w = Watch(m, cap, 0, 0, 1, reader=None)     # the WAV's growth
        m.expect(r"player-stats", timeout=90)
        status = m.wait(30)
        w.stop()
        starve.stop()
        assert status == 0, m.tail()
        output, arrivals = m.output, list(m.arrivals)
    return output, arrivals, tp.stats_of(output.decode("utf-8", "replace")), w, \
        tp.read_capture(cap), starve


class Frames:
    """The clip's expected screens, computed when first needed."""

    def __init__(self, lay):
        self.lay, self.cache = lay, {}

    def __getitem__(self, f):
        if f not in self.cache:
            self.cache[f] = expected_screen(self.lay, COLS, ROWS,
                                            testclip.frame_pixels(f, W, H), W, H)
        return self.cache[f]


def arrival_of(arrivals, offset):
    """Host time at which output byte `offset` had arrived."""
    lo, hi = 0, len(arrivals) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if arrivals[mid][1] > offset:
            hi = mid
        else:
            lo = mid + 1
    return arrivals[lo][0]


def read_frames(output, arrivals, lay):
    """[(frame, share of cells equal, host time of its end marker, bytes)]
    for each synchronized update, read through pyte; frame None when no
    frame near the previous one matches >= MATCH (then the share is the
    best one seen)."""
    pyte = need_pyte()
    screen = pyte.Screen(COLS, ROWS)
    stream = pyte.ByteStream(screen)
    start = output.find(START)
    assert start >= 0, f"no start sequence ESC[?25l ESC[0;97;40m ESC[2J: {output[-600:]!r}"
    clip = Frames(lay)
    total = COLS * ROWS
    shown, pos, prev = [], start, -1
    finish = output.find(FINISH, start)
    assert finish >= 0, f"no end sequence ESC[?2026l ESC[0m ESC[?25h: {output[-600:]!r}"
    while True:
        end = output.find(END, pos, finish)
        if end < 0:
            break
        begin = output.rfind(BEGIN, pos, end)
        assert begin >= 0, f"ESC[?2026l without ESC[?2026h: {output[pos:end + 8][-200:]!r}"
        end += len(END)
        stream.feed(output[pos:end])
        got = screen_cells(screen)
        best, best_share = None, 0.0
        for f in range(prev + 1, min(prev + 1 + SEARCH, FRAMES)):
            share = matching_cells(clip[f], got) / total
            if share >= MATCH:
                best, best_share = f, share
                break
            best_share = max(best_share, share)
        shown.append((best, best_share, arrival_of(arrivals, end - 1), end - begin))
        if best is not None:
            prev = best
        pos = end
    return shown


def excused(gap_frame, shown, starve):
    """A gap before gap_frame is excused when QEMU waited for a CPU at least
    tp.EXCUSE_WAIT_S within some 100 ms of the 400 ms before it showed."""
    t = next(t for f, _, t, _ in shown if f == gap_frame)
    worst = starve.worst(t - 0.4, t, span=0.1)
    return worst >= tp.EXCUSE_WAIT_S, worst


def offsets(shown, w, samples):
    """[(host t, frame, clip sample, ms)]: at the host time each frame's end
    marker arrived, the clip time of the sound being written, less the
    frame's time. Positive: the picture is late."""
    out = []
    for f, _, t, _ in shown:
        if f is None:
            continue
        k = w.audio_index(t, tp.RATE * 4)
        if k is None or k < 0 or 2 * k + 1 >= len(samples):
            continue
        n = testclip.pcm_index(samples[2 * k], samples[2 * k + 1])
        if n is not None:
            out.append((t, f, n, (n / tp.RATE - f / tp.FPS) * 1000))
    return out


def judge(glyphs, output, arrivals, st, w, samples, starve):
    """[problems] of one run; prints what was measured."""
    lay = layout(glyphs, COLS, ROWS, W, H)
    assert (st["text_cols"], st["text_rows"], st["text_x"], st["text_y"]) == \
        (lay.cols, lay.rows, lay.x0, lay.y0), (st, lay)
    shown = read_frames(output, arrivals, lay)
    problems = []
    bad = [(i, round(s * 100, 1)) for i, (f, s, _, _) in enumerate(shown) if f is None]
    if bad:
        problems.append(f"{len(bad)} of {len(shown)} updates match no frame (update, best % of "
                        f"cells equal): {bad[:10]}")
    frames = [f for f, _, _, _ in shown if f is not None]
    if len(shown) != st["text_frames"]:
        problems.append(f"{len(shown)} synchronized updates seen, the player wrote "
                        f"{st['text_frames']}")
    missing = sorted(set(range(FRAMES)) - set(frames))
    if frames and frames[-1] != FRAMES - 1:
        problems.append(f"the last frame shown is {frames[-1]}, not {FRAMES - 1}")
    gaps = [f for p, f in zip([-1] + frames, frames) if f != p + 1]
    unexcused = []
    for f in gaps:
        ok, worst = excused(f, shown, starve)
        print(f"{glyphs}: gap before frame {f}: QEMU waited up to {worst * 1000:.0f} ms "
              f"per 100 ms before it")
        if not ok:
            unexcused.append(f)
    if unexcused:
        problems.append(f"frames missing {missing[:20]} (gaps before {unexcused} not "
                        f"explained by the host); player: dropped={st['dropped']} "
                        f"text_skipped={st['text_skipped']}")
    sizes = [b for _, _, _, b in shown]
    t0, t1 = shown[0][2], shown[-1][2]
    rate = sum(sizes) / max(t1 - t0, 1e-3)
    offs = offsets(shown, w, samples)
    if len(offs) < FRAMES // 2:
        problems.append(f"only {len(offs)} A/V offsets measured")
        return problems
    allow = [1000 * starve.waited(t - 0.1, t) for t, _, _, _ in offs]
    print(f"{glyphs} {lay.cols}x{lay.rows} cells at ({lay.x0},{lay.y0}): {len(frames)}/{FRAMES} frames shown in order, "
          f"{len(missing)} missing; cells equal min "
          f"{min(s for f, s, _, _ in shown if f is not None) * 100:.2f} %; bytes per frame "
          f"mean {statistics.mean(sizes):.0f} max {max(sizes)} (player: {st['text_bytes']} "
          f"{st['text_bytes_max']}); {rate:.0f} B/s arrived ({statistics.mean(sizes) * tp.FPS:.0f}"
          f" B/s needed at {tp.FPS} fps); A/V offset mean "
          f"{statistics.mean(o[3] for o in offs):+.1f} ms, max |{max(abs(o[3]) for o in offs):.1f}|"
          f" ms over {len(offs)} frames; QEMU waited for a CPU "
          f"{starve.waited(t0, t1) * 1000:.0f} ms in all; write us mean "
          f"{st['text_write_us_mean']} max {st['text_write_us_max']}, cpu/frame "
          f"{st['cpu_us_per_frame']} us")
    problems += tp.judge_offsets(offs, allow)
    return problems


def check_text(glyphs, option=None, must_say=None):
    """Play, judge; on a busy host a second run only when the first failed
    while QEMU was kept waiting (the second is judged the same way).
    `must_say`: a line the player must have printed."""
    for attempt in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            run = play_text(glyphs, tmp, option)
        if must_say is not None:
            assert must_say in run[0], f"{must_say!r} not printed: {run[0][:400]!r}"
        problems = judge(glyphs, *run)
        if not problems:
            return
        starve = run[-1]
        worst = starve.worst(0, float("inf"))
        if attempt == 2 or worst < tp.EXCUSE_WAIT_S:
            break
        print(f"run {attempt}: {'; '.join(problems)}; the host kept QEMU waiting up to "
              f"{worst * 1000:.0f} ms per 100 ms: running again")
    raise AssertionError("; ".join(problems) + "; reports: "
                         + str(re.findall(r"player: (?:dropped|skipped).*",
                                          run[0].decode("utf-8", "replace"))))


def test_half_blocks_on_the_serial_console_frame_by_frame_in_sync():
    check_text("half")


def test_braille_on_the_serial_console_frame_by_frame_in_sync():
    check_text("braille")


def test_ascii_on_the_serial_console_frame_by_frame_in_sync():
    check_text("ascii")


def test_player_without_a_display_plays_as_text_by_itself():
    # --display terminal gives the guest no GPU, so there is no /dev/fb0:
    # a plain `player` must say so in one line and play in half blocks.
    check_text("half", option="", must_say=b"player: no display (/dev/fb0:")


def test_neighbouring_frames_tell_apart():
    # The check can name the frame shown: neighbouring frames of the test
    # clip differ in more than 1 % of the screen's cells in every set.
    for glyphs in ("half", "braille", "ascii"):
        clip = Frames(layout(glyphs, COLS, ROWS, W, H))
        for f in (0, 57, 58, 150):
            share = matching_cells(clip[f], clip[f + 1]) / (COLS * ROWS)
            assert share < MATCH, (glyphs, f, share)


for _t in (test_half_blocks_on_the_serial_console_frame_by_frame_in_sync,
           test_braille_on_the_serial_console_frame_by_frame_in_sync,
           test_ascii_on_the_serial_console_frame_by_frame_in_sync,
           test_player_without_a_display_plays_as_text_by_itself):
    _t.exclusive = True          # timing: A/V offset, no missing frames
