/*
 * tests/unit/test_wav.c — audio/wav.c on headers built byte by byte here
 * (plus one written by Python's `wave` module, pasted as bytes), every
 * refusal with its message, truncation, and random garbage under ASan.
 */
#include "tests/unit/check.h"
#include "audio/wav.h"

#include <stdlib.h>

/* A WAV being built: bytes plus helpers for little-endian fields. */
struct wb {
    uint8_t b[4096];
    size_t n;
};

static void put(struct wb *w, const void *p, size_t n)
{
    memcpy(w->b + w->n, p, n);
    w->n += n;
}
static void put16(struct wb *w, uint16_t v)
{
    uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    put(w, x, 2);
}
static void put32(struct wb *w, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
                    (uint8_t)(v >> 24)};
    put(w, x, 4);
}

static void riff(struct wb *w)
{
    w->n = 0;
    put(w, "RIFF", 4);
    put32(w, 0); /* fixed up by finish(); not trusted anyway */
    put(w, "WAVE", 4);
}

static void fmt_chunk(struct wb *w, uint16_t tag, uint16_t ch, uint32_t rate,
                      uint16_t bits)
{
    put(w, "fmt ", 4);
    put32(w, 16);
    put16(w, tag);
    put16(w, ch);
    put32(w, rate);
    put32(w, rate * ch * bits / 8);
    put16(w, (uint16_t)(ch * bits / 8));
    put16(w, bits);
}

static void fmt_extensible(struct wb *w, uint16_t ch, uint32_t rate,
                           uint16_t bits, uint16_t valid, uint16_t sub)
{
    put(w, "fmt ", 4);
    put32(w, 40);
    put16(w, 0xFFFE);
    put16(w, ch);
    put32(w, rate);
    put32(w, rate * ch * bits / 8);
    put16(w, (uint16_t)(ch * bits / 8));
    put16(w, bits);
    put16(w, 22);
    put16(w, valid);
    put32(w, ch == 2 ? 3 : 4);
    put16(w, sub);
    put(w, "\x00\x00\x00\x00\x10\x00\x80\x00\x00\xAA\x00\x38\x9B\x71", 14);
}

static void chunk(struct wb *w, const char *id, const void *body, uint32_t n)
{
    put(w, id, 4);
    put32(w, n);
    put(w, body, n);
    if (n & 1)
        put(w, "", 1); /* pad byte */
}

/* 'data' header only: aplay's header buffer ends where the samples begin. */
static void data_hdr(struct wb *w, uint32_t n)
{
    put(w, "data", 4);
    put32(w, n);
}

static enum wav_error parse(const struct wb *w, uint64_t file_size,
                            struct wav_info *info, char *msg)
{
    return wav_parse(w->b, w->n, file_size, info, msg, 128);
}

TEST(python_wave_header)
{
    static const uint8_t py[44] = {
        0x52, 0x49, 0x46, 0x46, 0x4c, 0x00, 0x00, 0x00, 0x57, 0x41, 0x56,
        0x45, 0x66, 0x6d, 0x74, 0x20, 0x10, 0x00, 0x00, 0x00, 0x01, 0x00,
        0x02, 0x00, 0x80, 0xbb, 0x00, 0x00, 0x00, 0xee, 0x02, 0x00, 0x04,
        0x00, 0x10, 0x00, 0x64, 0x61, 0x74, 0x61, 0x28, 0x00, 0x00, 0x00,
    };
    struct wav_info info;
    char msg[128];
    CHECK_EQ(wav_parse(py, sizeof py, 84, &info, msg, sizeof msg), WAV_OK);
    CHECK_STR(msg, "");
    CHECK_EQ(info.rate, 48000);
    CHECK_EQ(info.channels, 2);
    CHECK_EQ(info.bits, 16);
    CHECK_EQ(info.frame_bytes, 4);
    CHECK_EQ(info.data_offset, 44);
    CHECK_EQ(info.data_declared, 40);
    CHECK_EQ(info.data_available, 40);
    CHECK(!info.truncated);
}

