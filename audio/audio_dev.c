/*
 * audio/audio_dev.c — /dev/audio: the PCM stream (pcm_stream.c) between
 * write() and the sound card (drivers/pcm_out.h; virtio-sound).
 *
 * One opener at a time. The format (S16LE, 44100/48000 Hz, 1-2 channels) is
 * set by ioctl(AUDIO_SET_FORMAT) before the first write, default 44100 Hz
 * stereo. Writes block while the 64 KiB ring is full (O_NONBLOCK: EAGAIN).
 * AUDIO_DRAIN returns once everything written has been completed by the
 * device and the latency estimate has passed, i.e. when it has been heard;
 * AUDIO_FLUSH drops what has not been heard yet (a player's seek).
 * Playback starts once AUDIO_PRIME periods are queued (or on drain), so
 * the first periods are real samples, not underrun silence. INFLIGHT
 * 10 ms periods are kept at the device; each completion (interrupt) hands
 * out the next period — silence, counted as an underrun, when the writer
 * fell behind. Closing drains what was written, then releases the stream.
 * The clock (AUDIO_GET_CLOCK) is pcm_clock_frames(): stream frames heard,
 * with the latency estimate subtracted (docs/audio.md). The estimate
 * starts, at each open, at the bootarg audio_latency_ms=N (tools/run.py sets
 * it for the host backend it chose; PCM_DEFAULT_LATENCY_NS without it);
 * AUDIO_SET_LATENCY replaces it until close.
 *
 * /dev/audio never stalls its users: when the device stops completing
 * periods (no audio backend on the host, a stopped sound server), the
 * pacer (pcm_pacer.c) notices — within START_STALL_MS when it took
 * nothing since the run started (no backend), STALL_MS when it stopped
 * after taking some (a stopped sound server) — and a timer
 * stands in for the device at the nominal rate — writes, drain and the
 * clock go on, silently; AUDIO_GET_CLOCK reports it (silent = 1). When the
 * device completes a period again, sound resumes. Both are logged once.
 *
 * Each of the INFLIGHT period slots is
 *   FREE       ours, not at the device;
 *   PLAYING    at the device, and one of the stream's periods in flight;
 *   ABANDONED  at the device, but the stream no longer waits for it (the
 *              timer took over, or the stream was released): its
 *              completion only frees the slot. Its buffer is never freed
 *              or reused while the device holds it.
 * Periods the timer paces are held by no slot (timed_periods; their bytes
 * went to a scratch buffer). Invariants (check_invariants):
 *   pcm in flight = PLAYING slots + timed_periods;
 *   DEVICE mode ⇒ timed_periods = 0;  TIMER mode ⇒ no PLAYING slot;
 *   the watchdog is armed only while the stream runs (pcm_pacer.h).
 *
 * Locking: stream state changes with interrupts disabled (completions and
 * the watchdog come from interrupt handlers); control requests to the
 * device are made from process context with interrupts enabled.
 */
#include "audio/audio_dev.h"

#include "audio/pcm_pacer.h"
#include "audio/pcm_stream.h"
#include "drivers/pcm_out.h"
#include "fs/vfs.h"
#include "kernel/lib/cmdline.h"
#include "kernel/arch/console.h"
#include "kernel/abi/errno.h"
#include "kernel/mm/kalloc.h"
#include "kernel/arch/panic.h"
#include "kernel/arch/platform.h"
#include "kernel/arch/riscv.h"
#include "kernel/hooks/sched.h"
#include "kernel/task/sleeplock.h"
#include "kernel/lib/string.h"
#include "kernel/arch/timer.h"
#include "kernel/mm/uaccess.h"

#define RING_BYTES (64 * 1024)
#define INFLIGHT 4
#define AUDIO_PRIME INFLIGHT
/* The pacer's stall windows (pcm_pacer.h). A device that has completed
 * nothing 20 periods after START has no backend: QEMU's mixer takes the
 * first period within its 10 ms tick whenever a backend exists (measured:
 * 10 ms, also on a busy host); the rest is margin for a host so loaded
 * that QEMU's main loop runs late, where a false stall would drop sound
 * (a wav capture would miss its first samples). One that
 * has completed some may be a sound server still starting: PulseAudio on a
 * busy host was seen taking the first period, then nothing for 0.8-1.7 s
 * before playing; the timer would throw that sound away, so wait longer. */
