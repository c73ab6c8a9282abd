/*
 * tests/unit/test_pcm_stream.c — audio/pcm_stream.c driven by a simulated
 * virtio-sound driver: a writer with random chunk sizes, a driver keeping a
 * few periods in flight, and a device completing them at the nominal rate
 * in simulated nanoseconds (optionally late by a random jitter, like QEMU's
 * 10 ms audio timer).
 */
#include "tests/unit/check.h"
#include "audio/pcm_stream.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#define RATE 48000u
#define CHANNELS 2u
#define PERIOD_FRAMES 480u /* 10 ms */
#define PERIOD_BYTES (PERIOD_FRAMES * 2u * CHANNELS)
#define PERIOD_NS 10000000ull
#define MS 1000000ull
#define MAX_OUT (8u * 1024u * 1024u)

static uint8_t pattern_byte(uint64_t i)
{
    uint64_t x = i * 0x9E3779B97F4A7C15ull;
    return (uint8_t)(x >> 56 ^ x >> 23);
}

struct sim {
    struct pcm_stream s;
    uint8_t storage[1 << 15];
    uint64_t now;
    uint64_t written;          /* bytes of the pattern accepted so far */
    uint8_t *out;              /* concatenated non-silence periods */
    size_t out_len;
    uint64_t silence_seen;
    bool device_running;       /* the driver sent START (and not STOP) */
    uint64_t next_completion;  /* ideal time of the head period's end */
    unsigned inflight_target;
    unsigned jitter_ms;        /* completions reported up to this late */
    uint64_t jitter_pending;   /* report time of the pending completion */
    bool jitter_chosen;
    uint64_t seed;              /* its own splitmix64 stream */
    uint64_t last_clock;
    bool clock_ok;
};

static unsigned rnd(struct sim *m)
{
    return (unsigned)(splitmix64_next(&m->seed) >> 40);
}

static void sim_init(struct sim *m, unsigned seed)
{
    memset(m, 0, sizeof *m);
    m->out = malloc(MAX_OUT);
    m->seed = seed;
    m->inflight_target = 4;
    m->clock_ok = true;
    CHECK_EQ(pcm_init(&m->s, m->storage, sizeof m->storage, RATE, CHANNELS,
                      PERIOD_FRAMES), 0);
}

static void sim_free(struct sim *m)
{
    free(m->out);
}

/* Offer up to n pattern bytes; returns how many were accepted. */
static size_t sim_write(struct sim *m, size_t n)
{
    static uint8_t buf[8192];
    if (n > sizeof buf)
        n = sizeof buf;
    for (size_t i = 0; i < n; i++)
        buf[i] = pattern_byte(m->written + i);
    long r = pcm_write(&m->s, buf, n);
    if (n > 0 && r == -EAGAIN) {
        CHECK(pcm_free_bytes(&m->s) == 0);
        return 0;
    }
    CHECK(r >= 0);
    if (r > 0)
        m->written += (uint64_t)r;
    return r > 0 ? (size_t)r : 0;
}

static void sim_fill(struct sim *m)
{
    while (pcm_inflight(&m->s) < m->inflight_target) {
        uint8_t period[PERIOD_BYTES];
        bool silent = false;
        memset(period, 0xAA, sizeof period);
        if (pcm_next_period(&m->s, period, &silent) != 0)
            break;
        if (silent) {
            m->silence_seen++;
            for (size_t i = 0; i < PERIOD_BYTES; i++)
                if (period[i] != 0) {
                    CHECK(period[i] == 0);
                    break;
                }
        } else if (m->out_len + PERIOD_BYTES <= MAX_OUT) {
            memcpy(m->out + m->out_len, period, PERIOD_BYTES);
            m->out_len += PERIOD_BYTES;
        }
    }
}

