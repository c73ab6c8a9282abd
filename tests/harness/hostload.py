"""tests/harness/hostload.py — how much the host kept QEMU off the CPU.

    pid = qemu_pid(machine.proc.pid)          # the qemu-system process
    s = Starvation(pid)                       # starts sampling
    ...
    s.stop()
    s.waited(t0, t1)                          # seconds, between host times
    s.worst(t0, t1, span=0.1)                 # worst `span`-long stretch

Why: under TCG the guest's clock is the host's clock, so when the host is
busy and QEMU's threads wait for a CPU, the guest simply sees time pass
without running: a timing test (A/V sync, dropped frames) then measures the
host, not the OS. A test judges the guest only where the host let it run,
and excuses a miss only where it did not.

What is measured: the kernel's run-queue delay of every QEMU thread
(/proc/PID/task/TID/schedstat, second field: nanoseconds spent runnable but
waiting for a CPU; cumulative, so the sampling period only sets the time
resolution, not the accuracy). Each sample records, for the host-time
interval since the previous one, the largest increase of that delay among
the threads
(the vCPU thread and the main loop, which runs the audio timer and the
display, are the ones that matter; the one most kept waiting bounds what the
guest could do). Sleeping threads (the parked hart, idle workers) do not wait
on a run queue and add nothing.
"""
import os
import threading
import time


def qemu_pid(parent, timeout=10):
    """The qemu-system process started by run.py (pid `parent`), or `parent`
    itself if it is QEMU; None if none appears within `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                with open(f"/proc/{d}/comm") as f:
                    comm = f.read().strip()
            except (OSError, ValueError, IndexError):
                continue
            if comm.startswith("qemu") and parent in (ppid, int(d)):
                return int(d)
        time.sleep(0.05)
    return None


def _run_delays(pid):
    """{tid: run-queue delay in ns} of every thread of pid."""
    out = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                out[tid] = int(f.read().split()[1])
        except (OSError, ValueError, IndexError):
            pass
    return out


class Starvation:
    def __init__(self, pid, period=0.01):
        self.pid, self.period = pid, period
        self.samples = []                     # (t0, t1, worst thread's wait in s)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self):
        last, t_last = _run_delays(self.pid), time.monotonic()
        while not self._stop.wait(self.period):
            now, t = _run_delays(self.pid), time.monotonic()
            if not now:
                break                         # QEMU is gone
            worst = max((v - last.get(tid, v) for tid, v in now.items()), default=0)
            self.samples.append((t_last, t, worst / 1e9))
            last, t_last = now, t

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=2)

    def waited(self, t0, t1):
        """Seconds the most-delayed QEMU thread waited for a CPU within
        [t0, t1]; a sampling interval that straddles an end counts in
        proportion to its overlap (the sampler itself may run late)."""
        total = 0.0
        for a, b, w in self.samples:
            overlap = min(b, t1) - max(a, t0)
            if overlap > 0:
                total += w * overlap / (b - a)
        return total

    def worst(self, t0, t1, span=0.1):
        """The most waiting within any `span`-long stretch of [t0, t1]
        (stretches ending at each sample)."""
        return max((self.waited(b - span, b) for a, b, w in self.samples if t0 < b <= t1),
                   default=0.0)

    def total(self):
        return sum(w for _, _, w in self.samples)
