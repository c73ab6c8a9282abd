#!/usr/bin/env python3
"""tests/bench/bench_codec.py — the clip codec against the anchors, one table.

For the real clip named by $CODEC_CLIP (`make bench CODEC_CLIP=video.mkv`:
a real drawn animation with music, several minutes) and for the default
clip, one table of:
- video bytes of the .bav as this tree writes it, and of .bav version 1 (the
  old format) on the same frames; the anchors on the same frames, raw 1 bit
  per pixel (what `bavdecode --1bpp` writes): gzip -9, zstd -19 --long,
  xz -9e, and JBIG1 per frame (jbigkit's pbmtojbg, the best of a few option
  sets tried on a sample of the frames; the sum of the per-frame BIEs);
  each against .bav version 1;
- host decode speed of both formats (bavdecode, frames/s, best of 3);
- in the guest (one boot, tools/run.py --display none --audio wav:...,
  each clip played in full with `player --stats`): decode time per frame
  (mean, p99) and the player's CPU time per frame, frames dropped, audio
  underruns; and how long the host kept QEMU off the CPU meanwhile
  (tests/harness/hostload.py), so a drop can be told from a busy host.

The frames are the encoder's own: the real clip goes through
tools/encode/encode.py (ffmpeg extracts and scales, levels 2 = threshold
128), then `bavdecode` of that .bav gives the frames every other coder gets
(lossless, so they are exactly the encoder's input). Version 1 (which this
tree's tools refuse) is written and read by bavenc, bavdecode and bavinfo
built from the sources of V1_COMMIT (git archive; needs a git checkout, else
that row says why not).

Slow steps are cached under build/bench-codec/ by content hash (the encoded
real clip, its version-1 twin, the anchors' sizes), so a rerun only plays
the clips again. CODEC_GUEST=0 skips the guest run. Standalone:
python3 tests/bench/bench_codec.py
"""
import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_clip import bavenc_audio_options  # noqa: E402  (the one audio re-extraction)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, os.environ.get("BADAPPLE_BUILD", "build"))
HOST = os.path.join(BUILD, "host")
CACHE = os.path.join(BUILD, "bench-codec")
DEFAULT = os.path.join(BUILD, "media", "default.bav")
# The last commit whose encoder writes .bav version 1 (before issue #16).
V1_COMMIT = "055289324e0a69f0ad93c74196d4377de1b2d8f6"
V1_SOURCES = ["tools/encode", "user/player/bav.c", "user/player/bav.h"]
# JBIG1 option sets tried (each with -q: one resolution layer); {h} is the
# frame height (one stripe per frame: the contexts adapt over the whole frame).
JBIG_OPTION_SETS = [["-q"], ["-q", "-s", "{h}"], ["-q", "-s", "{h}", "-p", "0"],
                    ["-q", "-s", "{h}", "-p", "0", "-m", "0"],
                    ["-q", "-s", "{h}", "-p", "0", "-m", "16"],
                    ["-q", "-s", "{h}", "-p", "64"]]
JBIG_SAMPLE_EVERY = 25


def say(msg):
    """Progress, on stderr (the table goes to stdout)."""
    print(f"bench_codec: {msg}", file=sys.stderr, flush=True)


def run(cmd, **kw):
    proc = subprocess.run(cmd, capture_output=True, **kw)
    if proc.returncode != 0:
        err = proc.stderr.decode() if isinstance(proc.stderr, bytes) else proc.stderr
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed: {err.strip()[-500:]}")
    return proc


def file_hash(*paths):
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()[:20]


def cached_json(path, compute):
    """compute() once; its result (JSON) kept at path for the next run."""
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        pass
    value = compute()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w") as f:
        json.dump(value, f)
    os.replace(path + ".tmp", path)
    return value


# ---- what a .bav holds -------------------------------------------------------
def clip_info(path, bavinfo=None):
    """Size, format version and video bytes of a clip, from bavinfo."""
    out = run([bavinfo or os.path.join(HOST, "bavinfo"), path], text=True).stdout
    w, h = map(int, re.search(r"video:\s+(\d+)x(\d+)", out).groups())
    num, den = map(int, re.search(r"(\d+)/(\d+) fps", out).groups())
    version = re.search(r"version\s+(\d+)", out)
    return dict(w=w, h=h, num=num, den=den,
                frames=int(re.search(r"(\d+) frames", out).group(1)),
                levels=int(re.search(r"(\d+) gray levels", out).group(1)),
                video=int(re.search(r"video:\s+(\d+) bytes", out).group(1)),
                version=int(version.group(1)) if version else None,
                audio="audio:     none" not in out and "audio: none" not in out)