static void sim_start(struct sim *m)
{
    CHECK_EQ(pcm_start(&m->s, m->now), 0);
    sim_fill(m);                 /* prime, then PCM_START */
    m->device_running = true;
    m->next_completion = m->now + PERIOD_NS;
}

static void sim_check_clock(struct sim *m)
{
    uint64_t c = pcm_clock_frames(&m->s, m->now);
    if (c < m->last_clock || c > m->s.stream_frames_submitted)
        m->clock_ok = false;
    m->last_clock = c;
}

/* Advance simulated time by `ns` in 1 ms steps: the device completes
 * periods, the driver refills. The writer is called with the chance to
 * write each step when `writer` is set. */
static void sim_run(struct sim *m, uint64_t ns,
                    void (*writer)(struct sim *m))
{
    uint64_t end = m->now + ns;
    while (m->now < end) {
        m->now += MS;
        if (writer)
            writer(m);
        while (m->device_running && pcm_inflight(&m->s) > 0) {
            if (!m->jitter_chosen) {
                m->jitter_pending = m->next_completion +
                    (m->jitter_ms ? (rnd(m) % (m->jitter_ms * 1000u)) * 1000u
                                  : 0);
                m->jitter_chosen = true;
            }
            if (m->jitter_pending > m->now)
                break;
            pcm_period_completed(&m->s, m->jitter_pending);
            m->jitter_chosen = false;
            m->next_completion += PERIOD_NS;
            sim_fill(m);
        }
        if (m->device_running && pcm_inflight(&m->s) == 0)
            m->next_completion = m->now + PERIOD_NS;
        sim_fill(m);
        sim_check_clock(m);
    }
}

static void sim_pause(struct sim *m)
{
    CHECK_EQ(pcm_pause(&m->s, m->now), 0);
    m->device_running = false; /* PCM_STOP: in-flight periods wait */
    /* Part of the head period was already played when it stopped. */
    m->jitter_chosen = false;
}

static void sim_resume(struct sim *m)
{
    uint64_t left = m->next_completion > m->s.paused_at_ns
                        ? m->next_completion - m->s.paused_at_ns : 0;
    CHECK_EQ(pcm_resume(&m->s, m->now), 0);
    m->device_running = true;
    m->next_completion = m->now + left;
}

/* Verify out[] = the written pattern, then silence padding up to a period. */
static void check_output_is_pattern(struct sim *m)
{
    CHECK(m->out_len >= m->written);
    CHECK(m->out_len < m->written + PERIOD_BYTES);
    size_t bad = 0;
    for (size_t i = 0; i < m->out_len; i++) {
        uint8_t want = i < m->written ? pattern_byte(i) : 0;
        if (m->out[i] != want && bad++ == 0)
            printf("     first mismatch at byte %zu of %zu (written %llu)\n",
                   i, m->out_len, (unsigned long long)m->written);
    }
    CHECK_EQ(bad, 0);
}

static void drain_to_end(struct sim *m)
{
    pcm_drain(&m->s);
    for (int i = 0; i < 5000 && !pcm_drained(&m->s); i++)
        sim_run(m, MS, NULL);
    CHECK(pcm_drained(&m->s));
}

/* Writes random chunks, sometimes going quiet for a while (underruns). */
static void bursty_writer(struct sim *m)
{
    unsigned r = rnd(m) % 100;
    if (r < 3) {
        return; /* skip */
    }
    if ((m->now / (300 * MS)) % 4 == 3)
        return; /* every fourth 300 ms: silent writer → underruns */
    sim_write(m, rnd(m) % 700);
}

