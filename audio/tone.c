/*
 * audio/tone.c — see tone.h. Sine from a 257-entry quarter-wave table
 * (sin(i * pi/512) * 32767, rounded) with linear interpolation between
 * entries; the other three quarters come from symmetry.
 */
#include "audio/tone.h"
#include "kernel/abi/errno.h"

static const int16_t quarter_sine[257] = {
    0, 201, 402, 603, 804, 1005, 1206, 1407, 1608, 1809, 2009, 2210,
    2410, 2611, 2811, 3012, 3212, 3412, 3612, 3811, 4011, 4210, 4410, 4609,
    4808, 5007, 5205, 5404, 5602, 5800, 5998, 6195, 6393, 6590, 6786, 6983,
    7179, 7375, 7571, 7767, 7962, 8157, 8351, 8545, 8739, 8933, 9126, 9319,
    9512, 9704, 9896, 10087, 10278, 10469, 10659, 10849, 11039, 11228, 11417, 11605,
    11793, 11980, 12167, 12353, 12539, 12725, 12910, 13094, 13279, 13462, 13645, 13828,
    14010, 14191, 14372, 14553, 14732, 14912, 15090, 15269, 15446, 15623, 15800, 15976,
    16151, 16325, 16499, 16673, 16846, 17018, 17189, 17360, 17530, 17700, 17869, 18037,
    18204, 18371, 18537, 18703, 18868, 19032, 19195, 19357, 19519, 19680, 19841, 20000,
    20159, 20317, 20475, 20631, 20787, 20942, 21096, 21250, 21403, 21554, 21705, 21856,
    22005, 22154, 22301, 22448, 22594, 22739, 22884, 23027, 23170, 23311, 23452, 23592,
    23731, 23870, 24007, 24143, 24279, 24413, 24547, 24680, 24811, 24942, 25072, 25201,
    25329, 25456, 25582, 25708, 25832, 25955, 26077, 26198, 26319, 26438, 26556, 26674,
    26790, 26905, 27019, 27133, 27245, 27356, 27466, 27575, 27683, 27790, 27896, 28001,
    28105, 28208, 28310, 28411, 28510, 28609, 28706, 28803, 28898, 28992, 29085, 29177,
    29268, 29358, 29447, 29534, 29621, 29706, 29791, 29874, 29956, 30037, 30117, 30195,
    30273, 30349, 30424, 30498, 30571, 30643, 30714, 30783, 30852, 30919, 30985, 31050,
    31113, 31176, 31237, 31297, 31356, 31414, 31470, 31526, 31580, 31633, 31685, 31736,
    31785, 31833, 31880, 31926, 31971, 32014, 32057, 32098, 32137, 32176, 32213, 32250,
    32285, 32318, 32351, 32382, 32412, 32441, 32469, 32495, 32521, 32545, 32567, 32589,
    32609, 32628, 32646, 32663, 32678, 32692, 32705, 32717, 32728, 32737, 32745, 32752,
    32757, 32761, 32765, 32766, 32767,
};

int32_t tone_sin_q15(uint32_t angle)
{
    uint32_t quadrant = angle >> 30;
    uint32_t x = angle & 0x3FFFFFFFu; /* position in the quadrant, 30 bits */
    if (quadrant & 1)
        x = 0x40000000u - x;          /* falling quarters mirror rising */
    uint32_t index = x >> 22;          /* 0..256 */
    int32_t value = quarter_sine[index];
    if (index < 256) {
        int32_t frac = (int32_t)((x >> 6) & 0xFFFF); /* 16-bit fraction */
        int32_t next = quarter_sine[index + 1];
        value += (int32_t)(((int64_t)(next - value) * frac) >> 16);
    }
    return quadrant & 2 ? -value : value;
}

int tone_init(struct tone *t, uint32_t freq_hz, uint32_t rate_hz,
              uint32_t channels, uint32_t amplitude)
{
    if (rate_hz == 0 || (uint64_t)freq_hz * 2 >= rate_hz)
        return -EINVAL;
    if (channels < 1 || channels > 2 || amplitude > 32767)
        return -EINVAL;
    t->rate = rate_hz;
    t->freq = freq_hz;
    t->phase = 0;
    t->channels = channels;
    t->amplitude = amplitude;
    return 0;
}

static int16_t next_sample(struct tone *t)
{
    /* phase/rate of a cycle as a 32-bit angle; phase < rate, so the shift
     * fits in 64 bits. */
    uint32_t angle = (uint32_t)(((uint64_t)t->phase << 32) / t->rate);
    int32_t s = tone_sin_q15(angle) * (int32_t)t->amplitude;
    /* Round to nearest: |s| / 32767 ≤ amplitude keeps it in range. */
    s = s >= 0 ? (s + 16383) / 32767 : -((-s + 16383) / 32767);
    t->phase += t->freq;
    if (t->phase >= t->rate)
        t->phase -= t->rate;
    return (int16_t)s;
}

void tone_fill(struct tone *t, int16_t *out, size_t frames)
{
    for (size_t f = 0; f < frames; f++) {
        int16_t s = next_sample(t);
        for (uint32_t c = 0; c < t->channels; c++)
            *out++ = s;
    }
}

void tone_fill_s16le(struct tone *t, uint8_t *out, size_t frames)
{
    for (size_t f = 0; f < frames; f++) {
        uint16_t s = (uint16_t)next_sample(t);
        for (uint32_t c = 0; c < t->channels; c++) {
            *out++ = (uint8_t)s;
            *out++ = (uint8_t)(s >> 8);
        }
    }
}
