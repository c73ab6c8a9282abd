/*
 * tests/unit/test_bav.c — the .bav codec and container (user/player/bav.c)
 * against the encoder (tools/encode/bav_encode.c): CRC32, chunk round trips
 * at every depth, the context rule, damage rectangles, scene cuts, rejection
 * of malformed and truncated streams and of version 1 headers, a whole file
 * written and walked back, and the BGRX blit.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/unit/check.h"
#include "tools/encode/bav_encode.h"
#include "user/player/bav.h"

static uint32_t rng = 12345;
static uint32_t next_rand(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

static struct bav_header make_header(uint16_t w, uint16_t h, uint8_t levels)
{
    struct bav_header hd = {0};
    hd.version = BAV_VERSION;
    hd.width = w, hd.height = h, hd.levels = levels;
    hd.fps_num = 30, hd.fps_den = 1, hd.frame_count = 1;
    return hd;
}

/* Codes `count` frames (one after another in `frames`) as one chunk's
 * video stream; returns its length, *stream malloc'd. */
static size_t code_chunk(const struct bav_header *hd, const uint8_t *frames,
                         uint32_t count, uint8_t **stream, int *keys)
{
    static struct bav_chunk_encoder enc;
    size_t n = (size_t)hd->width * hd->height;
    bav_chunk_begin(&enc, hd);
    for (uint32_t f = 0; f < count; f++) {
        int key = bav_chunk_frame(&enc, f ? frames + (f - 1) * n : NULL, frames + f * n);
        if (keys)
            keys[f] = key;
    }
    return bav_chunk_end(&enc, stream);
}

/* A chunk of `count` frames whose payload is just the stream. */
static struct bav_chunk stream_chunk(uint32_t count, size_t len)
{
    struct bav_chunk c = {0};
    c.frame_count = count;
    c.payload_size = (uint32_t)len;
    return c;
}

static struct bav_frame_reader reader;

/* Decodes the stream into out (count frames); the first error or BAV_OK.
 * out starts as junk: the first frame is a key frame and must not look. */
static int decode_chunk(const struct bav_header *hd, const uint8_t *stream, size_t len,
                        uint32_t count, uint8_t *out, struct bav_rect *damage)
{
    size_t n = (size_t)hd->width * hd->height;
    uint8_t *cur = malloc(n);
    memset(cur, 0x5A, n);
    struct bav_chunk c = stream_chunk(count, len);
    bav_frames_begin(&c, stream, &reader);
    struct bav_frame f;
    int err = BAV_OK;
    for (uint32_t i = 0; i < count && !err; i++) {
        err = bav_next_frame(&reader, &f);
        if (err == 1)
            err = bav_decode_frame(hd, &f, cur, n, damage ? &damage[i] : NULL);
        else if (err == 0)
            err = BAV_E_FRAME;
        if (!err)
            memcpy(out + i * n, cur, n);
    }
    if (!err && bav_next_frame(&reader, &f) != 0)
        err = BAV_E_FRAME;
    free(cur);
    return err;
}

/* Codes the frames as a chunk, decodes it, compares every frame. */
static int round_trip(const struct bav_header *hd, const uint8_t *frames, uint32_t count,
                      struct bav_rect *damage)
{
    size_t n = (size_t)hd->width * hd->height;
    uint8_t *stream, *out = malloc(n * count);
    size_t len = code_chunk(hd, frames, count, &stream, NULL);
    int err = decode_chunk(hd, stream, len, count, out, damage);
    int same = err == BAV_OK && memcmp(out, frames, n * count) == 0;
    free(stream);
    free(out);
    return same;
}

static void random_frame(uint8_t *buf, size_t n, uint8_t levels, int density)
{
    uint8_t raw[1];
    for (size_t i = 0; i < n; i++) {
        raw[0] = (next_rand() % 100) < (uint32_t)density ? (uint8_t)next_rand() : 255;
        bav_quantize(raw, 1, levels, &buf[i]);
    }
}