TEST(random_chunks_no_sample_lost_or_duplicated)
{
    static struct sim m;
    for (unsigned seed = 1; seed <= 4; seed++) {
        sim_init(&m, seed);
        m.jitter_ms = seed % 2 ? 0 : 8;
        sim_write(&m, 4000);
        sim_start(&m);
        sim_run(&m, 5000 * MS, bursty_writer);
        CHECK(pcm_stats(&m.s)->underruns > 0);
        CHECK_EQ(pcm_stats(&m.s)->underruns, m.silence_seen);
        CHECK_EQ(pcm_stats(&m.s)->bytes_written, m.written);
        drain_to_end(&m);
        check_output_is_pattern(&m);
        CHECK(m.clock_ok);
        /* Long after the drain, the clock reaches exactly the stream's end. */
        m.now += 1000 * MS;
        CHECK_EQ(pcm_clock_frames(&m.s, m.now),
                 (m.written + 2 * CHANNELS - 1) / (2 * CHANNELS));
        const struct pcm_stats *st = pcm_stats(&m.s);
        CHECK_EQ(st->periods_submitted, st->periods_completed);
        sim_free(&m);
    }
}

static void steady_writer(struct sim *m)
{
    while (sim_write(m, 1 + rnd(m) % 3000) > 0)
        ;
}

TEST(clock_nominal_rate_over_10_seconds)
{
    static struct sim m;
    for (unsigned jitter = 0; jitter <= 8; jitter += 8) {
        sim_init(&m, 99 + jitter);
        m.jitter_ms = jitter;
        steady_writer(&m);
        uint64_t t0 = m.now;
        sim_start(&m);
        sim_run(&m, 1000 * MS, steady_writer);
        uint64_t c1 = pcm_clock_frames(&m.s, m.now);
        sim_run(&m, 9000 * MS, steady_writer);
        uint64_t c = pcm_clock_frames(&m.s, m.now);
        double slope = (double)(c - c1) / 9.0 / RATE;
        CHECK(slope > 0.995 && slope < 1.005);
        /* Expected: 10 s of frames minus the latency estimate. */
        double expect = (double)(m.now - t0) / 1e9 * RATE -
                        (double)PCM_DEFAULT_LATENCY_NS / 1e9 * RATE;
        double err = ((double)c - expect) / expect;
        if (err < 0)
            err = -err;
        CHECK(err < 0.005);
        CHECK(m.clock_ok);
        CHECK_EQ(pcm_stats(&m.s)->underruns, 0);
        sim_free(&m);
    }
}

TEST(clock_smooth_between_completions)
{
    static struct sim m;
    sim_init(&m, 5);
    steady_writer(&m);
    sim_start(&m);
    sim_run(&m, 500 * MS, steady_writer);
    /* Each 1 ms step moves the clock by ~48 frames, never by a period. */
    uint64_t prev = pcm_clock_frames(&m.s, m.now);
    uint64_t max_step = 0;
    for (int i = 0; i < 200; i++) {
        sim_run(&m, MS, steady_writer);
        uint64_t c = pcm_clock_frames(&m.s, m.now);
        if (c - prev > max_step)
            max_step = c - prev;
        prev = c;
    }
    CHECK(max_step <= RATE / 1000 + 1);
    CHECK(m.clock_ok);
    sim_free(&m);
}

TEST(underrun_silence_does_not_shift_stream_clock)
{
    static struct sim m;
    sim_init(&m, 11);
    /* Exactly one second of data, then nothing for half a second. */
    uint64_t one_second = (uint64_t)RATE * 2 * CHANNELS;
    while (m.written < one_second) {
        size_t want = one_second - m.written;
        if (sim_write(&m, want < 4096 ? want : 4096) == 0) {
            if (!m.device_running)
                sim_start(&m);
            sim_run(&m, MS, NULL);
        }
    }
    if (!m.device_running)
        sim_start(&m);
    sim_run(&m, 1200 * MS, NULL); /* the data plays out, then underruns */
    CHECK(pcm_stats(&m.s)->underruns > 0);
    CHECK_EQ(pcm_clock_frames(&m.s, m.now), RATE);
    uint64_t underruns = pcm_stats(&m.s)->underruns;
    sim_run(&m, 500 * MS, NULL);
    CHECK_EQ(pcm_clock_frames(&m.s, m.now), RATE); /* frozen */
    CHECK(pcm_stats(&m.s)->underruns >= underruns + 49);
    /* Data again: the clock continues from one second, 100 ms of it heard
     * 100 ms (+ latency, + up to one in-flight silence queue) later. */
    uint64_t target = m.written + (uint64_t)RATE / 10 * 2 * CHANNELS;
    while (m.written < target)
        CHECK(sim_write(&m, (size_t)(target - m.written)) > 0);
    sim_run(&m, 400 * MS, NULL);
    CHECK_EQ(pcm_clock_frames(&m.s, m.now), RATE + RATE / 10);
    CHECK_EQ(pcm_stats(&m.s)->underruns, m.silence_seen);
    drain_to_end(&m);
    check_output_is_pattern(&m);
    CHECK(m.clock_ok);
    sim_free(&m);
}