def decode_fps(bavdecode, clip, frames, repeats=3):
    """Host decode speed: frames/s of the fastest of `repeats` full decodes,
    as bavdecode times itself ("... (F frames/s)" on stderr), else the
    process's wall time."""
    best = 0.0
    for _ in range(repeats):
        t0 = time.monotonic()
        err = run([bavdecode, clip], text=True).stderr
        own = re.search(r"\(([\d.]+) frames/s\)", err)
        best = max(best, float(own.group(1)) if own else frames / (time.monotonic() - t0))
    return best


# ---- the anchors -------------------------------------------------------------
def compressed_size(cmd, path):
    with open(path, "rb") as f:
        return len(run(cmd, stdin=f).stdout)


def pbm_frames(packed, w, h, every=1):
    """Frames of a --1bpp file (white = 1) as PBM images (black = 1)."""
    stride = (w + 7) // 8 * h
    invert = bytes.maketrans(bytes(range(256)), bytes(255 - b for b in range(256)))
    head = f"P4\n{w} {h}\n".encode()
    with open(packed, "rb") as f:
        data = f.read()
    for i in range(0, len(data) // stride, every):
        yield head + data[i * stride:(i + 1) * stride].translate(invert)


def jbig_size(frames, opts):
    return sum(len(run(["pbmtojbg", *opts], input=pbm).stdout) for pbm in frames)


def jbig_best(packed, w, h):
    """(total bytes, options): the option set smallest on a sample of the
    frames, then run on every frame."""
    sets = [[o.format(h=h) for o in s] for s in JBIG_OPTION_SETS]
    sample = list(pbm_frames(packed, w, h, JBIG_SAMPLE_EVERY))
    best = min(sets, key=lambda s: jbig_size(sample, s))
    return jbig_size(pbm_frames(packed, w, h), best), best


def anchor_sizes(packed, w, h):
    """Bytes of every anchor on a --1bpp frames file (cached by its hash).
    The three general-purpose compressors run at once (each one thread)."""
    key = f"{file_hash(packed)}-{w}x{h}"

    def compute():
        say(f"anchors on {os.path.getsize(packed)} bytes of 1-bpp frames "
            "(gzip, zstd, xz -9e, JBIG1; a few minutes, cached after)")
        t0 = time.monotonic()
        cmds = {"gzip": ["gzip", "-9", "-c"], "zstd": ["zstd", "-19", "--long", "-c", "-q"],
                "xz": ["xz", "-9e", "-c"]}
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            futs = {k: pool.submit(compressed_size, c, packed) for k, c in cmds.items()}
            jbig = pool.submit(jbig_best, packed, w, h)
            sizes = {k: f.result() for k, f in futs.items()}
            sizes["jbig"], sizes["jbig_opts"] = jbig.result()
        say(f"anchors done in {time.monotonic() - t0:.0f} s")
        return sizes
    return cached_json(os.path.join(CACHE, "anchors", key + ".json"), compute)


# ---- .bav version 1 ----------------------------------------------------------
def v1_tools():
    """(bavenc argv prefix, bavdecode, bavinfo) writing and reading .bav
    version 1, built once from V1_COMMIT; or (None, why) when there is no
    way here."""
    out = os.path.join(CACHE, "v1-" + V1_COMMIT[:12])
    tools = [os.path.join(out, t) for t in ("bavenc", "bavdecode", "bavinfo")]
    if all(os.access(t, os.X_OK) for t in tools):
        return [tools[0]], tools[1], tools[2]
    if shutil.which("git") is None:
        return None, "this tree cannot write it, and git is not installed to build it " \
                     f"from commit {V1_COMMIT[:12]}"
    if subprocess.run(["git", "-C", ROOT, "cat-file", "-e", V1_COMMIT + "^{commit}"],
                      capture_output=True).returncode != 0:
        return None, f"this tree cannot write it and has no commit {V1_COMMIT[:12]}"
    say(f"building the version-1 bavenc/bavdecode/bavinfo from {V1_COMMIT[:12]}")
    src = os.path.join(out, "src")
    shutil.rmtree(src, ignore_errors=True)
    os.makedirs(src)
    archive = run(["git", "-C", ROOT, "archive", V1_COMMIT, *V1_SOURCES]).stdout
    run(["tar", "-x", "-C", src], input=archive)
    dec = ["user/player/bav.c"]
    walk = ["tools/encode/bav_walk.c"]
    mains = {"bavenc": ["tools/encode/bavenc.c", "tools/encode/bav_encode.c"] + dec,
             "bavdecode": ["tools/encode/bavdecode.c"] + walk + dec,
             "bavinfo": ["tools/encode/bavinfo.c"] + walk + dec}
    for name, srcs in mains.items():
        run(["gcc", "-std=c11", "-O2", "-I", src, "-o", os.path.join(out, name),
             *[os.path.join(src, s) for s in srcs]])
    return [tools[0]], tools[1], tools[2]


def encode_v1(clip, info, enc, tmp):
    """The same frames (and audio) as `clip`, written as .bav version 1."""
    out = os.path.join(tmp, "v1.bav")
    cmd = enc + ["-o", out, "--width", str(info["w"]), "--height", str(info["h"]),
                 "--fps", f"{info['num']}/{info['den']}", "--levels", str(info["levels"])]
    if info["audio"]:
        cmd += bavenc_audio_options(os.path.join(HOST, "bavdecode"), clip, tmp)
    # Frames through a FIFO (the gray frames of a long clip are ~1 GB).
    # Not -o /dev/stdout: bavdecode removes its output files on an error.
    fifo = os.path.join(tmp, "frames.fifo")
    os.mkfifo(fifo)
    dec = subprocess.Popen([os.path.join(HOST, "bavdecode"), clip, "-o", fifo],
                           stderr=subprocess.DEVNULL)
    try:
        run(cmd + [fifo])
    except BaseException:
        dec.kill()                  # it may wait for a reader that is gone
        dec.wait()
        raise
    if dec.wait() != 0:
        raise RuntimeError(f"bavdecode {clip} failed")
    os.unlink(fifo)
    return out


# ---- one clip, on the host ---------------------------------------------------
def encode_real(video, options=()):
    """The real clip as this tree encodes it (encode.py's defaults, or these
    options), cached by the video's, bavenc's and encode.py's contents."""
    key = file_hash(video, os.path.join(HOST, "bavenc"),
                    os.path.join(ROOT, "tools", "encode", "encode.py"))
    key += hashlib.sha256(repr(list(options)).encode()).hexdigest()[:8] if options else ""
    out = os.path.join(CACHE, "clips", key + ".bav")
    if not os.path.exists(out):
        say(f"encoding {video} with tools/encode/encode.py")
        os.makedirs(os.path.dirname(out), exist_ok=True)
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "encode", "encode.py"),
                        video, "-o", out + ".tmp", *options], check=True, stdout=sys.stderr)
        os.replace(out + ".tmp", out)
    return out