TEST(crc32_known_values)
{
    CHECK_EQ(bav_crc32(0, "123456789", 9), 0xCBF43926u);
    CHECK_EQ(bav_crc32(0, "", 0), 0);
    /* Chaining equals one pass. */
    CHECK_EQ(bav_crc32(bav_crc32(0, "1234", 4), "56789", 5), 0xCBF43926u);
}

TEST(quantize_rule)
{
    uint8_t in[6] = {0, 127, 128, 255, 64, 200}, out[6];
    bav_quantize(in, 6, 2, out);
    CHECK(out[0] == 0 && out[1] == 0 && out[2] == 255 && out[3] == 255);
    bav_quantize(in, 6, 4, out);
    CHECK(out[0] == 0 && out[1] == 85 && out[2] == 170 && out[4] == 85 && out[5] == 255);
    bav_quantize(in, 6, 16, out);
    CHECK(out[1] == 7 * 17 && out[2] == 8 * 17 && out[3] == 255);
}

/* Sequences of random frames (each frame like the last one in places,
 * noise in others), every depth, odd sizes, then a scene cut to black,
 * white and back: every frame decodes to exactly what was coded. */
TEST(round_trip_all_depths)
{
    static const uint8_t levels[3] = {2, 4, 16};
    static const uint16_t sizes[][2] = {{1, 1}, {7, 3}, {33, 17}, {17, 40}, {160, 120}};
    for (int l = 0; l < 3; l++)
        for (int s = 0; s < 5; s++) {
            struct bav_header hd = make_header(sizes[s][0], sizes[s][1], levels[l]);
            size_t n = (size_t)hd.width * hd.height;
            enum { FRAMES = 9 };
            uint8_t *frames = malloc(n * FRAMES);
            random_frame(frames, n, levels[l], 30);
            for (int f = 1; f < 6; f++) {     /* small changes, then big */
                memcpy(frames + f * n, frames + (f - 1) * n, n);
                for (size_t k = 0; k < n / 10 * (size_t)f + 1; k++) {
                    uint8_t raw = (uint8_t)next_rand();
                    bav_quantize(&raw, 1, levels[l], &frames[f * n + next_rand() % n]);
                }
            }
            memset(frames + 6 * n, 0, n);
            memset(frames + 7 * n, 255, n);
            random_frame(frames + 8 * n, n, levels[l], 90);
            CHECK(round_trip(&hd, frames, FRAMES, NULL));
            CHECK(round_trip(&hd, frames + 6 * n, 3, NULL));
            free(frames);
        }
}

/* The decoder's sliding context equals the context computed afresh. */
TEST(context_next_matches_context_at)
{
    for (int planes = 1; planes <= 4; planes *= 2) {
        uint32_t w = 23;
        uint8_t rows[5][23], code_of[256];
        for (int g = 0; g < 256; g++)
            code_of[g] = (uint8_t)(next_rand() & 15);
        for (int i = 0; i < 5; i++)
            for (uint32_t x = 0; x < w; x++)
                rows[i][x] = (uint8_t)next_rand();
        struct bav_rows r = {rows[0], rows[1], rows[2], rows[3], rows[4], w, code_of};
        for (unsigned p = 0; p < (unsigned)planes; p++) {
            unsigned c = bav_context_at(&r, 0, p, (unsigned)planes);
            for (uint32_t x = 0; x + 1 < w; x++) {
                unsigned bit = bav_bit(&r, r.cur, x, p, (unsigned)planes);
                unsigned edge = bav_context_next(&r, c, x, p, (unsigned)planes, bit, false);
                if (x + 3 < w)      /* the unchecked form agrees inside */
                    CHECK_EQ(bav_context_next(&r, c, x, p, (unsigned)planes, bit, true), edge);
                c = edge;
                CHECK_EQ(c, bav_context_at(&r, x + 1, p, (unsigned)planes));
            }
        }
    }
}

