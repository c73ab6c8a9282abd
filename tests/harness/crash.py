"""tests/harness/crash.py — one crash experiment: boot a disk copy running
/bin/fsload (user/fsload.c), SIGKILL QEMU at a chosen moment, then judge
the image the way a person would after pulling the plug:

  1. e2fsck -fn: clean (exit 0) or needs repair (what it reported);
  2. e2fsck -fy repairs it; then every name fsload used is compared with
     what it must hold. A name is checked when the last operation on it is
     durable: it finished at least `age_limit` seconds before the kill (the
     write-back promise, docs/disk.md), or a sync()/fsync() that covers it
     had returned. Checked names must hold exactly the expected bytes (or
     be absent if they were unlinked or renamed away);
  3. the files that were on the image before the boot (/bin, /etc) must be
     byte-identical after the repair.

fsload prints each operation's line before it starts (and "ok" after a
sync/fsync returned), so the host sees every change that may have reached
the disk. A line's arrival time is sampled while the guest runs; an
operation finished no later than the arrival of the next line.

Used by tests/e2e/test_persist.py (a few kills) and tests/crash/crashtest.py
(the long run, before/after numbers).
"""
import os
import random
import re
import shutil
import subprocess
import tempfile
import time

from harness import KERNEL, Machine

MAX_CONTENT = 12000
MAX_APPEND = 2048
OP_LINE = re.compile(rb"^(W|F|A) (\d+) (\d+)$|^R (\d+) (\d+)$|^D (\d+)$|^S$|^ok$|^nosync$")


def _xorshift32(s):
    s ^= (s << 13) & 0xFFFFFFFF
    s ^= s >> 17
    s ^= (s << 5) & 0xFFFFFFFF
    return s


def content(v):
    """The bytes user/fsload.c's content(v) writes."""
    s = (v * 2654435761 + 1) & 0xFFFFFFFF or 1
    s = _xorshift32(s)
    length = s % MAX_CONTENT
    out = bytearray()
    while len(out) < length:
        s = _xorshift32(s)
        out += s.to_bytes(4, "little")
    return bytes(out[:length])


def parse_ops(output, samples, ready_at):
    """fsload's operations from the console bytes after "fsload: ready":
    a list of dicts with kind, args, t_line (arrival of the line) and, for
    S/F, ok (their "ok" arrived: the sync had returned)."""
    def arrival(offset):
        for t, n in samples:
            if n >= offset:
                return t
        return float("inf")  # read after the kill (still sent before it)

    ops, pos = [], ready_at
    for raw in output[ready_at:].split(b"\n"):
        end = pos + len(raw) + 1
        line = raw.rstrip(b"\r")
        pos = end
        m = OP_LINE.match(line)
        if not m:
            continue
        if line in (b"ok", b"nosync"):
            if ops and ops[-1]["kind"] in "SF":
                ops[-1]["ok"] = line == b"ok"
            continue
        kind = line[:1].decode()
        args = [int(x) for x in line.split()[1:]]
        ops.append({"kind": kind, "args": args, "t_line": arrival(end), "ok": False})
    return ops


def expected_state(ops):
    """Replays ops: name -> bytes (absent names missing), and for each name
    the index of the last operation that touched it."""
    files, last = {}, {}
    for i, op in enumerate(ops):
        k, a = op["kind"], op["args"]
        if k in "WF":
            files[a[0]] = content(a[1])
            last[a[0]] = i
        elif k == "A":
            files[a[0]] = files.get(a[0], b"") + content(a[1])[:MAX_APPEND]
            last[a[0]] = i
        elif k == "R":
            files[a[1]] = files.pop(a[0])
            last[a[0]] = last[a[1]] = i
        elif k == "D":
            files.pop(a[0], None)
            last[a[0]] = i
    return files, last


def durable(ops, i, t_kill, age_limit):
    """Why op i must have survived: "sync" (a sync after it, or its own
    fsync, had returned), "age" (done at least age_limit s before the
    kill), or None."""
    op = ops[i]
    if op["kind"] == "F" and op["ok"]:
        return "sync"
    if any(o["kind"] == "S" and o["ok"] for o in ops[i + 1:]):
        return "sync"
    done_by = ops[i + 1]["t_line"] if i + 1 < len(ops) else float("inf")
    return "age" if done_by <= t_kill - age_limit else None


