/*
 * tests/unit/test_pcm_pacer.c — audio/pcm_pacer.c: the stall windows (none
 * before them, exactly at them), error completions are not progress,
 * the timer's rate over long runs (also with a late watchdog, and across
 * the tick-count rebase), the catch-up cap, recovery, and no deadline while
 * stopped (the idle machine takes no audio tick).
 */
#include "tests/unit/check.h"
#include "audio/pcm_pacer.h"

#define MS 1000000ull
#define START_NS (100 * MS)
#define STALL_NS (1000 * MS)

static struct pcm_pacer fresh(uint32_t rate, uint32_t period_frames)
{
    struct pcm_pacer p;
    pacer_init(&p, rate, period_frames, START_NS, STALL_NS);
    return p;
}

/* Fire the watchdog at its deadline (plus late_ns), as the kernel does. */
static enum pacer_event fire(struct pcm_pacer *p, uint64_t late_ns, uint64_t *now,
                             uint32_t *periods)
{
    uint64_t d = pacer_deadline(p);
    CHECK(d != PACER_NEVER);
    *now = d + late_ns;
    enum pacer_event ev = pacer_expired(p, *now, periods);
    CHECK(pacer_check(p));
    return ev;
}

TEST(no_deadline_unless_running)
{
    struct pcm_pacer p = fresh(44100, 441);
    CHECK(pacer_check(&p));
    CHECK_EQ(pacer_mode(&p), PACER_DEVICE);
    CHECK(pacer_deadline(&p) == PACER_NEVER);
    uint32_t n = 7;
    CHECK_EQ(pacer_expired(&p, 5 * STALL_NS, &n), PACER_NOTHING);
    CHECK_EQ(n, 0);
    pacer_start(&p, 1000);
    CHECK(pacer_deadline(&p) == 1000 + START_NS);
    pacer_stop(&p);
    CHECK(pacer_check(&p));
    CHECK(pacer_deadline(&p) == PACER_NEVER);
    CHECK_EQ(pacer_device_completed(&p, 2000, true), PACER_NOTHING);
}

TEST(device_that_never_completes_stalls_after_start_window)
{
    struct pcm_pacer p = fresh(44100, 441);
    pacer_start(&p, 50 * MS);
    uint32_t n;
    CHECK_EQ(pacer_expired(&p, 50 * MS + START_NS - 1, &n), PACER_NOTHING);
    CHECK_EQ(pacer_mode(&p), PACER_DEVICE);
    CHECK_EQ(pacer_expired(&p, 50 * MS + START_NS, &n), PACER_STALLED);
    CHECK_EQ(n, 0);
    CHECK_EQ(pacer_mode(&p), PACER_TIMER);
    CHECK(pacer_check(&p));
    /* The first timed period is due one period later. */
    CHECK(pacer_deadline(&p) == 50 * MS + START_NS + 10 * MS);
}

TEST(device_that_stops_stalls_after_stall_window)
{
    struct pcm_pacer p = fresh(48000, 480);
    pacer_start(&p, 0);
    uint64_t t = 0;
    for (int i = 0; i < 50; i++) {          /* half a second of completions */
        t += 10 * MS;
        CHECK_EQ(pacer_device_completed(&p, t, true), PACER_NOTHING);
        CHECK(pacer_deadline(&p) == t + STALL_NS);
    }
    uint32_t n;
    /* A gap longer than the start window, shorter than the stall window:
     * a sound server still starting, not a stall. */
    CHECK_EQ(pacer_expired(&p, t + 5 * START_NS, &n), PACER_NOTHING);
    CHECK_EQ(pacer_expired(&p, t + STALL_NS - 1, &n), PACER_NOTHING);
    CHECK_EQ(pacer_mode(&p), PACER_DEVICE);
    CHECK_EQ(pacer_expired(&p, t + STALL_NS, &n), PACER_STALLED);
    CHECK_EQ(pacer_mode(&p), PACER_TIMER);
}

TEST(error_completions_are_not_progress)
{
    struct pcm_pacer p = fresh(44100, 441);
    pacer_start(&p, 0);
    for (uint64_t t = MS; t < START_NS; t += MS)
        CHECK_EQ(pacer_device_completed(&p, t, false), PACER_NOTHING);
    uint32_t n;
    CHECK_EQ(pacer_expired(&p, START_NS, &n), PACER_STALLED);
    /* Nor do they end TIMER mode. */
    CHECK_EQ(pacer_device_completed(&p, START_NS + MS, false), PACER_NOTHING);
    CHECK_EQ(pacer_mode(&p), PACER_TIMER);
}

/* Ticks counted over `seconds` with the watchdog late by up to late_ns:
 * the count is what the nominal rate gives, within one period. */
