/*
 * tools/encode/bav_encode.h — the .bav encoder (host only; the format and
 * the decoder live in user/player/bav.h).
 *
 *   bav_quantize()        gray 0..255 -> the gray of its level (the rule the
 *                         format documents: level = gray >> (8 - bits)).
 *   bav_encode_frame()    one frame as Rice-coded runs, against a reference.
 *   bav_writer_*          collect chunks, then write header + index + chunks.
 *
 * Invariants: frames given to the writer are already quantized; every chunk
 * starts with a key frame; bav_decode_frame() of what bav_encode_frame()
 * wrote, applied to the same reference, reproduces the frame exactly.
 */
#ifndef TOOLS_ENCODE_BAV_ENCODE_H
#define TOOLS_ENCODE_BAV_ENCODE_H

#include <stdint.h>
#include <stdio.h>

#include "user/player/bav.h"

void bav_quantize(const uint8_t *gray, size_t n, unsigned levels, uint8_t *out);

/* Worst-case bytes bav_encode_frame() writes for n pixels. */
size_t bav_encode_bound(size_t n);

/* Encodes cur against ref (NULL: the all-black reference of a key frame).
 * Returns the number of bytes written to out. */
size_t bav_encode_frame(const uint8_t *ref, const uint8_t *cur, size_t n,
                        unsigned levels, uint8_t *out);

struct bav_writer {
    struct bav_header h;            /* filled as chunks arrive */
    FILE *chunks;                   /* chunk bytes, in order (a temp file) */
    uint8_t *index;                 /* BAV_INDEX_ENTRY_SIZE per chunk */
    size_t index_cap;
    uint64_t data_bytes;
};

/* h gives width, height, fps, levels and audio format/rate/channels. */
int bav_writer_begin(struct bav_writer *w, const struct bav_header *h);
/* One chunk: frame_count frame records (already framed) and the PCM of
 * sample_count sample frames. Returns 0 or -1 (errno set). */
int bav_writer_chunk(struct bav_writer *w, const uint8_t *records,
                     size_t records_size, uint32_t frame_count,
                     const uint8_t *pcm, uint32_t sample_count);
/* Writes the whole file to out and frees w. Returns 0 or -1. */
int bav_writer_finish(struct bav_writer *w, FILE *out);
void bav_writer_abort(struct bav_writer *w);

/* Appends a frame record (size/type prefix, then data) to out; returns its
 * length. out needs bav_encode_bound(n) + 10 bytes. */
size_t bav_frame_record(uint8_t *out, const uint8_t *data, size_t size, int key);

/* Number of audio sample frames presented before video frame f. */
uint64_t bav_samples_before_frame(const struct bav_header *h, uint64_t f);

#endif