#define START_STALL_MS 200
#define STALL_MS 2000
/* How long a RELEASE may take to hand back the periods the device holds. */
#define RECLAIM_NS 200000000ULL

enum slot_state { SLOT_FREE, SLOT_PLAYING, SLOT_ABANDONED };

/* The sound card, from audio_dev_init on (NULL: none, no /dev/audio). */
static const struct pcm_out *card;

static struct {
    struct pcm_stream pcm;
    uint8_t *ring;
    struct pcm_out_period periods[INFLIGHT];
    enum slot_state slot[INFLIGHT];
    uint8_t *scratch;           /* TIMER mode: where paced periods go */
    uint32_t timed_periods;     /* in flight, paced by the timer */
    struct pcm_pacer pacer;
    struct timerq_entry watchdog;
    uint32_t rate, channels;
    bool open, configured, started;
    bool releasing;             /* completions only hand buffers back */
    uint64_t device_errors;
    uint64_t latency_ns;        /* the estimate for this opener */
} A;

/* One process at a time in the stream's process-context paths (write,
 * ioctl, release): /dev/audio opens once, but a forked child shares the
 * open file, and configure, start, drain and release sleep half-way
 * through (control requests, waits) — another process pumping or
 * reconfiguring meanwhile broke the slot/period accounting (a kernel panic
 * sysfuzz found: usertest audio_shared_by_forked_writers). Interrupt
 * paths (completions, the watchdog) run with irqs off as before. */
static struct sleeplock stream_lock;

/* From the bootargs (audio_dev_init); each open starts with it. */
static uint64_t boot_latency_ns = PCM_DEFAULT_LATENCY_NS;

/* A drain waits the latency estimate (a mean) and this margin before STOP:
 * QEMU's mixer still holds up to about one 10 ms audio-timer tick of the
 * last completed period, and a STOP before it is written out cuts the end
 * of the sound (tests/e2e/test_sound.py compares captures sample for
 * sample). */
#define DRAIN_MARGIN_NS 15000000ull

/* After the last completion: until the sound has been heard (or a signal). */
static int wait_heard(void)
{
    return sched_sleep_until(uptime_ns() + A.pcm.latency_ns + DRAIN_MARGIN_NS);
}

static void check_invariants(void)
{
    uint32_t playing = 0;
    for (int i = 0; i < INFLIGHT; i++)
        playing += A.slot[i] == SLOT_PLAYING;
    KASSERT(pacer_check(&A.pacer));
    if (pacer_mode(&A.pacer) == PACER_DEVICE)
        KASSERT(A.timed_periods == 0);
    else
        KASSERT(playing == 0);
    if (A.configured && !A.releasing)
        KASSERT(pcm_inflight(&A.pcm) == playing + A.timed_periods);
}

/* After every change of stream or pacer (irqs off): the pacer runs only
 * while the stream does, and the watchdog follows the pacer's deadline.
 * An earlier armed deadline is left alone: when it fires, the pacer finds
 * nothing to do and the watchdog is armed again — at most one interrupt
 * per stall window while the device keeps up. */
static void settle(void)
{
    KASSERT_INTR_OFF();
    if (!A.configured || !A.started || pcm_get_state(&A.pcm) != PCM_RUNNING)
        pacer_stop(&A.pacer);
    check_invariants();
    uint64_t deadline = pacer_deadline(&A.pacer);
    if (deadline == PACER_NEVER)
        timer_cancel(&A.watchdog);
    else if (!A.watchdog.armed || A.watchdog.deadline > deadline)
        timer_arm(&A.watchdog, deadline);
}