TEST(pause_resume_continuous)
{
    static struct sim m;
    sim_init(&m, 21);
    steady_writer(&m);
    sim_start(&m);
    sim_run(&m, 700 * MS, steady_writer);
    uint64_t underruns = pcm_stats(&m.s)->underruns;
    sim_run(&m, 3 * MS, NULL);
    sim_pause(&m);
    uint64_t frozen = pcm_clock_frames(&m.s, m.now);
    uint64_t submitted = pcm_stats(&m.s)->periods_submitted;
    sim_run(&m, 1000 * MS, steady_writer);
    CHECK_EQ(pcm_clock_frames(&m.s, m.now), frozen);
    CHECK_EQ(pcm_stats(&m.s)->periods_submitted, submitted); /* nothing sent */
    bool silent;
    uint8_t period[PERIOD_BYTES];
    CHECK_EQ(pcm_next_period(&m.s, period, &silent), -EAGAIN);
    sim_resume(&m);
    sim_run(&m, 1 * MS, steady_writer);
    uint64_t after = pcm_clock_frames(&m.s, m.now);
    CHECK(after >= frozen && after <= frozen + RATE / 1000 + 1);
    sim_run(&m, 1000 * MS, steady_writer);
    uint64_t later = pcm_clock_frames(&m.s, m.now);
    /* One second after resuming, one second more (within a period). */
    CHECK(later + PERIOD_FRAMES >= after + RATE - RATE / 1000 &&
          later <= after + RATE + PERIOD_FRAMES);
    CHECK_EQ(pcm_stats(&m.s)->underruns, underruns); /* pause is no underrun */
    drain_to_end(&m);
    check_output_is_pattern(&m);
    CHECK(m.clock_ok);
    sim_free(&m);
}

TEST(drain_pads_last_period_and_reports_done)
{
    static struct pcm_stream s;
    static uint8_t storage[16384];
    CHECK_EQ(pcm_init(&s, storage, sizeof storage, 44100, 1, 441), 0);
    uint8_t data[441 * 2 * 2 + 300];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7 + 1);
    CHECK_EQ(pcm_write(&s, data, sizeof data), (long)sizeof data);
    CHECK_EQ(pcm_drain(&s), 0);
    CHECK_EQ(pcm_write(&s, data, 2), -EPIPE);
    CHECK_EQ(pcm_get_state(&s), PCM_IDLE);
    CHECK_EQ(pcm_start(&s, 0), 0);
    uint8_t p[882];
    bool silent = true;
    for (int i = 0; i < 2; i++) {
        CHECK_EQ(pcm_next_period(&s, p, &silent), 0);
        CHECK(!silent);
        CHECK(memcmp(p, data + i * 882, 882) == 0);
    }
    CHECK_EQ(pcm_next_period(&s, p, &silent), 0);
    CHECK(!silent);
    CHECK(memcmp(p, data + 1764, 300) == 0);
    for (size_t i = 300; i < 882; i++)
        CHECK_EQ(p[i], 0);
    CHECK_EQ(pcm_next_period(&s, p, &silent), -EAGAIN);
    CHECK_EQ(pcm_period_completed(&s, 10000000), 0);
    CHECK_EQ(pcm_period_completed(&s, 20000000), 0);
    CHECK(!pcm_drained(&s));
    CHECK_EQ(pcm_period_completed(&s, 30000000), 1);
    CHECK(pcm_drained(&s));
    CHECK_EQ(pcm_period_completed(&s, 40000000), -EINVAL);
    CHECK_EQ(pcm_stats(&s)->underruns, 0);
    /* The clock ends at the real frames: 441 + 441 + 150. */
    CHECK_EQ(pcm_clock_frames(&s, 1000000000), 1032);
    pcm_reset(&s);
    CHECK_EQ(pcm_clock_frames(&s, 2000000000), 0);
    CHECK_EQ(pcm_write(&s, data, 4), 4);
}