def measure_host(name, clip, v1):
    """Everything but the guest for one clip: sizes and host decode speed."""
    info = clip_info(clip)
    row = dict(name=name, clip=clip, info=info)
    with tempfile.TemporaryDirectory(prefix="bench-codec-") as tmp:
        packed = os.path.join(tmp, "frames.1bpp")
        run([os.path.join(HOST, "bavdecode"), clip, "-o", packed, "--1bpp"])
        row["anchors"] = anchor_sizes(packed, info["w"], info["h"])
        os.unlink(packed)
        if info["version"] == 1:
            row["v1"] = dict(video=info["video"], fps=None)     # the same file
        elif v1[0] is None:
            row["v1_why"] = v1[1]
        else:
            enc, dec, binfo = v1
            old = os.path.join(CACHE, "v1", file_hash(clip, enc[0]) + ".bav")
            if not os.path.exists(old):
                say(f"{name}: writing the same frames as .bav version 1")
                os.makedirs(os.path.dirname(old), exist_ok=True)
                shutil.move(encode_v1(clip, info, enc, tmp), old)
            row["v1"] = dict(video=clip_info(old, binfo)["video"],
                             fps=decode_fps(dec, old, info["frames"]))
    say(f"{name}: host decode speed")
    row["fps"] = decode_fps(os.path.join(HOST, "bavdecode"), clip, info["frames"])
    return row


# ---- the guest ---------------------------------------------------------------
def stats_lines(text):
    return [{k: int(v) for k, v in re.findall(r"(\w+)=(-?\d+)(?![\d/])", line)}
            for line in re.findall(r"player-stats: (.*)", text)]


