/*
 * audio/pcm_stream.c — see pcm_stream.h. The queue is kernel/lib/ringbuf; each
 * submitted period leaves a record (how many stream frames it carried) so
 * the clock can map the device's position, which counts silence too, back
 * to the stream's position, which does not.
 */
#include "audio/pcm_stream.h"
#include "kernel/abi/errno.h"
#include "kernel/lib/string.h"

#define NS_PER_S 1000000000ull

uint32_t pcm_period_frames_for_ms(uint32_t rate, uint32_t ms)
{
    return (uint32_t)((uint64_t)rate * ms / 1000u);
}

int pcm_init(struct pcm_stream *s, uint8_t *storage, size_t capacity,
             uint32_t rate, uint32_t channels, uint32_t period_frames)
{
    if (rate != 44100 && rate != 48000)
        return -EINVAL;
    if (channels < 1 || channels > 2)
        return -EINVAL;
    /* A period longer than a second is surely a mistake (and would let the
     * interpolation arithmetic below grow large). */
    if (period_frames == 0 || period_frames > rate)
        return -EINVAL;
    uint32_t frame_bytes = 2 * channels;
    uint32_t period_bytes = period_frames * frame_bytes;
    if (capacity < period_bytes)
        return -EINVAL;
    memset(s, 0, sizeof *s);
    if (ringbuf_init(&s->queue, storage, capacity) != 0)
        return -EINVAL;
    s->rate = rate;
    s->channels = channels;
    s->frame_bytes = frame_bytes;
    s->period_frames = period_frames;
    s->period_bytes = period_bytes;
    s->latency_ns = PCM_DEFAULT_LATENCY_NS;
    s->state = PCM_IDLE;
    return 0;
}

void pcm_reset(struct pcm_stream *s)
{
    s->queue.head = s->queue.tail = 0;
    s->state = PCM_IDLE;
    s->draining = false;
    s->drain_submitted = false;
    s->seq_submitted = s->seq_completed = 0;
    s->stream_frames_submitted = s->stream_frames_completed = 0;
    memset(s->history, 0, sizeof s->history);
    s->last_completion_ns = s->paused_at_ns = 0;
    s->clock_floor = 0;
    memset(&s->stats, 0, sizeof s->stats);
}

long pcm_write(struct pcm_stream *s, const void *src, size_t n)
{
    if (s->draining || s->state == PCM_DRAINED)
        return -EPIPE;
    if (n == 0)
        return 0;
    size_t accepted = ringbuf_write(&s->queue, src, n);
    if (accepted == 0)
        return -EAGAIN;
    s->stats.bytes_written += accepted;
    return (long)accepted;
}

size_t pcm_queued_bytes(const struct pcm_stream *s)
{
    return ringbuf_used(&s->queue);
}

size_t pcm_free_bytes(const struct pcm_stream *s)
{
    return ringbuf_free(&s->queue);
}

uint32_t pcm_inflight(const struct pcm_stream *s)
{
    return (uint32_t)(s->seq_submitted - s->seq_completed);
}

/* A drain is over once nothing is queued or in flight. */
static bool finish_drain_if_done(struct pcm_stream *s)
{
    if (s->draining && ringbuf_used(&s->queue) == 0 && pcm_inflight(s) == 0) {
        s->drain_submitted = true;
        s->state = PCM_DRAINED;
        return true;
    }
    return false;
}

int pcm_start(struct pcm_stream *s, uint64_t now_ns)
{
    if (s->state != PCM_IDLE)
        return -EINVAL;
    s->state = PCM_RUNNING;
    s->last_completion_ns = now_ns;
    return 0;
}

int pcm_next_period(struct pcm_stream *s, uint8_t *dst, bool *is_silence)
{
    if (s->state != PCM_RUNNING || s->drain_submitted)
        return -EAGAIN;
    if (pcm_inflight(s) >= PCM_MAX_INFLIGHT)
        return -EAGAIN;

    size_t queued = ringbuf_used(&s->queue);
    size_t real_bytes;
    if (queued >= s->period_bytes) {
        real_bytes = ringbuf_read(&s->queue, dst, s->period_bytes);
    } else if (s->draining) {
        if (queued == 0) {
            /* Nothing left: the previous period was the last one. */
            s->drain_submitted = true;
            finish_drain_if_done(s);
            return -EAGAIN;
        }
        real_bytes = ringbuf_read(&s->queue, dst, queued);
        memset(dst + real_bytes, 0, s->period_bytes - real_bytes);
        s->drain_submitted = true;
    } else {
        /* Underrun: silence, leaving any partial period queued in place. */
        real_bytes = 0;
        memset(dst, 0, s->period_bytes);
        s->stats.underruns++;
    }

    /* A trailing partial frame (writer stopped mid-frame) counts as one. */
    uint32_t real_frames =
        (uint32_t)((real_bytes + s->frame_bytes - 1) / s->frame_bytes);
    struct pcm_period_record *rec =
        &s->history[s->seq_submitted & (PCM_HISTORY - 1)];
    rec->stream_start = s->stream_frames_submitted;
    rec->stream_frames = real_frames;
    s->stream_frames_submitted += real_frames;
    s->seq_submitted++;
    s->stats.periods_submitted++;
    if (real_bytes == 0)
        s->stats.silence_periods++;
    *is_silence = real_bytes == 0;
    return 0;
}