/* Hand periods to the device while there are free slots (irqs off). */
static void pump_device(void)
{
    KASSERT_INTR_OFF();
    for (int i = 0; i < INFLIGHT; i++) {
        if (A.slot[i] != SLOT_FREE)
            continue;
        bool silence;
        if (pcm_next_period(&A.pcm, A.periods[i].pcm, &silence) < 0)
            return;
        A.periods[i].pcm_bytes = A.pcm.period_bytes;
        if (card->submit(&A.periods[i]) < 0) {
            A.device_errors++;
            return;
        }
        A.slot[i] = SLOT_PLAYING;
    }
}

/* TIMER mode: keep INFLIGHT periods "in flight" for the timer to pace. */
static void pump_timed(void)
{
    bool silence;
    while (A.timed_periods < INFLIGHT && pcm_next_period(&A.pcm, A.scratch, &silence) == 0)
        A.timed_periods++;
}

static void pump(void)
{
    if (A.releasing)
        return;
    if (pacer_mode(&A.pacer) == PACER_TIMER)
        pump_timed();
    else
        pump_device();
    settle();
}

/* One period of the stream is over, by the device or by the timer. */
static void period_over(void)
{
    KASSERT(pcm_period_completed(&A.pcm, uptime_ns()) >= 0);
}

/* The timer takes over the periods the device holds. */
static void abandon_device_periods(void)
{
    for (int i = 0; i < INFLIGHT; i++) {
        if (A.slot[i] == SLOT_PLAYING) {
            A.slot[i] = SLOT_ABANDONED;
            A.timed_periods++;
        }
    }
}

/* The device is back: the periods only the timer held are over now (the
 * clock steps by at most INFLIGHT periods); the device paces the rest. */
static void device_recovered(void)
{
    for (; A.timed_periods > 0; A.timed_periods--)
        period_over();
    klog("audio: the device completes periods again; sound resumes\n");
}

static void period_done(struct pcm_out_period *p, bool ok)
{
    int i = (int)(p - A.periods);
    KASSERT(i >= 0 && i < INFLIGHT);
    if (A.slot[i] == SLOT_FREE) {
        klog("audio: the device completed period slot %d twice\n", i);
        return;
    }
    bool counted = A.slot[i] == SLOT_PLAYING && !A.releasing;
    A.slot[i] = SLOT_FREE;
    if (!ok && counted)
        A.device_errors++;
    if (pacer_device_completed(&A.pacer, uptime_ns(), ok) == PACER_RECOVERED)
        device_recovered();
    if (counted)
        period_over();
    pump();
    settle(); /* pump does not when releasing */
    sched_wakeup(&A);
}

/* The watchdog (timer interrupt): a stall, or periods the timer paces. */
static void watchdog_fired(struct timerq_entry *e)
{
    (void)e;
    uint32_t due;
    if (pacer_expired(&A.pacer, uptime_ns(), &due) == PACER_STALLED) {
        abandon_device_periods();
        klog("audio: device stopped completing periods; playing silently on a timer\n");
        pump();
    }
    for (; due > 0 && A.timed_periods > 0; due--) {
        A.timed_periods--;
        period_over();
        pump();
    }
    settle();
    sched_wakeup(&A);
}

static bool device_holds_periods(void)
{
    for (int i = 0; i < INFLIGHT; i++)
        if (A.slot[i] != SLOT_FREE)
            return true;
    return false;
}

/* Buffers the device still holds are left to it (never freed under it). */
static void free_buffers(void)
{
    for (int i = 0; i < INFLIGHT; i++) {
        if (A.slot[i] == SLOT_FREE)
            kfree(A.periods[i].pcm);
        A.periods[i].pcm = NULL;
    }
    kfree(A.scratch);
    A.scratch = NULL;
    if (A.ring)
        kpages_free(A.ring);
    A.ring = NULL;
}