/* Damage is the changed blocks' rectangle (whole blocks, clipped). */
TEST(damage_is_the_changed_blocks)
{
    struct bav_header hd = make_header(40, 30, 2);
    size_t n = 40 * 30;
    uint8_t frames[4][40 * 30] = {{0}};
    frames[1][5 * 40 + 7] = 255;            /* block (0, 0) */
    frames[1][20 * 40 + 35] = 255;          /* block (2, 1): x 32..40, y 16..30 */
    memcpy(frames[2], frames[1], n);        /* nothing changed */
    memcpy(frames[3], frames[1], n);
    frames[3][3 * 40 + 20] = 255;           /* block (1, 0) only */
    struct bav_rect d[4];
    CHECK(round_trip(&hd, &frames[0][0], 4, d));
    CHECK(d[0].x0 == 0 && d[0].y0 == 0 && d[0].x1 == 40 && d[0].y1 == 30);   /* key */
    CHECK(d[1].x0 == 0 && d[1].y0 == 0 && d[1].x1 == 40 && d[1].y1 == 30);
    CHECK(d[2].x0 == d[2].x1);
    CHECK(d[3].x0 == 16 && d[3].x1 == 32 && d[3].y0 == 0 && d[3].y1 == 16);
}

/* A scene cut becomes a key frame; a small change does not. */
TEST(scene_cut_is_a_key_frame)
{
    struct bav_header hd = make_header(32, 32, 2);
    size_t n = 32 * 32;
    uint8_t frames[3][32 * 32];
    memset(frames[0], 255, n);
    memcpy(frames[1], frames[0], n);
    frames[1][100] = 0;
    memset(frames[2], 0, n);
    frames[2][5] = 255;
    uint8_t *stream;
    int keys[3];
    size_t len = code_chunk(&hd, &frames[0][0], 3, &stream, keys);
    CHECK(keys[0] == 1 && keys[1] == 0 && keys[2] == 1);
    uint8_t out[3 * 32 * 32];
    CHECK_EQ(decode_chunk(&hd, stream, len, 3, out, NULL), BAV_OK);
    CHECK(memcmp(out, frames, sizeof out) == 0);
    free(stream);
}

TEST(malformed_streams_rejected)
{
    struct bav_header hd = make_header(37, 21, 2);
    size_t n = 37 * 21;
    uint8_t frames[3][37 * 21], out[3 * 37 * 21];
    random_frame(frames[0], n, 2, 40);
    random_frame(frames[1], n, 2, 40);
    memcpy(frames[2], frames[1], n);
    uint8_t *stream;
    size_t len = code_chunk(&hd, &frames[0][0], 3, &stream, NULL);
    CHECK_EQ(decode_chunk(&hd, stream, len, 3, out, NULL), BAV_OK);
    for (size_t cut = 0; cut < len; cut++)          /* every truncation */
        CHECK_EQ(decode_chunk(&hd, stream, cut, 3, out, NULL), BAV_E_FRAME);
    uint8_t *longer = malloc(len + 1);              /* a byte too many */
    memcpy(longer, stream, len);
    longer[len] = 0;
    CHECK_EQ(decode_chunk(&hd, longer, len + 1, 3, out, NULL), BAV_E_FRAME);
    /* Fewer frames than coded: the stream is not used up. */
    CHECK_EQ(decode_chunk(&hd, stream, len, 2, out, NULL), BAV_E_FRAME);
    /* API misuse: decode before reading, read twice, too small a buffer. */
    struct bav_chunk c = stream_chunk(3, len);
    struct bav_frame f = {true, &reader};
    uint8_t cur[37 * 21];
    bav_frames_begin(&c, stream, &reader);
    CHECK_EQ(bav_decode_frame(&hd, &f, cur, n, NULL), BAV_E_FRAME);
    CHECK_EQ(bav_next_frame(&reader, &f), 1);
    CHECK_EQ(bav_next_frame(&reader, &f), BAV_E_FRAME);
    CHECK_EQ(bav_decode_frame(&hd, &f, cur, n - 1, NULL), BAV_E_SPACE);
    CHECK_EQ(bav_decode_frame(&hd, &f, cur, n, NULL), BAV_OK);
    free(longer);
    free(stream);
}