def fsck(img, repair):
    p = subprocess.run(["e2fsck", "-fy" if repair else "-fn", img],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return p.returncode, p.stdout.decode(errors="replace")


def rdump(img, path, dest):
    os.makedirs(dest, exist_ok=True)
    subprocess.run(["debugfs", "-R", f"rdump {path} {dest}", img],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def tree_bytes(root):
    out = {}
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            with open(p, "rb") as f:
                out[os.path.relpath(p, root)] = f.read()
    return out


def fsck_problems(report):
    """Short names for what e2fsck -fn found."""
    kinds = [("unattached inode", r"Unattached inode"),
             ("multiply-claimed", r"[Mm]ultiply-claimed"),
             ("deleted/unused inode entry", r"has deleted/unused inode"),
             ("bitmap differences", r"bitmap differences"),
             ("free counts", r"[Ff]ree (blocks|inodes) count wrong"),
             ("link counts", r"ref count is"),
             ("i_size/blocks", r"i_size is|i_blocks is"),
             ("bad directory entry", r"[Dd]irectory entry|has an incorrect filetype"),
             ("orphan/deleted inode", r"deleted inode|dtime")]
    return sorted({name for name, rx in kinds if re.search(rx, report)})


def baseline_files(disk):
    """/bin and /etc of the pristine image (compared after each repair)."""
    dest = tempfile.mkdtemp(prefix="crash-baseline-")
    try:
        for d in ("bin", "etc"):
            rdump(disk, "/" + d, dest)
        return tree_bytes(dest)
    finally:
        shutil.rmtree(dest, ignore_errors=True)


def run_one(disk, seed, kill_after, kernel=KERNEL, age_limit=5.0, workdir=None,
            baseline=None, syncs=True):
    """Boot a copy of disk with fsload, SIGKILL after kill_after seconds of
    work, judge the image. syncs=False: fsload never syncs, so only the
    write-back can have saved anything. Returns a dict of findings."""
    tmp = tempfile.mkdtemp(prefix="crash-", dir=workdir)
    try:
        img = os.path.join(tmp, "hdd.dsk")
        shutil.copyfile(disk, img)
        args = "" if syncs else " 0 10000 nosync"
        with Machine(cmd=f"fsload /crash {seed}{args}", disk=img, kernel=kernel,
                     timeout=kill_after + 120) as m:
            ready = m.expect(r"fsload: ready\r?\n", timeout=60).end()
            samples, t0 = [], time.monotonic()
            while time.monotonic() - t0 < kill_after:
                samples.append((time.monotonic(), len(m.output)))
                time.sleep(0.02)
            t_kill = time.monotonic()
            m.kill()
            m._reader.join(timeout=10)
            output = m.output
        if b"fsload: error" in output:
            raise AssertionError("fsload failed:\n" + output.decode(errors="replace")[-2000:])
        ops = parse_ops(output, samples, ready)
        rc, report = fsck(img, repair=False)
        rc_fix, _ = fsck(img, repair=True)
        rc_after, report_after = fsck(img, repair=False)
        files, last = expected_state(ops)
        got_dir = os.path.join(tmp, "got")
        rdump(img, "/crash", got_dir)
        got = tree_bytes(os.path.join(got_dir, "crash")) if os.path.isdir(
            os.path.join(got_dir, "crash")) else {}
        checked = {"sync": 0, "age": 0}
        lost = {"sync": [], "age": []}
        for name, i in last.items():
            why = durable(ops, i, t_kill, age_limit)
            if not why:
                continue
            checked[why] += 1
            want = files.get(name)
            have = got.get(f"f{name}")
            if want != have:
                what = ("missing" if have is None else "should be gone" if want is None
                        else f"{len(have)} bytes, want {len(want)}")
                lost[why].append(f"f{name} ({what}; last op #{i} {ops[i]['kind']})")
        old_damaged = []
        if baseline is not None:
            after = os.path.join(tmp, "after")
            for d in ("bin", "etc"):
                rdump(img, "/" + d, after)
            now = tree_bytes(after)
            old_damaged = sorted(n for n in baseline if now.get(n) != baseline[n])
        return {"seed": seed, "kill_after": kill_after, "ops": len(ops), "syncs_on": syncs,
                "syncs": sum(1 for o in ops if o["kind"] in "SF" and o["ok"]),
                "clean": rc == 0, "problems": fsck_problems(report), "report": report,
                "repaired_clean": rc_after == 0, "report_after": report_after,
                "checked": checked, "lost": lost, "old_damaged": old_damaged,
                "has_sync": not re.search(rb"^nosync\r?$", output[ready:], re.M)}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def random_runs(n, rng_seed, low, high):
    """(seed, kill_after) pairs for n experiments, reproducible."""
    rng = random.Random(rng_seed)
    return [(rng.randrange(1, 1 << 31), round(rng.uniform(low, high), 2)) for _ in range(n)]