def grown_disk_with(tmp, files):
    """A copy of the system disk, grown to hold `files` (guest path: host
    path), with them written in."""
    img = os.path.join(tmp, "disk.img")
    shutil.copyfile(os.path.join(BUILD, "hdd.dsk"), img)
    need = sum(os.path.getsize(p) for p in files.values())
    with open(img, "r+b") as f:
        f.truncate(os.path.getsize(img) + need + (16 << 20))
    run(["e2fsck", "-fy", img])
    run(["resize2fs", img])
    for guest, host in files.items():
        run(["debugfs", "-w", "-R", f"write {host} {guest}", img])
    return img


def measure_guest(rows):
    """Plays every clip in full, one after another, in one boot; adds each
    run's player-stats to its row."""
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    from harness import Machine
    from harness.hostload import Starvation, qemu_pid
    seconds = sum(r["info"]["frames"] * r["info"]["den"] / r["info"]["num"] for r in rows)
    with tempfile.TemporaryDirectory(prefix="bench-codec-guest-") as tmp:
        files = {f"/media/bench{i}.bav": r["clip"] for i, r in enumerate(rows)}
        img = grown_disk_with(tmp, files)
        cmd = "; ".join(f"player --stats {g}" for g in files)
        say(f"guest: playing {len(rows)} clip(s), {seconds:.0f} s in real time")
        with Machine(cmd=cmd, disk=img, audio=f"wav:{os.path.join(tmp, 'cap.wav')}",
                     audio_rate=44100, timeout=seconds + 240) as m:
            starve = Starvation(qemu_pid(m.proc.pid), period=0.05)
            spans = []              # host time each clip played
            for i, r in enumerate(rows):
                start = m.expect(rf"player: /media/bench{i}\.bav:", timeout=seconds + 120)
                t0 = time.monotonic()
                m.expect(r"player-stats: [^\n]*\n", timeout=seconds + 120, since=start.end())
                spans.append((t0, time.monotonic()))
            status = m.wait(120)
            starve.stop()
            text = m.text
    os.makedirs(CACHE, exist_ok=True)
    log = os.path.join(CACHE, "guest.log")
    with open(log, "w") as f:
        f.write(text)
    say(f"guest: exit status {status}, its console output in {os.path.relpath(log, ROOT)}")
    stats = stats_lines(text)
    if len(stats) != len(rows):
        raise RuntimeError(f"guest printed {len(stats)} player-stats line(s) for {len(rows)} "
                           f"clip(s) (exit {status}); output ends:\n" + text[-2000:])
    for row, st, span in zip(rows, stats, spans):
        row["guest"] = st
        row["starved"] = starved(starve.samples, *span)


def starved(samples, t0, t1, span=1.0):
    """(seconds, worst `span` s): how long the host kept QEMU's most-delayed
    thread waiting for a CPU between t0 and t1 (harness.hostload's samples),
    in all and within the worst stretch: frames dropped then are the host's."""
    inside = [(b, w) for a, b, w in samples if t0 < b <= t1]
    worst, window, first = 0.0, 0.0, 0
    for b, w in inside:
        window += w
        while inside[first][0] <= b - span:
            window -= inside[first][1]
            first += 1
        worst = max(worst, window)
    return sum(w for _, w in inside), worst


# ---- the table ---------------------------------------------------------------
def num(v):
    return f"{v:,}" if isinstance(v, int) else v


def ratio(v, base):
    return f"{v / base:.3f}" if isinstance(v, int) and isinstance(base, int) and base else ""


def guest_cells(row):
    """(decode us mean / p99, player CPU ms per frame, shown/dropped/underruns)."""
    st = row.get("guest")
    if st is None:
        why = row.get("guest_why", "not run")
        return why, why, why
    if "decode_us_mean" in st:
        dec = f"{st['decode_us_mean']:,} / {st.get('decode_us_p99', '?'):,}"
    else:
        dec = "n/a (player has no decode_us_* stats)"
    info = row["info"]
    if "cpu_us_per_frame" in st:
        cpu = f"{st['cpu_us_per_frame'] / 1000:.2f}"
    elif st.get("shown"):
        secs = info["frames"] * info["den"] / info["num"]
        cpu = f"{st['cpu_permille'] / 1000 * secs / st['shown'] * 1000:.2f} (from cpu_permille)"
    else:
        cpu = "n/a"
    play = f"{st.get('shown', '?'):,} / {st.get('dropped', '?')} / {st.get('underruns', '?')}"
    return dec, cpu, play