TEST(drain_edge_cases)
{
    static struct pcm_stream s;
    static uint8_t storage[4096];
    CHECK_EQ(pcm_init(&s, storage, sizeof storage, 48000, 2, 480), 0);
    CHECK_EQ(pcm_drain(&s), 1); /* nothing at all: done at once */
    CHECK(pcm_drained(&s));
    pcm_reset(&s);
    /* Exactly one period queued: no padding period follows. */
    uint8_t data[1920] = {1};
    CHECK_EQ(pcm_write(&s, data, sizeof data), 1920);
    CHECK_EQ(pcm_start(&s, 0), 0);
    uint8_t p[1920];
    bool silent;
    CHECK_EQ(pcm_next_period(&s, p, &silent), 0);
    CHECK_EQ(pcm_drain(&s), 0);
    CHECK_EQ(pcm_next_period(&s, p, &silent), -EAGAIN);
    CHECK_EQ(pcm_period_completed(&s, 10000000), 1);
    CHECK(pcm_drained(&s));
    /* Completed before the driver asked again. */
    pcm_reset(&s);
    CHECK_EQ(pcm_write(&s, data, sizeof data), 1920);
    CHECK_EQ(pcm_start(&s, 0), 0);
    CHECK_EQ(pcm_next_period(&s, p, &silent), 0);
    CHECK_EQ(pcm_period_completed(&s, 10000000), 0);
    CHECK_EQ(pcm_drain(&s), 1);
    CHECK(pcm_drained(&s));
}

TEST(write_full_ring_and_argument_checks)
{
    static struct pcm_stream s;
    static uint8_t storage[4096];
    CHECK_EQ(pcm_init(&s, storage, 4096, 22050, 2, 220), -EINVAL);
    CHECK_EQ(pcm_init(&s, storage, 4096, 48000, 3, 480), -EINVAL);
    CHECK_EQ(pcm_init(&s, storage, 4096, 48000, 2, 0), -EINVAL);
    CHECK_EQ(pcm_init(&s, storage, 3000, 48000, 2, 480), -EINVAL);
    CHECK_EQ(pcm_init(&s, storage, 1024, 48000, 2, 480), -EINVAL);
    CHECK_EQ(pcm_init(&s, storage, 4096, 48000, 2, 480), 0);
    CHECK_EQ(pcm_period_frames_for_ms(44100, 10), 441);
    uint8_t buf[5000] = {0};
    CHECK_EQ(pcm_write(&s, buf, 0), 0);
    CHECK_EQ(pcm_write(&s, buf, 5000), 4096);
    CHECK_EQ(pcm_write(&s, buf, 1), -EAGAIN);
    bool silent;
    uint8_t p[1920];
    CHECK_EQ(pcm_next_period(&s, p, &silent), -EAGAIN); /* not started */
    CHECK_EQ(pcm_pause(&s, 0), -EINVAL);
    CHECK_EQ(pcm_resume(&s, 0), -EINVAL);
    CHECK_EQ(pcm_start(&s, 0), 0);
    CHECK_EQ(pcm_start(&s, 0), -EINVAL);
    for (unsigned i = 0; i < PCM_MAX_INFLIGHT; i++)
        CHECK_EQ(pcm_next_period(&s, p, &silent), 0);
    CHECK_EQ(pcm_next_period(&s, p, &silent), -EAGAIN); /* in-flight cap */
    CHECK_EQ(pcm_inflight(&s), PCM_MAX_INFLIGHT);
    CHECK_EQ(pcm_stats(&s)->underruns, PCM_MAX_INFLIGHT - 2);
    CHECK_EQ(pcm_queued_bytes(&s), 256); /* the partial period stays put */
    CHECK_EQ(pcm_write(&s, buf, 5000), 3840);
}

