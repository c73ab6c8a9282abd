/*
 * tests/unit/test_tone.c — audio/tone.c: frequency by zero crossings,
 * amplitude bound, the table sine against libm, and phase continuity when
 * the tone is generated in pieces.
 */
#include "tests/unit/check.h"
#include "audio/tone.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#define PI 3.14159265358979323846

/* Sign changes (a zero sample counts with the positives) over n samples. */
static long crossings(const int16_t *s, size_t n, size_t stride)
{
    long c = 0;
    for (size_t i = stride; i < n * stride; i += stride)
        if ((s[i] >= 0) != (s[i - stride] >= 0))
            c++;
    return c;
}

TEST(frequency_by_zero_crossings)
{
    static const uint32_t freqs[] = {50, 440, 997, 1000, 4410, 15000};
    static const uint32_t rates[] = {44100, 48000};
    static int16_t buf[48000 * 2];
    for (int r = 0; r < 2; r++)
        for (size_t f = 0; f < sizeof freqs / sizeof freqs[0]; f++) {
            struct tone t;
            CHECK_EQ(tone_init(&t, freqs[f], rates[r], 2, 20000), 0);
            tone_fill(&t, buf, rates[r]); /* one second */
            long c = crossings(buf, rates[r], 2);
            long want = 2 * (long)freqs[f];
            CHECK(labs(c - want) * 100 <= want);
        }
}

TEST(amplitude_bounded_and_reached)
{
    static int16_t buf[48000];
    static const uint32_t amps[] = {0, 1, 1000, 16384, 32767};
    for (size_t a = 0; a < sizeof amps / sizeof amps[0]; a++) {
        struct tone t;
        CHECK_EQ(tone_init(&t, 440, 48000, 1, amps[a]), 0);
        tone_fill(&t, buf, 48000);
        int peak = 0;
        for (size_t i = 0; i < 48000; i++) {
            int v = abs(buf[i]);
            if (v > peak)
                peak = v;
        }
        CHECK(peak <= (int)amps[a]);
        CHECK(peak * 100 >= (int)amps[a] * 99);
    }
}

TEST(sine_table_accuracy)
{
    double max_err = 0;
    for (uint64_t a = 0; a < (1ull << 32); a += 65537) {
        double want = 32767.0 * sin(2 * PI * (double)a / 4294967296.0);
        double err = fabs(tone_sin_q15((uint32_t)a) - want);
        if (err > max_err)
            max_err = err;
    }
    CHECK(max_err < 2.0);
    CHECK_EQ(tone_sin_q15(0), 0);
    CHECK_EQ(tone_sin_q15(1u << 30), 32767);
    CHECK_EQ(tone_sin_q15(2u << 30), 0);
    CHECK_EQ(tone_sin_q15(3u << 30), -32767);
}

TEST(samples_match_libm)
{
    struct tone t;
    CHECK_EQ(tone_init(&t, 441, 44100, 1, 30000), 0);
    static int16_t buf[44100];
    tone_fill(&t, buf, 44100);
    double max_err = 0;
    for (int i = 0; i < 44100; i++) {
        double want = 30000.0 * sin(2 * PI * 441.0 * i / 44100.0);
        double err = fabs(buf[i] - want);
        if (err > max_err)
            max_err = err;
    }
    CHECK(max_err < 3.0);
}

TEST(phase_continuous_across_calls)
{
    static int16_t whole[48000 * 2], pieces[48000 * 2];
    struct tone a, b;
    CHECK_EQ(tone_init(&a, 1234, 48000, 2, 25000), 0);
    CHECK_EQ(tone_init(&b, 1234, 48000, 2, 25000), 0);
    tone_fill(&a, whole, 48000);
    size_t done = 0;
    while (done < 48000) {
        size_t n = check_rng_below(700);
        if (n > 48000 - done)
            n = 48000 - done;
        tone_fill(&b, pieces + done * 2, n);
        done += n;
    }
    CHECK(memcmp(whole, pieces, sizeof whole) == 0);
    /* Both channels carry the same sample. */
    for (int i = 0; i < 48000; i++)
        if (whole[2 * i] != whole[2 * i + 1]) {
            CHECK(whole[2 * i] == whole[2 * i + 1]);
            break;
        }
    /* After exactly one second an integer frequency is back at phase 0. */
    CHECK_EQ(a.phase, 0);
}

TEST(s16le_bytes_and_argument_checks)
{
    struct tone a, b;
    CHECK_EQ(tone_init(&a, 440, 44100, 2, 32767), 0);
    CHECK_EQ(tone_init(&b, 440, 44100, 2, 32767), 0);
    int16_t s[200];
    uint8_t bytes[400];
    tone_fill(&a, s, 100);
    tone_fill_s16le(&b, bytes, 100);
    for (int i = 0; i < 200; i++)
        CHECK_EQ((int16_t)(bytes[2 * i] | bytes[2 * i + 1] << 8), s[i]);
    CHECK_EQ(tone_init(&a, 22050, 44100, 1, 100), -EINVAL);
    CHECK_EQ(tone_init(&a, 440, 0, 1, 100), -EINVAL);
    CHECK_EQ(tone_init(&a, 440, 44100, 3, 100), -EINVAL);
    CHECK_EQ(tone_init(&a, 440, 44100, 1, 32768), -EINVAL);
    CHECK_EQ(tone_init(&a, 0, 44100, 1, 100), 0);
    tone_fill(&a, s, 100);
    for (int i = 0; i < 100; i++)
        CHECK_EQ(s[i], 0);
}

int main(void)
{
    RUN(frequency_by_zero_crossings);
    RUN(amplitude_bounded_and_reached);
    RUN(sine_table_accuracy);
    RUN(samples_match_libm);
    RUN(phase_continuous_across_calls);
    RUN(s16le_bytes_and_argument_checks);
    return check_summary();
}
