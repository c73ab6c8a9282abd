/*
 * tests/unit/test_bav.c — the .bav codec and container (user/player/bav.c)
 * against the encoder (tools/encode/bav_encode.c): CRC32, frame round trips
 * at every depth, damage rectangles, rejection of malformed frame data and
 * headers, a whole file written and walked back, and the BGRX blit.
 */
#include <stdlib.h>

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

/* Encodes cur against ref, decodes it onto a copy of ref, compares. */
static int round_trip(uint16_t w, uint16_t h, uint8_t levels, const uint8_t *ref,
                      const uint8_t *cur, struct bav_rect *damage)
{
    struct bav_header hd = make_header(w, h, levels);
    size_t n = (size_t)w * h;
    uint8_t *coded = malloc(bav_encode_bound(n)), *out = malloc(n);
    size_t size = bav_encode_frame(ref, cur, n, levels, coded);
    if (ref)
        memcpy(out, ref, n);
    else
        memset(out, 0x5A, n);           /* a key frame must not look at it */
    struct bav_frame f = {ref == NULL, coded, size};
    int err = bav_decode_frame(&hd, &f, out, n, damage);
    int same = err == BAV_OK && memcmp(out, cur, n) == 0;
    free(coded);
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

TEST(round_trip_all_depths)
{
    static const uint8_t levels[3] = {2, 4, 16};
    static const uint16_t sizes[][2] = {{1, 1}, {7, 3}, {33, 17}, {160, 120}};
    for (int l = 0; l < 3; l++)
        for (int s = 0; s < 4; s++)
            for (int density = 0; density <= 100; density += 25) {
                uint16_t w = sizes[s][0], h = sizes[s][1];
                size_t n = (size_t)w * h;
                uint8_t *a = malloc(n), *b = malloc(n);
                random_frame(a, n, levels[l], density);
                random_frame(b, n, levels[l], 100 - density);
                CHECK(round_trip(w, h, levels[l], NULL, a, NULL));
                CHECK(round_trip(w, h, levels[l], a, b, NULL));
                CHECK(round_trip(w, h, levels[l], b, b, NULL));
                free(a);
                free(b);
            }
}

TEST(damage_is_the_changed_rectangle)
{
    uint16_t w = 40, h = 30;
    uint8_t a[40 * 30] = {0}, b[40 * 30] = {0};
    b[5 * w + 7] = 255;                 /* one pixel at (7, 5) */
    b[9 * w + 3] = 255;                 /* and one at (3, 9) */
    struct bav_rect d;
    CHECK(round_trip(w, h, 2, a, b, &d));
    CHECK_EQ(d.x0, 3);
    CHECK_EQ(d.x1, 8);
    CHECK_EQ(d.y0, 5);
    CHECK_EQ(d.y1, 10);
    CHECK(round_trip(w, h, 2, a, a, &d));
    CHECK(d.x0 == d.x1);                /* nothing changed */
    CHECK(round_trip(w, h, 2, NULL, b, &d));
    CHECK(d.x0 == 0 && d.y0 == 0 && d.x1 == w && d.y1 == h);
}

TEST(malformed_frames_rejected)
{
    struct bav_header hd = make_header(16, 4, 2);
    uint8_t cur[64], coded[256];
    uint8_t frame[64];
    memset(frame, 0, sizeof frame);
    frame[10] = frame[11] = frame[40] = 255;
    size_t size = bav_encode_frame(NULL, frame, 64, 2, coded);
    struct bav_frame f = {true, coded, size};
    CHECK_EQ(bav_decode_frame(&hd, &f, cur, sizeof cur, NULL), BAV_OK);
    CHECK_EQ(bav_decode_frame(&hd, &f, cur, 63, NULL), BAV_E_SPACE);
    for (size_t cut = 0; cut < size; cut++) {     /* every truncation */
        f.size = cut;
        CHECK_EQ(bav_decode_frame(&hd, &f, cur, sizeof cur, NULL), BAV_E_FRAME);
    }
    coded[size] = 0;                    /* trailing bytes */
    f.size = size + 1;
    CHECK_EQ(bav_decode_frame(&hd, &f, cur, sizeof cur, NULL), BAV_E_FRAME);
    /* A frame coded for 16x8 whose changes lie beyond a 16x4 frame. */
    uint8_t big[128];
    memset(big, 0, sizeof big);
    big[100] = 255;
    f.data = coded;
    f.size = bav_encode_frame(NULL, big, 128, 2, coded);
    CHECK_EQ(bav_decode_frame(&hd, &f, cur, sizeof cur, NULL), BAV_E_FRAME);
    uint8_t ones[16];
    memset(ones, 0xFF, sizeof ones);    /* escapes to values past the end */
    f.data = ones, f.size = sizeof ones;
    CHECK_EQ(bav_decode_frame(&hd, &f, cur, sizeof cur, NULL), BAV_E_FRAME);
    uint8_t zeros[16] = {0};            /* skips of 0 forever, then runs out */
    f.data = zeros, f.size = sizeof zeros;
    CHECK_EQ(bav_decode_frame(&hd, &f, cur, sizeof cur, NULL), BAV_E_FRAME);
}

TEST(random_bytes_never_overrun)
{
    /* Run under ASan: any stray access aborts the test binary. */
    static const uint8_t levels[3] = {2, 4, 16};
    for (int i = 0; i < 3000; i++) {
        struct bav_header hd = make_header((uint16_t)(1 + next_rand() % 20),
                                           (uint16_t)(1 + next_rand() % 20),
                                           levels[i % 3]);
        size_t n = (size_t)hd.width * hd.height, len = next_rand() % 24;
        uint8_t *data = malloc(len + 1), *cur = malloc(n);
        for (size_t k = 0; k < len; k++)
            data[k] = (uint8_t)next_rand();
        memset(cur, 0, n);
        struct bav_frame f = {i & 1, data, len};
        struct bav_rect d;
        int err = bav_decode_frame(&hd, &f, cur, n, &d);
        CHECK(err == BAV_OK || err == BAV_E_FRAME);
        if (err == BAV_OK)
            CHECK(d.x1 <= hd.width && d.y1 <= hd.height && d.x0 <= d.x1 && d.y0 <= d.y1);
        free(data);
        free(cur);
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
    uint8_t frames[10][240], records[4096], coded[4096], pcm[2 * 300];
    for (size_t i = 0; i < sizeof pcm; i++)
        pcm[i] = (uint8_t)i;
    uint32_t f = 0, s = 0;
    for (int chunk = 0; chunk < 3; chunk++) {
        size_t len = 0;
        uint32_t count = chunk < 2 ? 4 : 2;
        for (uint32_t k = 0; k < count; k++, f++) {
            random_frame(frames[f], n, 4, 30);
            size_t size = bav_encode_frame(k ? frames[f - 1] : NULL, frames[f], n, 4, coded);
            len += bav_frame_record(records + len, coded, size, k == 0);
        }
        uint32_t samples = chunk < 2 ? 100 : 50;
        CHECK_EQ(bav_writer_chunk(&w, records, len, count, pcm + 2 * s, samples), 0);
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
        struct bav_frame_reader r;
        struct bav_frame fr;
        bav_frames_begin(&c, payload, &r);
        int rc;
        while ((rc = bav_next_frame(&r, &fr)) == 1) {
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
    bav_put16(b + 4, 2);
    bav_put16(b + 6, BAV_HEADER_SIZE);
    CHECK_EQ(bav_parse_header(b, sizeof b, &h), BAV_E_VERSION);
    bav_put16(b + 4, 1);
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
    RUN(damage_is_the_changed_rectangle);
    RUN(malformed_frames_rejected);
    RUN(random_bytes_never_overrun);
    RUN(file_write_and_walk);
    RUN(header_fields_validated);
    RUN(blit_scales_and_clips);
    RUN(blit_shrinks_by_a_fraction);
    return check_summary();
}