TEST(good_mono_stereo_44_48)
{
    static const uint32_t rates[] = {44100, 48000};
    for (int r = 0; r < 2; r++)
        for (uint16_t ch = 1; ch <= 2; ch++) {
            struct wb w;
            riff(&w);
            fmt_chunk(&w, 1, ch, rates[r], 16);
            data_hdr(&w, 1000 * ch * 2);
            struct wav_info info;
            char msg[128];
            CHECK_EQ(parse(&w, w.n + 1000u * ch * 2, &info, msg), WAV_OK);
            CHECK_EQ(info.rate, rates[r]);
            CHECK_EQ(info.channels, ch);
            CHECK_EQ(info.frame_bytes, 2 * ch);
            CHECK_EQ(info.data_offset, 44);
            CHECK_EQ(info.data_available, 1000u * ch * 2);
            CHECK_EQ(info.format_tag, 1);
        }
}

TEST(extensible_pcm)
{
    struct wb w;
    riff(&w);
    fmt_extensible(&w, 2, 48000, 16, 16, 1);
    data_hdr(&w, 400);
    struct wav_info info;
    char msg[128];
    CHECK_EQ(parse(&w, w.n + 400, &info, msg), WAV_OK);
    CHECK_EQ(info.format_tag, 0xFFFE);
    CHECK_EQ(info.channels, 2);
    CHECK_EQ(info.data_offset, 12 + 48 + 8);

    riff(&w);
    fmt_extensible(&w, 2, 48000, 32, 32, 3);
    data_hdr(&w, 400);
    CHECK_EQ(parse(&w, w.n + 400, &info, msg), WAV_E_FORMAT);
    CHECK_STR(msg, "IEEE float not supported");

    riff(&w);
    fmt_extensible(&w, 2, 48000, 16, 12, 1);
    data_hdr(&w, 400);
    CHECK_EQ(parse(&w, w.n + 400, &info, msg), WAV_E_BITS);
    CHECK_STR(msg, "12-bit PCM not supported");

    riff(&w);
    fmt_extensible(&w, 2, 48000, 16, 16, 1);
    w.b[12 + 8 + 27] ^= 0xFF; /* corrupt the GUID tail */
    data_hdr(&w, 400);
    CHECK_EQ(parse(&w, w.n + 400, &info, msg), WAV_E_FORMAT);
    CHECK_STR(msg, "unknown extensible subformat not supported");
}

TEST(list_and_odd_chunks_before_data)
{
    struct wb w;
    riff(&w);
    chunk(&w, "LIST", "INFOISFT\x05\x00\x00\x00Lavf\x00", 17); /* odd: pad */
    fmt_chunk(&w, 1, 1, 44100, 16);
    chunk(&w, "fact", "\x10\x00\x00\x00", 4);
    chunk(&w, "junk", "abc", 3); /* odd again */
    data_hdr(&w, 882);
    struct wav_info info;
    char msg[128];
    CHECK_EQ(parse(&w, w.n + 882, &info, msg), WAV_OK);
    CHECK_EQ(info.data_offset, w.n);
    CHECK_EQ(info.data_offset, 12 + 8 + 18 + 24 + 12 + 12 + 8);
    CHECK_EQ(info.channels, 1);
    CHECK_EQ(info.rate, 44100);

    /* Without the pad byte the next chunk id is misread: refused. */
    riff(&w);
    put(&w, "LIST", 4);
    put32(&w, 3);
    put(&w, "abc", 3);
    fmt_chunk(&w, 1, 1, 44100, 16);
    data_hdr(&w, 882);
    CHECK(parse(&w, w.n + 882, &info, msg) != WAV_OK);
}

