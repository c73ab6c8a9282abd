/*
 * audio/pcm_pacer.c — see pcm_pacer.h: the stall detector and the fallback
 * clock of /dev/audio, as pure code.
 */
#include "audio/pcm_pacer.h"

#define NS_PER_S 1000000000ull
/* The tick count restarts from a new origin after this many periods, so
 * k · period_frames · 1e9 never overflows (2^20 · 2^16 · 1e9 < 2^64);
 * each restart truncates less than 1 ns. */
#define REBASE_TICKS (1ull << 20)

void pacer_init(struct pcm_pacer *p, uint32_t rate, uint32_t period_frames,
                uint64_t start_ns, uint64_t stall_ns)
{
    *p = (struct pcm_pacer){ .mode = PACER_DEVICE, .start_ns = start_ns, .stall_ns = stall_ns };
    pacer_set_format(p, rate, period_frames);
}

void pacer_set_format(struct pcm_pacer *p, uint32_t rate, uint32_t period_frames)
{
    p->rate = rate;
    p->period_frames = period_frames;
}

/* When period k (counted from the origin) is over. */
static uint64_t tick_due(const struct pcm_pacer *p, uint64_t k)
{
    return p->tick_origin_ns + k * p->period_frames * NS_PER_S / p->rate;
}

static void restart_ticks(struct pcm_pacer *p, uint64_t now_ns)
{
    p->tick_origin_ns = now_ns;
    p->ticks_done = 0;
}

void pacer_resume(struct pcm_pacer *p, uint64_t now_ns)
{
    p->running = true;
    p->last_progress_ns = now_ns;
    restart_ticks(p, now_ns);
}

void pacer_start(struct pcm_pacer *p, uint64_t now_ns)
{
    p->progressed = false;
    pacer_resume(p, now_ns);
}

void pacer_stop(struct pcm_pacer *p)
{
    p->running = false;
}

enum pacer_event pacer_device_completed(struct pcm_pacer *p, uint64_t now_ns, bool ok)
{
    if (!ok || !p->running)
        return PACER_NOTHING;
    p->last_progress_ns = now_ns;
    p->progressed = true;
    if (p->mode == PACER_DEVICE)
        return PACER_NOTHING;
    p->mode = PACER_DEVICE;
    return PACER_RECOVERED;
}

static uint64_t stall_deadline(const struct pcm_pacer *p)
{
    return p->last_progress_ns + (p->progressed ? p->stall_ns : p->start_ns);
}

uint64_t pacer_deadline(const struct pcm_pacer *p)
{
    if (!p->running)
        return PACER_NEVER;
    if (p->mode == PACER_DEVICE)
        return stall_deadline(p);
    return tick_due(p, p->ticks_done + 1);
}

static uint32_t due_ticks(struct pcm_pacer *p, uint64_t now_ns)
{
    uint32_t n = 0;
    while (n < PACER_MAX_CATCHUP && tick_due(p, p->ticks_done + 1) <= now_ns) {
        p->ticks_done++;
        n++;
    }
    if (tick_due(p, p->ticks_done + 1) <= now_ns)
        restart_ticks(p, now_ns);       /* a long gap: do not burst on */
    else if (p->ticks_done >= REBASE_TICKS)
        restart_ticks(p, tick_due(p, p->ticks_done));
    return n;
}

enum pacer_event pacer_expired(struct pcm_pacer *p, uint64_t now_ns, uint32_t *periods)
{
    *periods = 0;
    if (!p->running)
        return PACER_NOTHING;
    if (p->mode == PACER_TIMER) {
        *periods = due_ticks(p, now_ns);
        return PACER_NOTHING;
    }
    if (now_ns < stall_deadline(p))
        return PACER_NOTHING;
    p->mode = PACER_TIMER;
    restart_ticks(p, now_ns);
    return PACER_STALLED;
}

enum pacer_mode pacer_mode(const struct pcm_pacer *p)
{
    return p->mode;
}

bool pacer_check(const struct pcm_pacer *p)
{
    if (p->start_ns == 0 || p->start_ns > p->stall_ns || p->period_frames == 0 ||
        p->rate == 0)
        return false;
    if (p->mode != PACER_DEVICE && p->mode != PACER_TIMER)
        return false;
    if (!p->running)
        return pacer_deadline(p) == PACER_NEVER;
    if (p->mode == PACER_DEVICE)
        return pacer_deadline(p) > p->last_progress_ns;
    return pacer_deadline(p) > tick_due(p, p->ticks_done) && p->ticks_done < REBASE_TICKS;
}
