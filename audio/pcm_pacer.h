/*
 * audio/pcm_pacer.h — what paces the playback stream: the device's period
 * completions, or a timer once the device has stopped completing periods;
 * pure (host-tested in tests/unit/test_pcm_pacer.c).
 *
 * A host with no working audio backend, or a sound server that stops
 * taking data, leaves virtio-sound holding our periods forever. Writers,
 * drain and the clock all wait for completions, so without a fallback
 * every program using /dev/audio would hang. The pacer notices, and from
 * then on a timer stands in for the device at the nominal rate.
 *
 * Modes and transitions (the one state machine; docs/audio.md):
 *
 *   DEVICE --running, no good completion for the window--> TIMER   PACER_STALLED
 *   TIMER  --running, the device completes a period------> DEVICE  PACER_RECOVERED
 *
 * The window: start_ns while the device has completed nothing since the
 * run started — a device with no backend never takes a period,
 * while a working one takes the first within one mixer tick (10 ms);
 * stall_ns once it has completed some — a sound server that was idle may
 * take the first periods, then nothing for a second or two before it
 * plays, and what the timer paces is not heard, so this one is longer.
 *
 * In DEVICE mode a period is over when the device completes it. In TIMER
 * mode a period is over every period_frames/rate seconds, counted from
 * the moment the timer took over (or the run started), with no drift.
 * A completion with an error status is not progress: a device failing
 * every period at once must not make the stream run fast.
 *
 * The mode outlives a run of the stream: pacer_start keeps it, so a device
 * known to be stalled starts the next run on the timer at once (the caller
 * still hands the device its first periods, as a probe for recovery).
 *
 * The caller owns one kernel timer, the watchdog: after every call below it
 * arms it at pacer_deadline() (PACER_NEVER = disarm; an earlier armed
 * deadline may stay, pacer_expired then finds nothing to do) and calls
 * pacer_expired() when it fires. While the stream is not running (idle,
 * paused, drained) the deadline is PACER_NEVER: an idle machine takes no
 * tick for audio.
 *
 * Invariants (pacer_check): 0 < start_ns ≤ stall_ns; period_frames > 0; rate > 0;
 * not running ⇒ deadline NEVER; running ⇒ the deadline is after the last
 * progress (DEVICE) or after the previous tick (TIMER).
 */
#ifndef AUDIO_PCM_PACER_H
#define AUDIO_PCM_PACER_H

#include <stdbool.h>
#include <stdint.h>

#define PACER_NEVER UINT64_MAX
/* Periods the timer completes at most per expiry; a longer gap (the guest
 * was not scheduled) restarts the count instead of bursting further. */
#define PACER_MAX_CATCHUP 100u

enum pacer_mode { PACER_DEVICE, PACER_TIMER };
enum pacer_event { PACER_NOTHING, PACER_STALLED, PACER_RECOVERED };

struct pcm_pacer {
    enum pacer_mode mode;
    bool running;
    uint32_t rate, period_frames;
    uint64_t start_ns;          /* DEVICE: window while nothing completed */
    uint64_t stall_ns;          /* DEVICE: window once something did */
    bool progressed;            /* a good completion since pacer_start */
    uint64_t last_progress_ns;  /* DEVICE: last good completion, or the start */
    uint64_t tick_origin_ns;    /* TIMER: periods are due at origin + k·period */
    uint64_t ticks_done;        /* TIMER: k of the last period completed */
};

/* DEVICE mode, not running; the two stall windows (0 < start_ns ≤ stall_ns). */
void pacer_init(struct pcm_pacer *p, uint32_t rate, uint32_t period_frames,
                uint64_t start_ns, uint64_t stall_ns);
/* A new format; the mode is kept. */
void pacer_set_format(struct pcm_pacer *p, uint32_t rate, uint32_t period_frames);

/* A new run of the stream starts at now_ns: the stall window (start_ns:
 * nothing completed yet) or the tick count starts over. */
void pacer_start(struct pcm_pacer *p, uint64_t now_ns);
/* The run resumes after a pause at now_ns: the same, except that a device
 * that completed periods in this run keeps the longer window. */
void pacer_resume(struct pcm_pacer *p, uint64_t now_ns);
/* Paused, drained or released: nothing is expected until pacer_start. */
void pacer_stop(struct pcm_pacer *p);

/* The device completed a period (ok: its status was OK) at now_ns.
 * PACER_RECOVERED when this ends TIMER mode, else PACER_NOTHING. */
enum pacer_event pacer_device_completed(struct pcm_pacer *p, uint64_t now_ns, bool ok);

/* When the watchdog should fire next, or PACER_NEVER. */
uint64_t pacer_deadline(const struct pcm_pacer *p);

/* The watchdog fired at now_ns. In DEVICE mode: PACER_STALLED when no
 * progress for the window (the mode is now TIMER, *periods = 0). In TIMER
 * mode: *periods = the periods that have become due (≤ PACER_MAX_CATCHUP),
 * for the caller to complete in order. */
enum pacer_event pacer_expired(struct pcm_pacer *p, uint64_t now_ns, uint32_t *periods);

enum pacer_mode pacer_mode(const struct pcm_pacer *p);

/* Whether the invariants above hold (the kernel KASSERTs it). */
bool pacer_check(const struct pcm_pacer *p);

#endif