TEST(refusals_name_the_format)
{
    static const struct {
        uint16_t tag, ch;
        uint32_t rate;
        uint16_t bits;
        enum wav_error err;
        const char *msg;
    } cases[] = {
        {1, 2, 48000, 8, WAV_E_BITS, "8-bit PCM not supported"},
        {1, 2, 48000, 24, WAV_E_BITS, "24-bit PCM not supported"},
        {1, 2, 48000, 32, WAV_E_BITS, "32-bit PCM not supported"},
        {3, 2, 48000, 32, WAV_E_FORMAT, "IEEE float not supported"},
        {6, 1, 8000, 8, WAV_E_FORMAT, "A-law not supported"},
        {7, 1, 8000, 8, WAV_E_FORMAT, "mu-law not supported"},
        {2, 2, 44100, 4, WAV_E_FORMAT, "MS ADPCM not supported"},
        {0x11, 2, 44100, 4, WAV_E_FORMAT, "IMA ADPCM not supported"},
        {0x55, 2, 44100, 0, WAV_E_FORMAT, "MP3 not supported"},
        {0x1234, 2, 44100, 16, WAV_E_FORMAT,
         "format tag 0x1234 not supported"},
        {1, 2, 22050, 16, WAV_E_RATE, "22050 Hz not supported"},
        {1, 1, 96000, 16, WAV_E_RATE, "96000 Hz not supported"},
        {1, 3, 48000, 16, WAV_E_CHANNELS, "3 channels not supported"},
        {1, 6, 48000, 16, WAV_E_CHANNELS, "6 channels not supported"},
        {1, 0, 48000, 16, WAV_E_CHANNELS, "0 channels not supported"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct wb w;
        riff(&w);
        fmt_chunk(&w, cases[i].tag, cases[i].ch, cases[i].rate,
                  cases[i].bits);
        data_hdr(&w, 100);
        struct wav_info info;
        char msg[128];
        CHECK_EQ(parse(&w, w.n + 100, &info, msg), cases[i].err);
        CHECK_STR(msg, cases[i].msg);
    }
}

TEST(structural_refusals)
{
    struct wb w;
    struct wav_info info;
    char msg[128];

    memcpy(w.b, "RIFX\0\0\0\0WAVE", 12);
    w.n = 12;
    CHECK_EQ(parse(&w, 100, &info, msg), WAV_E_NOT_RIFF);
    CHECK_STR(msg, "not a RIFF/WAVE file");
    memcpy(w.b, "RIFF\0\0\0\0AVI ", 12);
    CHECK_EQ(parse(&w, 100, &info, msg), WAV_E_NOT_RIFF);
    CHECK_EQ(wav_parse(w.b, 5, 5, &info, msg, sizeof msg), WAV_E_NOT_RIFF);

    riff(&w);
    data_hdr(&w, 4);
    CHECK_EQ(parse(&w, w.n + 4, &info, msg), WAV_E_NO_FMT);
    CHECK_STR(msg, "data chunk before fmt chunk");

    riff(&w);
    CHECK_EQ(parse(&w, w.n, &info, msg), WAV_E_NO_FMT);
    CHECK_STR(msg, "no fmt chunk");

    riff(&w);
    fmt_chunk(&w, 1, 2, 48000, 16);
    CHECK_EQ(parse(&w, w.n, &info, msg), WAV_E_NO_DATA);
    CHECK_STR(msg, "no data chunk");

    riff(&w);
    chunk(&w, "fmt ", "\x01\x00\x02\x00", 4);
    data_hdr(&w, 4);
    CHECK_EQ(parse(&w, w.n + 4, &info, msg), WAV_E_BAD_FMT);
    CHECK_STR(msg, "fmt chunk too short (4 bytes)");

    riff(&w);
    fmt_chunk(&w, 1, 2, 48000, 16);
    w.b[12 + 8 + 12] = 2; /* block align 2 for 2 x 16-bit */
    data_hdr(&w, 4);
    CHECK_EQ(parse(&w, w.n + 4, &info, msg), WAV_E_BAD_FMT);

    /* A LIST chunk claiming more than the file has. */
    riff(&w);
    fmt_chunk(&w, 1, 2, 48000, 16);
    put(&w, "LIST", 4);
    put32(&w, 0xFFFFFFF0u);
    CHECK_EQ(parse(&w, w.n + 100, &info, msg), WAV_E_BAD_CHUNK);
    CHECK_STR(msg, "chunk 'LIST' runs past the end of the file");

    /* The data chunk lies beyond the header buffer aplay read. */
    riff(&w);
    fmt_chunk(&w, 1, 2, 48000, 16);
    static uint8_t big[3000];
    chunk(&w, "id3 ", big, sizeof big);
    data_hdr(&w, 4);
    CHECK_EQ(wav_parse(w.b, 1024, w.n + 4, &info, msg, sizeof msg),
             WAV_E_HEADER_TOO_LONG);
    CHECK_STR(msg, "header chunks longer than 1024 bytes");
    CHECK_EQ(wav_parse(w.b, w.n, w.n + 4, &info, msg, sizeof msg), WAV_OK);

    /* Small message buffers are cut, still terminated. */
    riff(&w);
    fmt_chunk(&w, 1, 2, 22050, 16);
    data_hdr(&w, 4);
    char tiny[6];
    CHECK_EQ(wav_parse(w.b, w.n, w.n + 4, &info, tiny, sizeof tiny),
             WAV_E_RATE);
    CHECK_STR(tiny, "22050");
    CHECK_EQ(wav_parse(w.b, w.n, w.n + 4, &info, NULL, 0), WAV_E_RATE);
}

TEST(truncated_data)
{
    struct wb w;
    riff(&w);
    fmt_chunk(&w, 1, 2, 48000, 16);
    data_hdr(&w, 192000);
    struct wav_info info;
    char msg[128];
    CHECK_EQ(parse(&w, w.n + 1000, &info, msg), WAV_E_TRUNCATED);
    CHECK(info.truncated);
    CHECK_EQ(info.data_available, 1000);
    CHECK_EQ(info.data_declared, 192000);
    CHECK_EQ(info.data_offset, 44);
    CHECK_EQ(info.rate, 48000);
    CHECK_STR(msg, "truncated: data chunk declares 192000 bytes, "
                   "file holds 1000");
    /* The header alone (no sample byte at all). */
    CHECK_EQ(parse(&w, w.n, &info, msg), WAV_E_TRUNCATED);
    CHECK_EQ(info.data_available, 0);
    /* Trailing chunks after data are fine: longer file, not truncated. */
    CHECK_EQ(parse(&w, w.n + 192000 + 50, &info, msg), WAV_OK);
    CHECK_EQ(info.data_available, 192000);
    /* A file cut inside the header. */
    CHECK_EQ(parse(&w, 40, &info, msg), WAV_E_NO_DATA);
    CHECK_EQ(parse(&w, 30, &info, msg), WAV_E_BAD_CHUNK);
}

TEST(random_garbage_in_bounds)
{
    /* Exact-size heap copies so ASan catches any read past the header. */
    int ok = 0;
    for (int iter = 0; iter < 20000; iter++) {
        struct wb w;
        riff(&w);
        fmt_chunk(&w, 1, 2, 48000, 16);
        chunk(&w, "LIST", "abcde", 5);
        data_hdr(&w, 64);
        size_t len = w.n;
        int flips = 1 + (int)check_rng_below(6);
        for (int f = 0; f < flips; f++)
            w.b[check_rng_below(len)] = (uint8_t)check_rng();
        size_t cut = check_rng_below(len + 1);
        uint8_t *copy = malloc(cut ? cut : 1);
        memcpy(copy, w.b, cut);
        uint64_t r = check_rng();
        uint64_t file_size = (r & 1) ? cut : cut + (r >> 20) % 200;
        struct wav_info info;
        char msg[64];
        enum wav_error e = wav_parse(copy, cut, file_size, &info, msg,
                                     sizeof msg);
        if (e == WAV_OK) {
            ok++;
            CHECK(info.data_offset <= cut);
            CHECK(info.data_offset + info.data_available <= file_size);
        } else {
            CHECK(msg[0] != '\0');
        }
        free(copy);
        /* Pure random bytes too. */
        uint8_t *junk = malloc(64);
        for (int i = 0; i < 64; i++)
            junk[i] = (uint8_t)check_rng();
        if (iter & 1)
            memcpy(junk, "RIFF\x10\x00\x00\x00WAVE", 12);
        e = wav_parse(junk, 64, 1u << 20, &info, msg, sizeof msg);
        if (e != WAV_OK)
            CHECK(msg[0] != '\0');
        free(junk);
    }
    CHECK(ok > 0);
}

int main(void)
{
    RUN(python_wave_header);
    RUN(good_mono_stereo_44_48);
    RUN(extensible_pcm);
    RUN(list_and_odd_chunks_before_data);
    RUN(refusals_name_the_format);
    RUN(structural_refusals);
    RUN(truncated_data);
    RUN(random_garbage_in_bounds);
    return check_summary();
}
