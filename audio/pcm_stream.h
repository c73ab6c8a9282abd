/*
 * audio/pcm_stream.h — the kernel's playback PCM stream and its clock; pure.
 *
 * Between the /dev/audio writer and the virtio-sound driver. Writers queue
 * S16LE bytes into a ring (storage passed in, capacity a power of two); the
 * driver takes exactly one period at a time (pcm_next_period), submits it as
 * one TX message, and reports completions in order (pcm_period_completed).
 * No locks here: the kernel serialises calls (writer vs. completion IRQ).
 *
 * Invariants:
 *  - Queued bytes leave the ring only inside real periods, in order, exactly
 *    once; silence (underrun) never consumes or shifts queued bytes.
 *  - Every period is exactly period_bytes on the device; only the final
 *    drain period mixes samples (first) and silence padding (after).
 *  - The clock (pcm_clock_frames) is in *stream* frames — frames of written
 *    data — so silence inserted during an underrun or pause does not move
 *    it. It never goes backwards and never exceeds what was submitted.
 *    Formula and latency estimate: docs/audio.md and pcm_clock_frames below.
 *
 * States: IDLE (configured, writes queue up, nothing submitted) → pcm_start
 * → RUNNING ⇄ PAUSED (pcm_pause / pcm_resume); pcm_drain sets a flag so the
 * queue's tail is padded and played instead of underrunning; once all of it
 * has completed the state is DRAINED. pcm_reset returns to IDLE.
 */
#ifndef AUDIO_PCM_STREAM_H
#define AUDIO_PCM_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/ringbuf.h"

/* Periods in flight at the device at most (a TX message takes 3 descriptors
 * of a 64-entry virtqueue, so 21 would fit; 16 is 160 ms at 10 ms periods). */
#define PCM_MAX_INFLIGHT 16u
/* Per-period records kept for mapping device frames back to stream frames:
 * the in-flight ones plus at least 112 completed ones, which bounds the
 * latency estimate (pcm_set_latency_ns). Power of two. */
#define PCM_HISTORY 128u

#define PCM_DEFAULT_PERIOD_MS 10u
/* Default latency between a TX completion and the sound being heard: QEMU
 * completes a buffer when it copies it into its mixer, about one audio timer
 * period (10 ms) before the backend takes it, plus the backend's own buffer.
 * 20 ms fits the wav backend with slack; the sync test calibrates it. */
#define PCM_DEFAULT_LATENCY_NS 20000000ull

enum pcm_state {
    PCM_IDLE,
    PCM_RUNNING,
    PCM_PAUSED,
    PCM_DRAINED,
};

struct pcm_stats {
    uint64_t bytes_written;      /* accepted by pcm_write */
    uint64_t periods_submitted;  /* all periods handed to the driver */
    uint64_t periods_completed;
    uint64_t silence_periods;    /* periods made only of silence */
    uint64_t underruns;          /* silence periods while running, not draining */
};

/* One submitted period, indexed by its sequence number. */
struct pcm_period_record {
    uint64_t stream_start;  /* stream frame of its first real sample */
    uint32_t stream_frames; /* real frames it carries (0 = silence) */
};

struct pcm_stream {
    struct ringbuf queue;
    uint32_t rate;          /* Hz: 44100 or 48000 */
    uint32_t channels;      /* 1 or 2 */
    uint32_t frame_bytes;   /* 2 * channels (S16LE) */
    uint32_t period_frames;
    uint32_t period_bytes;
    enum pcm_state state;
    bool draining;          /* pcm_drain called: pad the tail, don't underrun */
    bool drain_submitted;   /* the final (maybe partial) period is out */

    uint64_t seq_submitted; /* periods submitted (next sequence number) */
    uint64_t seq_completed; /* periods completed */
    uint64_t stream_frames_submitted;
    uint64_t stream_frames_completed;
    struct pcm_period_record history[PCM_HISTORY];

    /* Interpolation between completions. */
    uint64_t last_completion_ns; /* when the head in-flight period started
                                    playing, as far as we know */
    uint64_t paused_at_ns;
    uint64_t latency_ns;
    uint64_t clock_floor;        /* last clock returned: never go backwards */

    struct pcm_stats stats;
};

/* Frames in a period of `ms` milliseconds at `rate` Hz. */
uint32_t pcm_period_frames_for_ms(uint32_t rate, uint32_t ms);

/* Set up a stream over `storage` (capacity a power of two and at least one
 * period). 0, or -EINVAL for an unsupported rate/channels/period/capacity.
 * period_frames must be ≥ 1; latency starts at PCM_DEFAULT_LATENCY_NS. */
