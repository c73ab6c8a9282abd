/*
 * audio/audio_dev.c — /dev/audio: the PCM stream (pcm_stream.c) between
 * write() and the virtio-sound driver.
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
 * Locking: stream state changes with interrupts disabled (completions come
 * from the interrupt handler); control requests to the device are made
 * from process context with interrupts enabled.
 */
#include "audio/audio_dev.h"

#include "audio/pcm_stream.h"
#include "drivers/virtio/virtio_snd.h"
#include "fs/vfs.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/kalloc.h"
#include "kernel/platform.h"
#include "kernel/proc.h"
#include "kernel/riscv.h"
#include "kernel/sched.h"
#include "kernel/signal_hooks.h"
#include "kernel/string.h"
#include "kernel/timer.h"
#include "kernel/uaccess.h"

#define RING_BYTES (64 * 1024)
#define INFLIGHT 4
#define AUDIO_PRIME INFLIGHT

static struct {
    struct pcm_stream pcm;
    uint8_t *ring;
    struct snd_period periods[INFLIGHT];
    bool busy[INFLIGHT];
    uint32_t rate, channels;
    bool open, configured, started;
    bool flushing;              /* completions only hand buffers back */
    uint64_t device_errors;
    uint64_t latency_ns;        /* the estimate for this opener */
} A;

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
    return proc_sleep_until(uptime_ns() + A.pcm.latency_ns + DRAIN_MARGIN_NS);
}

/* Hand periods to the device while there are free slots (irqs off). */
static void pump(void)
{
    for (int i = 0; i < INFLIGHT; i++) {
        if (A.busy[i])
            continue;
        bool silence;
        if (pcm_next_period(&A.pcm, A.periods[i].pcm, &silence) < 0)
            return;
        A.periods[i].pcm_bytes = A.pcm.period_bytes;
        if (virtio_snd_submit(&A.periods[i]) < 0) {
            A.device_errors++;
            return;
        }
        A.busy[i] = true;
    }
}

static void period_done(struct snd_period *p, bool ok)
{
    if (!ok && !A.flushing)
        A.device_errors++;
    for (int i = 0; i < INFLIGHT; i++)
        if (&A.periods[i] == p)
            A.busy[i] = false;
    if (!A.flushing) {
        pcm_period_completed(&A.pcm, uptime_ns());
        pump();
    }
    sched_wakeup(&A);
}

static bool any_busy(void)
{
    for (int i = 0; i < INFLIGHT; i++)
        if (A.busy[i])
            return true;
    return false;
}

static void free_buffers(void)
{
    for (int i = 0; i < INFLIGHT; i++) {
        kfree(A.periods[i].pcm);
        A.periods[i].pcm = NULL;
    }
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
    int err = virtio_snd_configure(rate, channels, period_bytes, period_bytes * INFLIGHT);
    if (err)
        return err;
    free_buffers();
    A.ring = kpages_alloc(RING_BYTES / PAGE_SIZE, 1, PAGE_OWNER_AUDIO);
    for (int i = 0; i < INFLIGHT; i++)
        A.periods[i].pcm = kmalloc(period_bytes);
    for (int i = 0; i < INFLIGHT; i++)
        if (!A.periods[i].pcm)
            A.ring = NULL;
    if (!A.ring) {
        free_buffers();
        return -ENOMEM;
    }
    err = pcm_init(&A.pcm, A.ring, RING_BYTES, rate, channels, period_frames);
    if (err)
        return err;
    A.latency_ns = pcm_set_latency_ns(&A.pcm, A.latency_ns);
    A.rate = rate;
    A.channels = channels;
    A.configured = true;
    return 0;
}

/* Prime the device and START (process context). */
static int start_playback(void)
{
    uint64_t flags = irq_save();
    pcm_start(&A.pcm, uptime_ns());
    pump();
    irq_restore(flags);
    int err = virtio_snd_start();
    if (!err)
        A.started = true;
    return err;
}

/* After STOP the device only accepts START or RELEASE (virtio 1.2 §5.14). */
static int stop_playback(void)
{
    int err = A.started ? virtio_snd_stop() : 0;
    A.started = false;
    return err;
}

/* AUDIO_FLUSH: everything not yet heard is dropped. STOP, then RELEASE,
 * which makes the device hand back the periods it holds; then the stream is
 * set up again (configure keeps format and latency estimate), clock at 0. */
static int flush_stream(void)
{
    uint64_t flags = irq_save();
    A.flushing = true;
    irq_restore(flags);
    stop_playback();
    int err = virtio_snd_release();
    uint64_t give_up = uptime_ns() + 200000000ULL;
    flags = irq_save();
    while (any_busy() && uptime_ns() < give_up) {
        irq_restore(flags);
        proc_sleep_until(uptime_ns() + 2000000ULL);
        flags = irq_save();
    }
    bool stuck = any_busy();
    A.flushing = false;
    irq_restore(flags);
    if (stuck) {
        klog("audio: flush: the device kept periods after RELEASE\n");
        return -EIO;
    }
    if (!err)
        err = configure(A.rate, A.channels);
    return err;
}

/* A new run of the stream after a drain: release, then set up again. */
static int restart_stream(void)
{
    stop_playback();
    virtio_snd_release();
    return configure(A.rate, A.channels);
}

static int audio_open(struct file *f)
{
    (void)f;
    if (!virtio_snd_present())
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
    while (!err && A.started && !pcm_drained(&A.pcm)) {
        if (signal_pending_for_current()) {
            err = -EINTR;
            break;
        }
        sched_sleep(&A);
    }
    irq_restore(flags);
    return err;
}

static int64_t audio_write(struct file *f, const void *buf, uint64_t n)
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
        if ((f->flags & O_NONBLOCK) || signal_pending_for_current()) {
            irq_restore(flags);
            if (done)
                return (int64_t)done;
            return (f->flags & O_NONBLOCK) ? -EAGAIN : -EINTR;
        }
        sched_sleep(&A);
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

static int audio_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
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
        irq_restore(flags);
        return virtio_snd_stop();
    case AUDIO_RESUME: {
        if (!A.started)
            return 0;
        flags = irq_save();
        int err = pcm_resume(&A.pcm, uptime_ns());
        irq_restore(flags);
        if (err)
            return err;
        err = virtio_snd_start();
        flags = irq_save();
        pump();
        irq_restore(flags);
        return err;
    }
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

static void audio_release(struct file *f)
{
    (void)f;
    if (A.configured) {
        if (pcm_get_state(&A.pcm) == PCM_PAUSED) {
            uint64_t flags = irq_save();
            pcm_resume(&A.pcm, uptime_ns());
            irq_restore(flags);
            virtio_snd_start();
        }
        if (wait_drained() == 0)
            wait_heard();
        stop_playback();
        virtio_snd_release();
        struct pcm_stats s = *pcm_stats(&A.pcm);
        klog("audio: closed: %lu bytes played in %lu periods, %lu underruns\n",
             s.bytes_written, s.periods_completed, s.underruns);
        free_buffers();
    }
    A.configured = false;
    A.started = false;
    A.open = false;
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
    if (virtio_snd_init(period_done) == 0)
        dev_register(&dev_audio);
}
