"""tests/host/test_bench_codec.py — the codec benchmark's host pipeline works.

`make bench` runs tests/bench/bench_codec.py only on request and takes
minutes; this runs its host half on a tiny generated video (2 s, 96x64,
made here with ffmpeg) so it cannot rot unnoticed: the video goes through
encode.py as a real clip would, every anchor gets exactly the clip's frames
(thresholded at 128, JBIG1's PBMs black = 1 and lossless with the chosen
options), the version-1 twin decodes to the same frames, the results are
cached, and the table has every row. No timing is judged. Where git has
no V1_COMMIT (a shallow clone) the version-1 part is what says so.
Needs build/host/{bavenc,bavdecode,bavinfo}, pbmtojbg, jbgtopbm, zstd, xz.
"""
import contextlib
import io
import os
import re
import subprocess
import sys
import tempfile


ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "bench"))
import bench_codec as bc  # noqa: E402

W, H = 96, 64


def tiny_video(tmp):
    path = os.path.join(tmp, "tiny.mkv")
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y",
                    "-f", "lavfi", "-i", f"testsrc2=size={W}x{H}:rate=30",
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                    "-t", "2", "-c:v", "ffv1", "-c:a", "pcm_s16le", path], check=True)
    return path


def decoded(bavdecode, clip, tmp, *args):
    out = os.path.join(tmp, "frames.out")
    subprocess.run([bavdecode, clip, "-o", out, *args], check=True, capture_output=True)
    with open(out, "rb") as f:
        return f.read()


def check_anchor_frames(clip, row, tmp):
    """The anchors saw the clip's own frames, thresholded at 128."""
    gray = decoded(os.path.join(bc.HOST, "bavdecode"), clip, tmp)
    packed = decoded(os.path.join(bc.HOST, "bavdecode"), clip, tmp, "--1bpp")
    n = W * H
    assert len(gray) == row["info"]["frames"] * n and len(packed) * 8 == len(gray)
    assert 0 < gray.count(b"\xff") < len(gray), "the test video should be neither all black nor white"
    path = os.path.join(tmp, "p.1bpp")
    with open(path, "wb") as f:
        f.write(packed)
    pbms = list(bc.pbm_frames(path, W, H))
    assert len(pbms) == row["info"]["frames"]
    for i in (0, len(pbms) // 2, len(pbms) - 1):
        magic, size, bits = pbms[i].split(b"\n", 2)
        assert (magic, size) == (b"P4", f"{W} {H}".encode())
        for p in range(0, n, 7):
            black = bits[p // 8] >> (7 - p % 8) & 1
            assert black == (gray[i * n + p] < 128), (i, p)
        bie = subprocess.run(["pbmtojbg", *row["anchors"]["jbig_opts"]], input=pbms[i],
                             capture_output=True, check=True).stdout
        back = subprocess.run(["jbgtopbm"], input=bie, capture_output=True, check=True).stdout
        m = re.match(rb"P4\s+(\d+)\s+(\d+)\s", back)    # jbgtopbm pads the numbers
        assert m and (int(m[1]), int(m[2])) == (W, H), back[:40]
        assert back[m.end():] == bits, f"frame {i}: JBIG1 not lossless"
    for key, cmd in (("gzip", ["gzip", "-9", "-c"]), ("xz", ["xz", "-9e", "-c"]),
                     ("zstd", ["zstd", "-19", "--long", "-c", "-q"])):
        out = subprocess.run(cmd, input=packed, capture_output=True, check=True).stdout
        assert row["anchors"][key] == len(out), key
    return gray


def test_codec_bench_host_pipeline_on_a_tiny_clip():
    for tool in ("pbmtojbg", "jbgtopbm", "zstd", "xz"):
        if subprocess.run(["which", tool], capture_output=True).returncode:
            raise AssertionError(f"{tool} missing (tools/deps.sh installs it)")
    with tempfile.TemporaryDirectory(prefix="test-bench-codec-") as tmp:
        bc.CACHE = os.path.join(tmp, "cache")
        clip = bc.encode_real(tiny_video(tmp), ["--width", str(W), "--height", str(H)])
        v1 = bc.v1_tools()          # (None, why) where git has no V1_COMMIT
        row = bc.measure_host("tiny", clip, v1)
        assert (row["info"]["w"], row["info"]["h"], row["info"]["frames"]) == (W, H, 60), row
        gray = check_anchor_frames(clip, row, tmp)

        # The version-1 column is about the same frames.
        if row["info"]["version"] != 1 and v1[0] is not None:
            olds = os.listdir(os.path.join(bc.CACHE, "v1"))
            assert len(olds) == 1, olds
            old = os.path.join(bc.CACHE, "v1", olds[0])
            assert bc.clip_info(old, v1[2])["version"] == 1
            assert decoded(v1[1], old, tmp) == gray
        assert row["v1"]["video"] > 0 if "v1" in row else row["v1_why"] == v1[1]

        # A second run takes the anchors (and the version-1 twin) from the cache.
        cached = os.path.join(bc.CACHE, "anchors")
        before = {f: os.stat(os.path.join(cached, f)).st_mtime_ns for f in os.listdir(cached)}
        again = bc.measure_host("tiny", clip, v1)
        after = {f: os.stat(os.path.join(cached, f)).st_mtime_ns for f in os.listdir(cached)}
        assert again["anchors"] == row["anchors"] and len(before) == 1 and before == after

        row["guest_why"] = "not run in this test"
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            bc.print_table([row])
        text = out.getvalue()
        for label in (".bav version 1 (old)", "gzip -9", "zstd -19 --long", "xz -9e",
                      "JBIG1 per frame", "host decode", "guest decode", "player CPU"):
            assert label in text, (label, text)
        if "v1" in row:
            xz_ratio = f"{row['anchors']['xz'] / row['v1']['video']:.3f}"
            assert f"| {row['anchors']['xz']:,} | {xz_ratio} |" in text, text
        else:
            assert row["v1_why"] in text, text
