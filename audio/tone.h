/*
 * audio/tone.h — a sine tone generator in integer arithmetic (the kernel has
 * no FP registers), for the `tone` program and tests; pure.
 *
 * The phase is kept exactly as a fraction phase/rate of a cycle and advances
 * by freq per frame, so an integer frequency is exact (no drift however long
 * it runs) and consecutive calls continue the waveform seamlessly. Samples
 * are S16, the same value on every channel of a frame, |sample| ≤ amplitude.
 */
#ifndef AUDIO_TONE_H
#define AUDIO_TONE_H

#include <stddef.h>
#include <stdint.h>

struct tone {
    uint32_t rate;       /* Hz */
    uint32_t freq;       /* Hz, < rate / 2 */
    uint32_t phase;      /* position in the cycle, in units of 1/rate */
    uint32_t channels;
    uint32_t amplitude;  /* 0..32767 */
};

/* 0, or -EINVAL (rate 0, freq ≥ rate/2, channels not 1–2, amplitude >
 * 32767). freq 0 gives silence. Starts at phase 0 (sample 0 is 0). */
int tone_init(struct tone *t, uint32_t freq_hz, uint32_t rate_hz,
              uint32_t channels, uint32_t amplitude);

/* Write `frames` frames (frames * channels samples), continuing the phase. */
void tone_fill(struct tone *t, int16_t *out, size_t frames);
/* Same, as S16LE bytes (frames * channels * 2 of them), for /dev/audio. */
void tone_fill_s16le(struct tone *t, uint8_t *out, size_t frames);

/* sin(2*pi * angle / 2^32) in Q15 (±32767); interpolated quarter-wave
 * table, error below 2 LSB. */
int32_t tone_sin_q15(uint32_t angle);

#endif