TEST(random_bytes_never_overrun)
{
    /* Run under ASan: any stray access aborts the test binary. */
    static const uint8_t levels[3] = {2, 4, 16};
    for (int i = 0; i < 1500; i++) {
        struct bav_header hd = make_header((uint16_t)(1 + next_rand() % 40),
                                           (uint16_t)(1 + next_rand() % 40),
                                           levels[i % 3]);
        size_t n = (size_t)hd.width * hd.height, len = next_rand() % 64;
        uint32_t count = 1 + next_rand() % 4;
        uint8_t *data = malloc(len + 1), *out = malloc(n * count);
        for (size_t k = 0; k < len; k++)
            data[k] = (uint8_t)next_rand();
        struct bav_rect d[4];
        int err = decode_chunk(&hd, data, len, count, out, d);
        CHECK(err == BAV_OK || err == BAV_E_FRAME);
        if (err == BAV_OK)
            for (uint32_t k = 0; k < count; k++)
                CHECK(d[k].x1 <= hd.width && d[k].y1 <= hd.height &&
                      d[k].x0 <= d[k].x1 && d[k].y0 <= d[k].y1);
        free(data);
        free(out);
    }
}

/* Writes a 3-chunk clip with audio into memory and reads it back. */
TEST(file_write_and_walk)
{
    struct bav_header hd = make_header(24, 10, 4);
    hd.fps_num = 4;                     /* 4 frames per chunk */
    hd.audio_format = BAV_AUDIO_S16LE, hd.audio_channels = 1, hd.audio_rate = 100;
    struct bav_writer w;
    CHECK_EQ(bav_writer_begin(&w, &hd), 0);
    size_t n = 240;
    uint8_t frames[10][240], pcm[2 * 300];
    for (size_t i = 0; i < sizeof pcm; i++)
        pcm[i] = (uint8_t)i;
    uint32_t f = 0, s = 0;
    for (int chunk = 0; chunk < 3; chunk++) {
        uint32_t count = chunk < 2 ? 4 : 2;
        for (uint32_t k = 0; k < count; k++)
            random_frame(frames[f + k], n, 4, 30);
        uint8_t *video;
        size_t len = code_chunk(&hd, &frames[f][0], count, &video, NULL);
        f += count;
        uint32_t samples = chunk < 2 ? 100 : 50;
        CHECK_EQ(bav_writer_chunk(&w, video, len, count, pcm + 2 * s, samples), 0);
        free(video);
        s += samples;
    }
    FILE *mem = tmpfile();
    CHECK_EQ(bav_writer_finish(&w, mem), 0);
    long size = ftell(mem);
    uint8_t *file = malloc((size_t)size);
    rewind(mem);
    CHECK_EQ(fread(file, 1, (size_t)size, mem), (size_t)size);
    fclose(mem);

    struct bav_header got;
    CHECK_EQ(bav_parse_header(file, (size_t)size, &got), BAV_OK);
    CHECK_EQ(got.frame_count, 10);
    CHECK_EQ(got.audio_samples, 250);
    CHECK_EQ(got.chunk_count, 3);
    CHECK_EQ(got.file_size, size);
    CHECK_EQ(got.duration_ms, 2500);
    const uint8_t *index = file + got.index_offset;
    CHECK_EQ(bav_check_index(&got, index, (size_t)size - got.index_offset), BAV_OK);
    uint8_t cur[240];
    uint32_t frame_no = 0, audio_at = 0;
    for (uint32_t i = 0; i < got.chunk_count; i++) {
        struct bav_index_entry e;
        struct bav_chunk c;
        CHECK_EQ(bav_index_entry(&got, index, i, &e), BAV_OK);
        CHECK_EQ(bav_parse_chunk_header(&got, &e, file + e.offset, e.size, &c), BAV_OK);
        const uint8_t *payload = file + e.offset + BAV_CHUNK_HEADER_SIZE;
        CHECK_EQ(bav_check_chunk(&c, payload, c.payload_size), BAV_OK);
        CHECK(memcmp(payload, pcm + audio_at, c.audio_bytes) == 0);
        audio_at += c.audio_bytes;
        struct bav_frame fr;
        bav_frames_begin(&c, payload, &reader);
        int rc;
        while ((rc = bav_next_frame(&reader, &fr)) == 1) {
            CHECK_EQ(bav_decode_frame(&got, &fr, cur, sizeof cur, NULL), BAV_OK);
            CHECK(frame_no < 10 && memcmp(cur, frames[frame_no], n) == 0);
            frame_no++;
        }
        CHECK_EQ(rc, 0);
    }
    CHECK_EQ(frame_no, 10);
    CHECK_EQ(audio_at, 500);

    /* Damage: a flipped bit anywhere in the header, index or a chunk. */
    for (long pos = 0; pos < size; pos += 7) {
        file[pos] ^= 0x10;
        int bad = bav_parse_header(file, (size_t)size, &got) != BAV_OK ||
                  bav_check_index(&got, index, (size_t)size - got.index_offset) != BAV_OK;
        for (uint32_t i = 0; !bad && i < got.chunk_count; i++) {
            struct bav_index_entry e;
            struct bav_chunk c;
            bad = bav_index_entry(&got, index, i, &e) != BAV_OK ||
                  bav_parse_chunk_header(&got, &e, file + e.offset, e.size, &c) != BAV_OK ||
                  bav_check_chunk(&c, file + e.offset + BAV_CHUNK_HEADER_SIZE,
                                  e.size - BAV_CHUNK_HEADER_SIZE) != BAV_OK;
        }
        CHECK(bad);
        file[pos] ^= 0x10;
    }
    CHECK_EQ(bav_parse_header(file, BAV_HEADER_SIZE - 1, &got), BAV_E_TRUNCATED);
    free(file);
}