static void check_rate(uint32_t rate, uint32_t period_frames, uint64_t late_ns, double seconds)
{
    struct pcm_pacer p = fresh(rate, period_frames);
    pacer_start(&p, 0);
    uint64_t now;
    uint32_t n;
    CHECK_EQ(fire(&p, 0, &now, &n), PACER_STALLED);
    uint64_t t0 = now, ticks = 0, end = t0 + (uint64_t)(seconds * 1e9);
    unsigned k = 0;
    while (now < end) {
        CHECK_EQ(fire(&p, late_ns ? (k++ * 2654435761u) % late_ns : 0, &now, &n), PACER_NOTHING);
        CHECK(n >= 1);
        ticks += n;
    }
    double want = (double)(now - t0) * rate / period_frames / 1e9;
    /* Deadlines are whole ns, rounded down: up to 1 ns early. */
    CHECK((double)ticks <= want + 0.001);
    CHECK((double)ticks + 1 >= want);
}

TEST(timer_runs_at_nominal_rate)
{
    check_rate(44100, 441, 0, 10);
    check_rate(48000, 480, 0, 10);
    check_rate(44100, 512, 0, 10);   /* a period that is no whole number of ns */
    check_rate(48000, 480, 7 * MS, 10);
    check_rate(44100, 512, 25 * MS, 10);
}

TEST(timer_rate_survives_the_rebase)
{
    /* 2^20 periods and more: the tick count restarts from a new origin. */
    check_rate(44100, 441, 0, 11000);
}

TEST(long_gap_is_capped_not_burst)
{
    struct pcm_pacer p = fresh(44100, 441);
    pacer_start(&p, 0);
    uint64_t now;
    uint32_t n;
    CHECK_EQ(fire(&p, 0, &now, &n), PACER_STALLED);
    now += 5000 * MS;                      /* the guest did not run for 5 s */
    CHECK_EQ(pacer_expired(&p, now, &n), PACER_NOTHING);
    CHECK_EQ(n, PACER_MAX_CATCHUP);
    CHECK(pacer_check(&p));
    CHECK(pacer_deadline(&p) > now);
    CHECK_EQ(pacer_expired(&p, now + 9 * MS, &n), PACER_NOTHING);
    CHECK_EQ(n, 0);
    CHECK_EQ(pacer_expired(&p, now + 10 * MS, &n), PACER_NOTHING);
    CHECK_EQ(n, 1);
}

TEST(recovery_and_mode_kept_across_runs)
{
    struct pcm_pacer p = fresh(44100, 441);
    pacer_start(&p, 0);
    uint64_t now;
    uint32_t n;
    CHECK_EQ(fire(&p, 0, &now, &n), PACER_STALLED);
    /* A stopped stream (paused, released) learns nothing from completions:
     * RELEASE hands periods back without anything being played. */
    pacer_stop(&p);
    CHECK(pacer_deadline(&p) == PACER_NEVER);
    CHECK_EQ(pacer_device_completed(&p, now + MS, true), PACER_NOTHING);
    CHECK_EQ(pacer_mode(&p), PACER_TIMER);
    /* The next run starts on the timer at once. */
    pacer_start(&p, 10000 * MS);
    CHECK_EQ(pacer_mode(&p), PACER_TIMER);
    CHECK(pacer_deadline(&p) == 10010 * MS);
    CHECK_EQ(pacer_expired(&p, 10010 * MS, &n), PACER_NOTHING);
    CHECK_EQ(n, 1);
    /* The device plays again. */
    CHECK_EQ(pacer_device_completed(&p, 10015 * MS, true), PACER_RECOVERED);
    CHECK_EQ(pacer_mode(&p), PACER_DEVICE);
    CHECK(pacer_check(&p));
    CHECK(pacer_deadline(&p) == 10015 * MS + STALL_NS);
    CHECK_EQ(pacer_device_completed(&p, 10025 * MS, true), PACER_NOTHING);
}

TEST(resume_keeps_the_longer_window)
{
    struct pcm_pacer p = fresh(44100, 441);
    pacer_start(&p, 0);
    CHECK_EQ(pacer_device_completed(&p, 10 * MS, true), PACER_NOTHING);
    pacer_stop(&p);                         /* paused */
    pacer_resume(&p, 5000 * MS);
    CHECK(pacer_deadline(&p) == 5000 * MS + STALL_NS);
    pacer_stop(&p);
    pacer_start(&p, 9000 * MS);             /* a new run: the short one */
    CHECK(pacer_deadline(&p) == 9000 * MS + START_NS);
}

TEST(format_change_keeps_mode)
{
    struct pcm_pacer p = fresh(44100, 441);
    pacer_start(&p, 0);
    uint64_t now;
    uint32_t n;
    CHECK_EQ(fire(&p, 0, &now, &n), PACER_STALLED);
    pacer_stop(&p);
    pacer_set_format(&p, 48000, 960);
    pacer_start(&p, 0);
    CHECK_EQ(pacer_mode(&p), PACER_TIMER);
    CHECK(pacer_deadline(&p) == 20 * MS);
}

int main(void)
{
    RUN(no_deadline_unless_running);
    RUN(device_that_never_completes_stalls_after_start_window);
    RUN(device_that_stops_stalls_after_stall_window);
    RUN(error_completions_are_not_progress);
    RUN(timer_runs_at_nominal_rate);
    RUN(timer_rate_survives_the_rebase);
    RUN(long_gap_is_capped_not_burst);
    RUN(recovery_and_mode_kept_across_runs);
    RUN(resume_keeps_the_longer_window);
    RUN(format_change_keeps_mode);
    return check_summary();
}