static int configure(uint32_t rate, uint32_t channels)
{
    if ((rate != 44100 && rate != 48000) || channels < 1 || channels > 2)
        return -EINVAL;
    uint32_t period_frames = pcm_period_frames_for_ms(rate, PCM_DEFAULT_PERIOD_MS);
    uint32_t period_bytes = period_frames * 2 * channels;
    int err = card->configure(rate, channels, period_bytes, period_bytes * INFLIGHT);
    if (err)
        return err;
    free_buffers();
    A.configured = false;
    A.ring = kpages_alloc(RING_BYTES / PAGE_SIZE, 1, PAGE_OWNER_AUDIO);
    A.scratch = kmalloc(period_bytes);
    for (int i = 0; i < INFLIGHT; i++)
        A.periods[i].pcm = kmalloc(period_bytes);
    for (int i = 0; i < INFLIGHT; i++)
        if (!A.periods[i].pcm || !A.scratch)
            A.ring = NULL;
    if (!A.ring) {
        free_buffers();
        return -ENOMEM;
    }
    err = pcm_init(&A.pcm, A.ring, RING_BYTES, rate, channels, period_frames);
    if (err)
        return err;
    A.latency_ns = pcm_set_latency_ns(&A.pcm, A.latency_ns);
    uint64_t flags = irq_save();
    pacer_set_format(&A.pacer, rate, period_frames);
    A.timed_periods = 0;
    A.rate = rate;
    A.channels = channels;
    A.configured = true;
    irq_restore(flags);
    return 0;
}

/* Prime the device and START (process context). A device known to be
 * stalled still gets the first periods, as a probe: if it ever completes
 * them, sound resumes; meanwhile the timer paces them. The pacer runs
 * before START is sent, so no completion goes unseen. */
static int start_playback(void)
{
    uint64_t flags = irq_save();
    pcm_start(&A.pcm, uptime_ns());
    pump_device();
    if (pacer_mode(&A.pacer) == PACER_TIMER) {
        abandon_device_periods();
        pump_timed();
    }
    A.started = true;
    pacer_start(&A.pacer, uptime_ns());
    settle();
    irq_restore(flags);
    int err = card->start();
    if (err) {
        flags = irq_save();
        A.started = false;
        settle();
        irq_restore(flags);
    }
    return err;
}

/* After STOP the card only accepts START or RELEASE (drivers/pcm_out.h). */
static int stop_playback(void)
{
    int err = A.started ? card->stop() : 0;
    uint64_t flags = irq_save();
    A.started = false;
    settle();
    irq_restore(flags);
    return err;
}

/* STOP and RELEASE, which makes the device hand back the periods it holds
 * (waited for, up to RECLAIM_NS; a device that keeps some keeps their
 * buffers too); the stream is back to IDLE, empty. The device needs
 * SET_PARAMS and PREPARE (configure) before the next run. */
static int release_stream(void)
{
    uint64_t flags = irq_save();
    A.releasing = true;
    for (int i = 0; i < INFLIGHT; i++)
        if (A.slot[i] == SLOT_PLAYING)
            A.slot[i] = SLOT_ABANDONED;
    A.timed_periods = 0;
    irq_restore(flags);
    stop_playback();
    int err = card->release();
    uint64_t give_up = uptime_ns() + RECLAIM_NS;
    flags = irq_save();
    while (device_holds_periods() && uptime_ns() < give_up) {
        irq_restore(flags);
        sched_sleep_until(uptime_ns() + 2000000ULL);
        flags = irq_save();
    }
    bool stuck = device_holds_periods();
    pcm_reset(&A.pcm);
    A.releasing = false;
    settle();
    irq_restore(flags);
    if (stuck)
        klog("audio: the device kept periods after RELEASE\n");
    return err;
}

/* AUDIO_FLUSH: everything not yet heard is dropped (release_stream); the
 * stream is set up again (configure keeps format and latency estimate),
 * clock at 0. */
static int flush_stream(void)
{
    int err = release_stream();
    if (!err)
        err = configure(A.rate, A.channels);
    return err;
}

/* A new run of the stream after a drain: release, then set up again. */
static int restart_stream(void)
{
    release_stream();
    return configure(A.rate, A.channels);
}