int pcm_init(struct pcm_stream *s, uint8_t *storage, size_t capacity,
             uint32_t rate, uint32_t channels, uint32_t period_frames);

/* Back to IDLE, queue emptied, clock 0, counters cleared; format, period and
 * latency kept. Call only once the device holds none of our periods (after
 * PCM_RELEASE, or with none in flight): their completions must not be
 * reported afterwards. */
void pcm_reset(struct pcm_stream *s);

/* Queue up to n bytes (any count; frames may straddle writes). Returns the
 * bytes accepted (> 0); -EAGAIN when n > 0 and nothing fits (the kernel
 * sleeps the writer until a completion frees room, or returns -EAGAIN to an
 * O_NONBLOCK writer); -EPIPE once drain was requested (until pcm_reset).
 * n == 0 returns 0. */
long pcm_write(struct pcm_stream *s, const void *src, size_t n);

size_t pcm_queued_bytes(const struct pcm_stream *s);
size_t pcm_free_bytes(const struct pcm_stream *s);

/* IDLE → RUNNING at now_ns. The driver then primes periods (pcm_next_period)
 * and sends PCM_START. 0, or -EINVAL when not IDLE. */
int pcm_start(struct pcm_stream *s, uint64_t now_ns);

/* Fill exactly period_bytes at dst for the driver to submit:
 *   - a whole period of queued data when there is one;
 *   - when draining, the remaining tail padded with silence (once);
 *   - otherwise, while RUNNING, a period of silence, counted as an underrun.
 * *is_silence tells whether dst holds no queued data at all. Returns 0, or
 * -EAGAIN when there is nothing to submit (not RUNNING, drain tail already
 * submitted, or PCM_MAX_INFLIGHT periods are in flight). */
int pcm_next_period(struct pcm_stream *s, uint8_t *dst, bool *is_silence);

/* The oldest in-flight period completed (QEMU copied it into its mixer) at
 * now_ns. Returns 0, 1 when this completion finished a drain (state is now
 * DRAINED: the driver sends PCM_STOP), or -EINVAL with nothing in flight. */
int pcm_period_completed(struct pcm_stream *s, uint64_t now_ns);

/* RUNNING → PAUSED: the driver sends PCM_STOP and stops submitting; the
 * clock freezes at now_ns. Queued and in-flight samples are kept. */
int pcm_pause(struct pcm_stream *s, uint64_t now_ns);
/* PAUSED → RUNNING: the driver sends PCM_START; interpolation continues as
 * if the pause had not happened. 0, or -EINVAL when not PAUSED. */
int pcm_resume(struct pcm_stream *s, uint64_t now_ns);

/* Request a drain: play everything queued (the last period padded), then
 * DRAINED. From IDLE with data queued the driver still has to pcm_start.
 * Returns 1 when already drained (nothing queued or in flight), else 0. */
int pcm_drain(struct pcm_stream *s);
bool pcm_drained(const struct pcm_stream *s);

/* Latency estimate subtracted by the clock (default PCM_DEFAULT_LATENCY_NS).
 * Limited to what the period records cover, (PCM_HISTORY - PCM_MAX_INFLIGHT
 * - 1) periods (1.11 s at 10 ms periods); returns the value applied. */
uint64_t pcm_set_latency_ns(struct pcm_stream *s, uint64_t latency_ns);

/* Stream frames heard by now_ns (0 at pcm_start):
 *
 *   device = completed_periods * period_frames
 *            + min(period_frames, (now - last_completion) * rate / 1e9)
 *                 [interpolation only while a period is in flight and the
 *                  stream is RUNNING; frozen while PAUSED]
 *   heard_device = device - latency_ns * rate / 1e9   (0 if negative)
 *   clock = the stream frame at device frame heard_device (each period
 *           maps its first stream_frames device frames to stream frames;
 *           silence maps to nothing), clamped to never go backwards.
 *
 * Never exceeds the stream frames submitted. */
uint64_t pcm_clock_frames(struct pcm_stream *s, uint64_t now_ns);

/* Frames of real data completed (no latency, no interpolation). */
uint64_t pcm_stream_frames_completed(const struct pcm_stream *s);
uint64_t pcm_device_frames_completed(const struct pcm_stream *s);
uint32_t pcm_inflight(const struct pcm_stream *s);
enum pcm_state pcm_get_state(const struct pcm_stream *s);
const struct pcm_stats *pcm_stats(const struct pcm_stream *s);

#endif
