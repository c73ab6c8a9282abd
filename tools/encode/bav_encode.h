/*
 * tools/encode/bav_encode.h — the .bav encoder (host only; the format and
 * the decoder live in user/player/bav.h).
 *
 *   bav_quantize()        gray 0..255 -> the gray of its level (the rule the
 *                         format documents: level = gray >> (8 - bits)).
 *   bav_chunk_*           a chunk's frames as one range-coded video stream.
 *   bav_writer_*          collect chunks, then write header + index + chunks.
 *
 * Invariants: frames given to the writer are already quantized; every chunk
 * starts with a key frame; bav_next_frame() + bav_decode_frame() of the
 * stream bav_chunk_end() gives reproduce every frame exactly.
 */
#ifndef TOOLS_ENCODE_BAV_ENCODE_H
#define TOOLS_ENCODE_BAV_ENCODE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "user/player/bav.h"

void bav_quantize(const uint8_t *gray, size_t n, unsigned levels, uint8_t *out);

/* Codes the frames of one chunk into its video stream (the mirror image of
 * bav_next_frame + bav_decode_frame): begin, one call per frame, end. */
struct bav_range_encoder {
    uint8_t *out;
    size_t len, cap;
    uint64_t low;                   /* bit 32 is a carry into bytes out */
    uint32_t range;
    uint8_t cache;                  /* the last byte not yet written */
    uint64_t cache_size;            /* it, then that many - 1 0xFF bytes */
    bool started;                   /* the first (always 0) byte dropped */
};

struct bav_chunk_encoder {
    struct bav_header h;            /* width, height, levels */
    struct bav_range_encoder rc;
    struct bav_models m;
    uint32_t frames;
    uint8_t *black;                 /* the key frames' reference */
};

/* enc is large (struct bav_models): allocate it. Encoders share nothing,
 * so chunks may be coded on several threads at once. */
void bav_chunk_begin(struct bav_chunk_encoder *enc, const struct bav_header *h);
/* Adds frame cur; prev is the chunk's previous frame (ignored for the
 * first). Codes a key frame when it is the chunk's first or when cur is
 * closer to black than to prev (a scene cut). Returns 1 for a key frame. */
int bav_chunk_frame(struct bav_chunk_encoder *enc, const uint8_t *prev,
                    const uint8_t *cur);
/* Ends the stream; *out (malloc'd, the caller frees it) gets its bytes. */
size_t bav_chunk_end(struct bav_chunk_encoder *enc, uint8_t **out);

struct bav_writer {
    struct bav_header h;            /* filled as chunks arrive */
    FILE *chunks;                   /* chunk bytes, in order (a temp file) */
    uint8_t *index;                 /* BAV_INDEX_ENTRY_SIZE per chunk */
    size_t index_cap;
    uint64_t data_bytes;
};

/* h gives width, height, fps, levels and audio format/rate/channels. */
int bav_writer_begin(struct bav_writer *w, const struct bav_header *h);
/* One chunk: the video stream of frame_count frames (bav_chunk_end) and the
 * PCM of sample_count sample frames. Returns 0 or -1 (errno set). */
int bav_writer_chunk(struct bav_writer *w, const uint8_t *video,
                     size_t video_size, uint32_t frame_count,
                     const uint8_t *pcm, uint32_t sample_count);
/* Writes the whole file to out and frees w. Returns 0 or -1. */
int bav_writer_finish(struct bav_writer *w, FILE *out);
void bav_writer_abort(struct bav_writer *w);

/* Number of audio sample frames presented before video frame f. */
uint64_t bav_samples_before_frame(const struct bav_header *h, uint64_t f);

#endif