static int audio_open(struct file *f)
{
    (void)f;
    if (!card)
        return -ENODEV;
    uint64_t flags = irq_save();
    bool busy = A.open;
    A.open = true;
    irq_restore(flags);
    if (busy)
        return -EBUSY;
    A.configured = false;
    A.started = false;
    A.latency_ns = boot_latency_ns;
    return 0;
}

/* PAUSED → RUNNING: the pacer starts over, the device gets START. */
static int resume_playback(void)
{
    uint64_t flags = irq_save();
    int err = pcm_resume(&A.pcm, uptime_ns());
    if (!err)
        pacer_resume(&A.pacer, uptime_ns());
    settle();
    irq_restore(flags);
    if (err)
        return err;
    err = card->start();
    flags = irq_save();
    pump();
    irq_restore(flags);
    return err;
}

static int wait_drained(void)
{
    int err = 0;
    uint64_t flags = irq_save();
    pcm_drain(&A.pcm);
    irq_restore(flags);
    if (!A.started && pcm_queued_bytes(&A.pcm) > 0)
        err = start_playback();
    flags = irq_save();
    pump();
    while (!err && A.started && !pcm_drained(&A.pcm))
        err = sched_sleep_interruptible(&A, false);
    irq_restore(flags);
    return err;
}

static int64_t stream_write(struct file *f, const void *buf, uint64_t n)
{
    if (!A.configured) {
        int err = configure(44100, 2);
        if (err)
            return err;
    }
    if (pcm_get_state(&A.pcm) == PCM_DRAINED) {
        int err = restart_stream();
        if (err)
            return err;
    }
    const uint8_t *src = buf;
    uint64_t done = 0;
    uint64_t flags = irq_save();
    while (done < n) {
        long got = pcm_write(&A.pcm, src + done, n - done);
        if (got > 0) {
            done += (uint64_t)got;
            pump();
            continue;
        }
        if (got != -EAGAIN) {
            irq_restore(flags);
            return done ? (int64_t)done : got;
        }
        if (!A.started) {
            /* Ring full before playback started: start now. */
            irq_restore(flags);
            int err = start_playback();
            flags = irq_save();
            if (err) {
                irq_restore(flags);
                return done ? (int64_t)done : err;
            }
            continue;
        }
        /* Others may use the stream while this writer waits for room (a
         * RESUME must get through); irqs stay off, so no wakeup is lost
         * (and no one takes the lock between release and a sleep). */
        sleeplock_release(&stream_lock);
        int err = sched_sleep_interruptible(&A, f->flags & O_NONBLOCK);
        sleeplock_acquire(&stream_lock);
        if (err) {
            irq_restore(flags);
            return done ? (int64_t)done : err;
        }
    }
    bool start_now = !A.started &&
                     pcm_queued_bytes(&A.pcm) >= (size_t)AUDIO_PRIME * A.pcm.period_bytes;
    irq_restore(flags);
    if (start_now) {
        int err = start_playback();
        if (err)
            return err;
    }
    return (int64_t)done;
}

