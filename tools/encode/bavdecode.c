/*
 * tools/encode/bavdecode.c — decode a .bav clip with the shared decoder.
 *
 *   bavdecode FILE [-o FRAMES] [--wav OUT.wav] [--1bpp]
 *
 * FRAMES gets every frame as raw 8-bit gray, width*height bytes each, one
 * after another (with --1bpp: one bit per pixel, white = 1, most significant
 * bit first, each row padded to a whole byte). OUT.wav gets the PCM as a
 * 16-bit WAV file. All CRCs are verified; on any error the outputs are
 * removed, one line goes to stderr and the exit status is 1. Without -o the
 * frames are decoded and dropped (a decode-speed test). Prints the frame
 * count and decode time on stderr.
 */
#define _POSIX_C_SOURCE 199309L  /* clock_gettime */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tools/encode/bav_walk.h"

struct sink {
    const struct bav_header *h;
    FILE *frames, *wav;
    int pack;
    uint8_t *row;                    /* one packed row for --1bpp */
};

static int on_chunk(void *ctx, const struct bav_index_entry *e,
                    const struct bav_chunk *c, const uint8_t *payload)
{
    (void)e;
    struct sink *s = ctx;
    if (s->wav && fwrite(payload, 1, c->audio_bytes, s->wav) != c->audio_bytes)
        return -100;
    return 0;
}

static int on_frame(void *ctx, uint32_t frame_no, const struct bav_frame *f,
                    const uint8_t *cur, const struct bav_rect *damage)
{
    (void)frame_no, (void)f, (void)damage;
    struct sink *s = ctx;
    uint32_t w = s->h->width, h = s->h->height;
    if (!s->frames)
        return 0;
    if (!s->pack)
        return fwrite(cur, 1, (size_t)w * h, s->frames) == (size_t)w * h ? 0 : -100;
    size_t row_bytes = (w + 7) / 8;
    for (uint32_t y = 0; y < h; y++) {
        memset(s->row, 0, row_bytes);
        for (uint32_t x = 0; x < w; x++)
            if (cur[(size_t)y * w + x] >= 128)
                s->row[x >> 3] |= (uint8_t)(0x80 >> (x & 7));
        if (fwrite(s->row, 1, row_bytes, s->frames) != row_bytes)
            return -100;
    }
    return 0;
}

static void put_le(uint8_t *p, uint32_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static const char *frames_path, *wav_path;
static struct sink sink;

/* One line on stderr, remove partial outputs, exit 1. */
static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bavdecode: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    if (sink.frames) {
        fclose(sink.frames);
        remove(frames_path);
    }
    if (sink.wav) {
        fclose(sink.wav);
        remove(wav_path);
    }
    exit(1);
}

int main(int argc, char **argv)
{
    const char *in_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc)
            frames_path = argv[++i];
        else if (!strcmp(argv[i], "--wav") && i + 1 < argc)
            wav_path = argv[++i];
        else if (!strcmp(argv[i], "--1bpp"))
            sink.pack = 1;
        else if (argv[i][0] != '-' && !in_path)
            in_path = argv[i];
        else {
            fprintf(stderr, "usage: bavdecode FILE [-o FRAMES] [--wav OUT.wav] [--1bpp]\n");
            return 2;
        }
    }
    if (!in_path) {
        fprintf(stderr, "usage: bavdecode FILE [-o FRAMES] [--wav OUT.wav] [--1bpp]\n");
        return 2;
    }
    char msg[256];
    size_t len;
    uint8_t *file = bav_load_file(in_path, &len, msg, sizeof msg);
    if (!file)
        fail("%s", msg);
    struct bav_header h;
    int err = bav_parse_header(file, len, &h);
    if (err)
        fail("%s: header: %s", in_path, bav_strerror(err));
    if (wav_path && h.audio_format == BAV_AUDIO_NONE)
        fail("%s has no audio track", in_path);
    size_t n = (size_t)bav_frame_bytes(&h);
    uint8_t *cur = malloc(n);
    sink.h = &h;
    sink.row = malloc((h.width + 7) / 8);
    if (!cur || !sink.row)
        fail("out of memory");
    if (frames_path && !(sink.frames = fopen(frames_path, "wb")))
        fail("cannot create %s: %s", frames_path, strerror(errno));
    if (wav_path) {
        if (!(sink.wav = fopen(wav_path, "wb")))
            fail("cannot create %s: %s", wav_path, strerror(errno));
        uint32_t data = h.audio_samples * h.audio_channels * 2u;
        uint8_t w[44];
        memcpy(w, "RIFF", 4);
        put_le(w + 4, 36 + data, 4);
        memcpy(w + 8, "WAVEfmt ", 8);
        put_le(w + 16, 16, 4);
        put_le(w + 20, 1, 2);                       /* PCM */
        put_le(w + 22, h.audio_channels, 2);
        put_le(w + 24, h.audio_rate, 4);
        put_le(w + 28, h.audio_rate * h.audio_channels * 2u, 4);
        put_le(w + 32, h.audio_channels * 2u, 2);
        put_le(w + 34, 16, 2);
        memcpy(w + 36, "data", 4);
        put_le(w + 40, data, 4);
        if (fwrite(w, 1, sizeof w, sink.wav) != sizeof w)
            fail("writing %s: %s", wav_path, strerror(errno));
    }
    struct bav_walk_ops ops = {&sink, on_chunk, on_frame};
    char where[128];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    err = bav_walk(file, len, true, &h, cur, n, &ops, where, sizeof where);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (err == -100)
        fail("writing output: %s", strerror(errno));
    if (err)
        fail("%s: %s: %s", in_path, where, bav_strerror(err));
    if ((sink.frames && fclose(sink.frames) != 0) || (sink.wav && fclose(sink.wav) != 0)) {
        sink.frames = sink.wav = NULL;
        fail("writing output: %s", strerror(errno));
    }
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    fprintf(stderr, "bavdecode: %u frames %ux%u, %u audio samples in %.3f s (%.0f frames/s)\n",
            h.frame_count, h.width, h.height, h.audio_samples, secs,
            secs > 0 ? h.frame_count / secs : 0.0);
    free(cur);
    free(sink.row);
    free(file);
    return 0;
}
