/*
 * tools/encode/bavinfo.c — describe a .bav clip: header, index, chunk sizes,
 * bytes per frame and the compression ratio against raw 1 bit per pixel.
 *
 *   bavinfo FILE
 *
 * Everything is verified on the way (CRCs, index, every frame decoded by the
 * shared decoder); a bad file gives one line on stderr and exit status 1.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tools/encode/bav_walk.h"

struct info {
    uint64_t video_bytes, key_frames;
};

static int on_chunk(void *ctx, const struct bav_index_entry *e,
                    const struct bav_chunk *c, const uint8_t *payload)
{
    (void)payload;
    struct info *in = ctx;
    printf("  %5u %10u %8u %7u %9u %9u %9u %9u\n", c->number, e->offset, e->size,
           c->first_frame, c->frame_count, c->first_sample, c->sample_count,
           c->payload_size - c->audio_bytes);
    in->video_bytes += c->payload_size - c->audio_bytes;
    return 0;
}

static int on_frame(void *ctx, uint32_t frame_no, const struct bav_frame *f,
                    const uint8_t *cur, const struct bav_rect *damage)
{
    (void)frame_no, (void)cur, (void)damage;
    struct info *in = ctx;
    in->key_frames += f->key;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: bavinfo FILE\n");
        return 2;
    }
    char msg[256];
    size_t len;
    uint8_t *file = bav_load_file(argv[1], &len, msg, sizeof msg);
    if (!file) {
        fprintf(stderr, "bavinfo: %s\n", msg);
        return 1;
    }
    struct bav_header h;
    int err = bav_parse_header(file, len, &h);
    if (err) {
        fprintf(stderr, "bavinfo: %s: header: %s\n", argv[1], bav_strerror(err));
        return 1;
    }
    size_t n = (size_t)bav_frame_bytes(&h);
    uint8_t *cur = malloc(n);
    if (!cur) {
        fprintf(stderr, "bavinfo: out of memory\n");
        return 1;
    }
    printf("file:      %s (%zu bytes)\n", argv[1], len);
    printf("format:    bav version %u\n", h.version);
    printf("video:     %ux%u, %u/%u fps (%.3f), %u frames, %u gray levels\n",
           h.width, h.height, h.fps_num, h.fps_den,
           (double)h.fps_num / h.fps_den, h.frame_count, h.levels);
    if (h.audio_format == BAV_AUDIO_NONE)
        printf("audio:     none\n");
    else
        printf("audio:     s16le, %u Hz, %u channel(s), %u sample frames\n",
               h.audio_rate, h.audio_channels, h.audio_samples);
    printf("duration:  %u.%03u s\n", h.duration_ms / 1000, h.duration_ms % 1000);
    printf("layout:    header 0..%d, index at %u (%u chunks), data at %u\n",
           BAV_HEADER_SIZE, h.index_offset, h.chunk_count, h.data_offset);
    printf("  chunk     offset     size   frame    frames    sample   samples  video B\n");

    struct info in = {0};
    struct bav_walk_ops ops = {&in, on_chunk, on_frame};
    char where[128];
    err = bav_walk(file, len, true, &h, cur, n, &ops, where, sizeof where);
    fflush(stdout);
    if (err) {
        fprintf(stderr, "bavinfo: %s: %s: %s\n", argv[1], where, bav_strerror(err));
        return 1;
    }
    double raw1 = (double)h.frame_count * h.width * h.height / 8;
    printf("key frames: %llu of %u\n", (unsigned long long)in.key_frames, h.frame_count);
    printf("video:     %llu bytes, %.1f bytes/frame\n",
           (unsigned long long)in.video_bytes, (double)in.video_bytes / h.frame_count);
    printf("raw 1-bpp: %.0f bytes; ratio %.1f:1 (%.2f%% of raw)\n", raw1,
           raw1 / (double)in.video_bytes, 100.0 * (double)in.video_bytes / raw1);
    printf("crc:       all %u chunks OK\n", h.chunk_count);
    free(cur);
    free(file);
    return 0;
}