TEST(header_fields_validated)
{
    uint8_t b[BAV_HEADER_SIZE] = {0};
    struct bav_header h;
    CHECK_EQ(bav_parse_header(b, sizeof b, &h), BAV_E_MAGIC);
    memcpy(b, "BAVC", 4);
    bav_put16(b + 4, 3);
    bav_put16(b + 6, BAV_HEADER_SIZE);
    CHECK_EQ(bav_parse_header(b, sizeof b, &h), BAV_E_VERSION);
    /* A version 1 clip (the run-length coding) is refused by name. */
    bav_put16(b + 4, 1);
    CHECK_EQ(bav_parse_header(b, sizeof b, &h), BAV_E_OLD_VERSION);
    CHECK(strstr(bav_strerror(BAV_E_OLD_VERSION), "version 1 clip: re-encode with tools/encode"));
    bav_put16(b + 4, 2);
    CHECK_EQ(bav_parse_header(b, sizeof b, &h), BAV_E_CRC);
    bav_put32(b + 60, bav_crc32(0, b, 60));
    CHECK_EQ(bav_parse_header(b, sizeof b, &h), BAV_E_HEADER);   /* zero size */
}

TEST(blit_scales_and_clips)
{
    uint8_t frame[3 * 2] = {0, 255, 85, 170, 0, 255};
    struct bav_rect all = {0, 0, 3, 2};
    uint8_t dst[8 * 5 * 4];
    memset(dst, 0xEE, sizeof dst);
    /* Scale 2 at (1, 1) into 8x5: columns 1..6, rows 1..4. */
    bav_blit_bgrx(frame, 3, 2, &all, dst, 8 * 4, 8, 5, 1, 1, 2, 1);
    CHECK_EQ(dst[0], 0xEE);                          /* (0,0) untouched */
    const uint8_t *p = dst + (1 * 8 + 3) * 4;        /* (3,1) = frame (1,0) */
    CHECK(p[0] == 255 && p[1] == 255 && p[2] == 255 && p[3] == 0);
    p = dst + (4 * 8 + 6) * 4;                       /* (6,4) = frame (2,1) */
    CHECK(p[0] == 255 && p[3] == 0);
    p = dst + (3 * 8 + 1) * 4;                       /* (1,3) = frame (0,1) */
    CHECK(p[0] == 170);
    CHECK_EQ(dst[(1 * 8 + 7) * 4], 0xEE);            /* column 7 untouched */
    /* Mostly off-screen: must clip, not write past the buffer (ASan). */
    bav_blit_bgrx(frame, 3, 2, &all, dst, 8 * 4, 8, 5, 7, 4, 3, 1);
    CHECK(dst[(4 * 8 + 7) * 4] == 0);
    bav_blit_bgrx(frame, 3, 2, &all, dst, 8 * 4, 8, 5, 100, 100, 1, 1);
    struct bav_rect huge = {0, 0, 1000, 1000};
    bav_blit_bgrx(frame, 3, 2, &huge, dst, 8 * 4, 8, 5, 0, 0, 1, 1);
    CHECK_EQ(dst[(1 * 8 + 1) * 4], 0);               /* frame (1,1) */
    CHECK_EQ(dst[(1 * 8 + 2) * 4], 255);             /* frame (2,1) */
}