static int stream_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
    (void)f;
    if (cmd == AUDIO_SET_FORMAT) {
        struct audio_format fmt;
        if (copy_from_user(&fmt, arg, sizeof fmt) < 0)
            return -EFAULT;
        if (A.started)
            return -EBUSY;
        return configure(fmt.rate, fmt.channels);
    }
    if (!A.configured) {
        int err = configure(44100, 2);
        if (err)
            return err;
    }
    uint64_t flags;
    switch (cmd) {
    case AUDIO_GET_CLOCK: {
        struct audio_clock c;
        memset(&c, 0, sizeof c);
        flags = irq_save();
        c.frames_played = pcm_clock_frames(&A.pcm, uptime_ns());
        c.frames_written = pcm_stats(&A.pcm)->bytes_written / A.pcm.frame_bytes;
        c.underruns = pcm_stats(&A.pcm)->underruns;
        c.queued_bytes = pcm_queued_bytes(&A.pcm);
        c.latency_ns = A.pcm.latency_ns;
        c.paused = pcm_get_state(&A.pcm) == PCM_PAUSED;
        c.silent = pacer_mode(&A.pacer) == PACER_TIMER;
        irq_restore(flags);
        c.rate = A.rate;
        c.channels = A.channels;
        return (int)copy_to_user(arg, &c, sizeof c);
    }
    case AUDIO_DRAIN: {
        /* Completed periods are in the host's mixer, not yet heard: wait
         * the latency estimate too, so "drained" means "played". */
        int err = wait_drained();
        if (!err)
            err = wait_heard();
        if (!err)
            err = stop_playback();
        return err;
    }
    case AUDIO_PAUSE:
        if (!A.started)
            return 0;
        flags = irq_save();
        pcm_pause(&A.pcm, uptime_ns());
        settle();
        irq_restore(flags);
        return card->stop();
    case AUDIO_RESUME:
        return A.started ? resume_playback() : 0;
    case AUDIO_FLUSH:
        return flush_stream();
    case AUDIO_SET_LATENCY:
        flags = irq_save();
        A.latency_ns = pcm_set_latency_ns(&A.pcm, arg);
        irq_restore(flags);
        return 0;
    default:
        return -ENOTTY;
    }
}

static void stream_release(struct file *f)
{
    (void)f;
    if (A.configured) {
        if (pcm_get_state(&A.pcm) == PCM_PAUSED)
            resume_playback();
        if (wait_drained() == 0)
            wait_heard();
        struct pcm_stats s = *pcm_stats(&A.pcm);
        klog("audio: closed: %lu bytes played in %lu periods, %lu underruns%s\n",
             s.bytes_written, s.periods_completed, s.underruns,
             pacer_mode(&A.pacer) == PACER_TIMER ? " (silently, on the timer)" : "");
        release_stream();
        free_buffers();
    }
    A.configured = false;
    A.started = false;
    A.open = false;
}

/* The file operations, one process at a time (stream_lock). */
static int64_t audio_write(struct file *f, const void *buf, uint64_t n)
{
    sleeplock_acquire(&stream_lock);
    int64_t r = stream_write(f, buf, n);
    sleeplock_release(&stream_lock);
    return r;
}

static int audio_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
    sleeplock_acquire(&stream_lock);
    int r = stream_ioctl(f, cmd, arg);
    sleeplock_release(&stream_lock);
    return r;
}

static void audio_release(struct file *f)
{
    sleeplock_acquire(&stream_lock);
    stream_release(f);
    sleeplock_release(&stream_lock);
}

static const struct file_ops audio_ops = {
    .write = audio_write, .ioctl = audio_ioctl, .release = audio_release,
};
static const struct device dev_audio = { "audio", 0x0e03, &audio_ops, audio_open };

/* The host's output latency as tools/run.py estimated it for its backend
 * (bootarg audio_latency_ms=N, 0..1000). */
static void latency_from_bootargs(void)
{
    const char *v;
    size_t len;
    uint64_t ms;
    if (cmdline_get_uint(platform.bootargs, "audio_latency_ms", 1000, &ms)) {
        boot_latency_ns = ms * 1000000ull;
        klog("audio: latency estimate %lu ms (bootarg audio_latency_ms)\n", ms);
    } else if (cmdline_find(platform.bootargs, "audio_latency_ms", &v, &len)) {
        klog("audio: bootarg audio_latency_ms wants 0..1000; estimate stays %lu ms\n",
             boot_latency_ns / 1000000);
    }
}

void audio_dev_init(void)
{
    latency_from_bootargs();
    pacer_init(&A.pacer, 44100, pcm_period_frames_for_ms(44100, PCM_DEFAULT_PERIOD_MS),
               START_STALL_MS * 1000000ULL, STALL_MS * 1000000ULL);
    A.watchdog.fire = watchdog_fired;
    card = pcm_out_get();
    if (!card)
        return;
    pcm_out_set_done(period_done);
    dev_register(&dev_audio);
}