def print_table(rows):
    new_v = {r["info"]["version"] for r in rows}
    head = "| measure | " + " | ".join(
        f"{r['name']} ({r['info']['w']}x{r['info']['h']}, {r['info']['frames']:,} frames) | vs v1"
        for r in rows) + " |"
    print(head)
    print("|---|" + "---:|---:|" * len(rows))

    def line(label, cells):
        print(f"| {label} | " + " | ".join(f"{a} | {b}" for a, b in cells) + " |")

    base = [r.get("v1", {}).get("video") for r in rows]
    line(".bav version 1 (old), video bytes",
         [(num(b) if b else r.get("v1_why", "n/a"), "1.000" if b else "")
          for r, b in zip(rows, base)])
    line(f".bav version {'/'.join(map(str, sorted(v for v in new_v if v)))} (this tree)",
         [(num(r["info"]["video"]), ratio(r["info"]["video"], b)) for r, b in zip(rows, base)])
    for key, label in (("gzip", "gzip -9"), ("zstd", "zstd -19 --long"), ("xz", "xz -9e"),
                       ("jbig", "JBIG1 per frame (jbigkit pbmtojbg)")):
        line(label + " of the 1-bpp frames",
             [(num(r["anchors"][key]), ratio(r["anchors"][key], b)) for r, b in zip(rows, base)])
    cells = []
    for r in rows:
        v1fps = r.get("v1", {}).get("fps") or (r["fps"] if r["info"]["version"] == 1 else None)
        cells.append((f"{v1fps:,.0f} / {r['fps']:,.0f}" if v1fps else f"n/a / {r['fps']:,.0f}",
                      f"{r['fps'] / v1fps:.2f}" if v1fps else ""))
    line("host decode, frames/s: v1 / this tree (bavdecode)", cells)
    g = [guest_cells(r) for r in rows]
    line("guest decode, µs per frame: mean / p99", [(c[0], "") for c in g])
    line("player CPU per frame, ms", [(c[1], "") for c in g])
    line("guest frames shown / dropped / audio underruns", [(c[2], "") for c in g])
    line("host kept QEMU off the CPU: total / worst 1 s stretch",
         [(f"{r['starved'][0]:.1f} s / {r['starved'][1] * 1000:.0f} ms" if "starved" in r
           else r.get("guest_why", "not run"), "") for r in rows])
    for r in rows:
        print(f"\n{r['name']}: {r['clip']}; JBIG1 options {' '.join(r['anchors']['jbig_opts'])} "
              f"(the best of {len(JBIG_OPTION_SETS)} sets on every {JBIG_SAMPLE_EVERY}th frame)")
        a = dict(r["anchors"])
        new = r["info"]["video"]
        best = min(a[k] for k in ("gzip", "zstd", "xz", "jbig"))
        print(f"{r['name']}: targets: <= xz -9e: {'yes' if new <= a['xz'] else 'NO'}; "
              f"smallest of all anchors: {'yes' if new <= best else 'NO'}")


def main():
    for tool in ("bavinfo", "bavdecode", "bavenc"):
        if not os.access(os.path.join(HOST, tool), os.X_OK):
            sys.exit(f"bench_codec: build/host/{tool} missing (make build/host/{tool})")
    for tool in ("pbmtojbg", "zstd", "xz", "gzip", "resize2fs"):
        if not shutil.which(tool):
            sys.exit(f"bench_codec: {tool} missing (tools/deps.sh installs it)")
    if not os.path.exists(DEFAULT):
        sys.exit("bench_codec: build/media/default.bav missing (make clip)")
    v1 = v1_tools()
    real = os.environ.get("CODEC_CLIP")
    rows = []
    if real:
        if not os.path.isfile(real):
            sys.exit(f"bench_codec: CODEC_CLIP={real}: no such file")
        rows.append(measure_host(os.path.basename(real), encode_real(real), v1))
    rows.append(measure_host("default", DEFAULT, v1))
    if os.environ.get("CODEC_GUEST", "1") != "0":
        measure_guest(rows)
    else:
        for r in rows:
            r["guest_why"] = "skipped (CODEC_GUEST=0)"
    print("clip codec against the anchors: video bytes (same frames for every coder, "
          "lossless), speed\n")
    print_table(rows)
    if not real:
        print("\nreal clip: not measured. Give one (a real drawn animation with music, "
              "several minutes): make bench CODEC_CLIP=path/to/video")
    return 0


if __name__ == "__main__":
    sys.exit(main())