int pcm_period_completed(struct pcm_stream *s, uint64_t now_ns)
{
    if (pcm_inflight(s) == 0)
        return -EINVAL;
    const struct pcm_period_record *rec =
        &s->history[s->seq_completed & (PCM_HISTORY - 1)];
    s->stream_frames_completed += rec->stream_frames;
    s->seq_completed++;
    s->stats.periods_completed++;
    /* A completion racing a pause counts as happening at the pause, so the
     * frozen clock does not move and resume shifts it like the rest. */
    s->last_completion_ns = s->state == PCM_PAUSED ? s->paused_at_ns : now_ns;
    return finish_drain_if_done(s) ? 1 : 0;
}

int pcm_pause(struct pcm_stream *s, uint64_t now_ns)
{
    if (s->state != PCM_RUNNING)
        return -EINVAL;
    s->state = PCM_PAUSED;
    s->paused_at_ns = now_ns < s->last_completion_ns ? s->last_completion_ns
                                                      : now_ns;
    return 0;
}

int pcm_resume(struct pcm_stream *s, uint64_t now_ns)
{
    if (s->state != PCM_PAUSED)
        return -EINVAL;
    if (now_ns > s->paused_at_ns)
        s->last_completion_ns += now_ns - s->paused_at_ns;
    s->state = PCM_RUNNING;
    return 0;
}

int pcm_drain(struct pcm_stream *s)
{
    if (s->state == PCM_DRAINED)
        return 1;
    s->draining = true;
    return finish_drain_if_done(s) ? 1 : 0;
}

bool pcm_drained(const struct pcm_stream *s)
{
    return s->state == PCM_DRAINED;
}

uint64_t pcm_set_latency_ns(struct pcm_stream *s, uint64_t latency_ns)
{
    /* The clock looks up the period being heard, latency behind the
     * completions; it must still have that period's record. */
    uint64_t max_frames =
        (uint64_t)(PCM_HISTORY - PCM_MAX_INFLIGHT - 1) * s->period_frames;
    uint64_t max_ns = max_frames * NS_PER_S / s->rate;
    if (latency_ns > max_ns)
        latency_ns = max_ns;
    s->latency_ns = latency_ns;
    return latency_ns;
}

/* Stream frame at device frame `device` (every period is period_frames on
 * the device; its first stream_frames of them are real samples). */
static uint64_t stream_at_device_frame(const struct pcm_stream *s,
                                       uint64_t device)
{
    uint64_t seq = device / s->period_frames;
    uint64_t offset = device % s->period_frames;
    if (seq >= s->seq_submitted)
        return s->stream_frames_submitted;
    uint64_t oldest = s->seq_submitted > PCM_HISTORY
                          ? s->seq_submitted - PCM_HISTORY : 0;
    if (seq < oldest) {
        /* Older than the records we keep (cannot happen with the latency
         * limit in pcm_set_latency_ns; kept as a safe fallback). */
        seq = oldest;
        offset = 0;
    }
    const struct pcm_period_record *rec = &s->history[seq & (PCM_HISTORY - 1)];
    return rec->stream_start +
           (offset < rec->stream_frames ? offset : rec->stream_frames);
}

uint64_t pcm_clock_frames(struct pcm_stream *s, uint64_t now_ns)
{
    if (s->state == PCM_IDLE)
        return s->clock_floor;

    uint64_t latency_frames = s->latency_ns * s->rate / NS_PER_S;
    uint64_t completed = s->seq_completed * s->period_frames;

    /* Frames played since the last completion. While a period is in flight
     * the next completion is at most one period away, so cap there (the
     * completion then lands on the same spot: no jump). With nothing in
     * flight the device plays out what it already took, up to everything
     * completed: that is latency_frames beyond the completion point. */
    uint64_t at = s->state == PCM_PAUSED ? s->paused_at_ns : now_ns;
    uint64_t elapsed = at > s->last_completion_ns ? at - s->last_completion_ns
                                                  : 0;
    if (elapsed > 10 * NS_PER_S)
        elapsed = 10 * NS_PER_S; /* keeps elapsed * rate in 64 bits */
    uint64_t since = elapsed * s->rate / NS_PER_S;
    uint64_t cap;
    if (s->state == PCM_DRAINED || pcm_inflight(s) == 0)
        cap = latency_frames;
    else
        cap = s->period_frames;
    if (since > cap)
        since = cap;

    uint64_t device = completed + since;
    uint64_t heard = device > latency_frames ? device - latency_frames : 0;
    uint64_t submitted = s->seq_submitted * s->period_frames;
    if (heard > submitted)
        heard = submitted;

    uint64_t clock = stream_at_device_frame(s, heard);
    if (clock < s->clock_floor)
        clock = s->clock_floor;
    s->clock_floor = clock;
    return clock;
}

uint64_t pcm_stream_frames_completed(const struct pcm_stream *s)
{
    return s->stream_frames_completed;
}

uint64_t pcm_device_frames_completed(const struct pcm_stream *s)
{
    return s->seq_completed * s->period_frames;
}

enum pcm_state pcm_get_state(const struct pcm_stream *s)
{
    return s->state;
}

const struct pcm_stats *pcm_stats(const struct pcm_stream *s)
{
    return &s->stats;
}