TEST(latency_setting_shifts_clock)
{
    static struct pcm_stream s;
    static uint8_t storage[1 << 16];
    CHECK_EQ(pcm_init(&s, storage, sizeof storage, 48000, 1, 480), 0);
    uint8_t buf[48000] = {0};
    CHECK_EQ(pcm_write(&s, buf, sizeof buf), (long)sizeof buf);
    pcm_set_latency_ns(&s, 0);
    CHECK_EQ(pcm_start(&s, 0), 0);
    bool silent;
    uint8_t p[960];
    for (int i = 0; i < 4; i++)
        CHECK_EQ(pcm_next_period(&s, p, &silent), 0);
    CHECK_EQ(pcm_clock_frames(&s, 5000000), 240);   /* interpolated */
    CHECK_EQ(pcm_clock_frames(&s, 15000000), 480);  /* capped at a period */
    CHECK_EQ(pcm_clock_frames(&s, 1000000), 480);   /* never backwards */
    CHECK_EQ(pcm_period_completed(&s, 16000000), 0);
    CHECK_EQ(pcm_clock_frames(&s, 21000000), 720);
    pcm_set_latency_ns(&s, 5000000); /* 240 frames behind now */
    CHECK_EQ(pcm_clock_frames(&s, 21000000), 720); /* held, not backwards */
    CHECK_EQ(pcm_clock_frames(&s, 26000000), 720);
    CHECK_EQ(pcm_period_completed(&s, 26000000), 0);
    CHECK_EQ(pcm_clock_frames(&s, 27000000), 720 + 48);
}

TEST(large_latency_is_limited_to_the_records)
{
    static struct sim m;
    sim_init(&m, 31);
    /* 111 periods of 10 ms is the most the records cover. */
    CHECK_EQ(pcm_set_latency_ns(&m.s, 5000000000ull), 1110000000ull);
    CHECK_EQ(pcm_set_latency_ns(&m.s, 1000000000ull), 1000000000ull);
    steady_writer(&m);
    sim_start(&m);
    sim_run(&m, 900 * MS, steady_writer);
    CHECK_EQ(pcm_clock_frames(&m.s, m.now), 0); /* still inside latency */
    sim_run(&m, 1100 * MS, steady_writer);
    /* 2 s in, 1 s of latency: one second heard, within a period. */
    uint64_t c = pcm_clock_frames(&m.s, m.now);
    CHECK(c + PERIOD_FRAMES >= RATE && c <= RATE + PERIOD_FRAMES);
    CHECK(m.clock_ok);
    sim_free(&m);
}

int main(void)
{
    RUN(random_chunks_no_sample_lost_or_duplicated);
    RUN(clock_nominal_rate_over_10_seconds);
    RUN(clock_smooth_between_completions);
    RUN(underrun_silence_does_not_shift_stream_clock);
    RUN(pause_resume_continuous);
    RUN(drain_pads_last_period_and_reports_done);
    RUN(drain_edge_cases);
    RUN(write_full_ring_and_argument_checks);
    RUN(latency_setting_shifts_clock);
    RUN(large_latency_is_limited_to_the_records);
    return check_summary();
}