/* Shrinking (a clip bigger than the screen, player --scale fit): 2/5 keeps
 * every 5/2-th pixel, the whole frame lands inside bav_scaled(w) columns,
 * and a damage rectangle redraws exactly the columns the whole frame gave
 * them. Every destination pixel is one of the frame's. */
TEST(blit_shrinks_by_a_fraction)
{
    enum { W = 10, H = 5 };
    uint8_t frame[W * H];
    for (int i = 0; i < W * H; i++)
        frame[i] = (uint8_t)(i * 5);
    struct bav_rect all = {0, 0, W, H};
    uint8_t dst[4 * 2 * 4], again[sizeof dst];
    memset(dst, 0xEE, sizeof dst);
    bav_blit_bgrx(frame, W, H, &all, dst, 4 * 4, 4, 2, 0, 0, 2, 5);
    CHECK_EQ(bav_scaled(W, 2, 5), 4);
    CHECK_EQ(bav_scaled(H, 2, 5), 2);
    for (int dy = 0; dy < 2; dy++)
        for (int dx = 0; dx < 4; dx++) {
            const uint8_t *p = dst + (dy * 4 + dx) * 4;
            uint8_t want = frame[(dy * 5 / 2) * W + dx * 5 / 2];
            CHECK(p[0] == want && p[1] == want && p[2] == want && p[3] == 0);
        }
    memcpy(again, dst, sizeof dst);
    /* Frame columns 3..6, rows 1..3 show at destination column 2 (frame
     * column 5), row 1 (frame row 2): only that pixel is drawn again. */
    struct bav_rect part = {3, 1, 7, 4};
    memset(dst + (1 * 4 + 2) * 4, 0xEE, 4);
    bav_blit_bgrx(frame, W, H, &part, dst, 4 * 4, 4, 2, 0, 0, 2, 5);
    CHECK(memcmp(dst, again, sizeof dst) == 0);
    /* Zero scales draw nothing (no division by zero). */
    bav_blit_bgrx(frame, W, H, &all, dst, 4 * 4, 4, 2, 0, 0, 0, 1);
    bav_blit_bgrx(frame, W, H, &all, dst, 4 * 4, 4, 2, 0, 0, 1, 0);
    CHECK(memcmp(dst, again, sizeof dst) == 0);
}

int main(void)
{
    RUN(crc32_known_values);
    RUN(quantize_rule);
    RUN(round_trip_all_depths);
    RUN(context_next_matches_context_at);
    RUN(damage_is_the_changed_blocks);
    RUN(scene_cut_is_a_key_frame);
    RUN(malformed_streams_rejected);
    RUN(random_bytes_never_overrun);
    RUN(file_write_and_walk);
    RUN(header_fields_validated);
    RUN(blit_scales_and_clips);
    RUN(blit_shrinks_by_a_fraction);
    return check_summary();
}
