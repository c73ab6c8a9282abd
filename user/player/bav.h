/*
 * user/player/bav.h — the .bav clip format: container parser, CRC32 and the
 * video decoder, shared by the player (RISC-V user space) and the host tools.
 * docs/clip-format.md describes every byte.
 *
 * How a player reads a clip, strictly front to back:
 *   bav_parse_header(64 bytes)            -> struct bav_header
 *   bav_check_index(index bytes)          (CRC and consistency of all entries)
 *   for each chunk i:
 *     bav_index_entry(i)                  -> struct bav_index_entry
 *     bav_parse_chunk_header(32 bytes)    -> struct bav_chunk
 *     bav_check_chunk(payload)            (CRC32)
 *     PCM = payload[0 .. c.audio_bytes)
 *     bav_frames_begin(payload) then bav_next_frame() until it returns 0,
 *     bav_decode_frame() into the current-frame buffer (the delta reference),
 *     bav_blit_bgrx() the damaged rectangle onto the screen.
 *
 * Invariants: no function reads or writes outside the buffers and lengths it
 * is given, whatever the input bytes; every error is a negative BAV_E_*
 * code (bav_strerror names it). Only <stdint.h>, <stddef.h>, <stdbool.h>
 * and memcpy/memset/memcmp are used: no allocation, no stdio.
 * The current-frame buffer holds one byte per pixel, the gray value 0..255
 * of the pixel's quantized level (level * 255 / (levels - 1)).
 */
#ifndef USER_PLAYER_BAV_H
#define USER_PLAYER_BAV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BAV_VERSION 1
#define BAV_HEADER_SIZE 64
#define BAV_INDEX_ENTRY_SIZE 16
#define BAV_CHUNK_HEADER_SIZE 32
#define BAV_MAX_DIM 4096          /* width and height are 1..BAV_MAX_DIM */
#define BAV_MAX_CHANNELS 8
#define BAV_MAX_RATE 384000

#define BAV_AUDIO_NONE 0
#define BAV_AUDIO_S16LE 1

enum {
    BAV_OK = 0,
    BAV_E_TRUNCATED = -1,   /* fewer bytes than the structure needs */
    BAV_E_MAGIC = -2,       /* not a .bav file / not a chunk */
    BAV_E_VERSION = -3,     /* a version this decoder does not know */
    BAV_E_HEADER = -4,      /* a header field out of range */
    BAV_E_CRC = -5,         /* checksum mismatch */
    BAV_E_INDEX = -6,       /* index inconsistent with header or itself */
    BAV_E_CHUNK = -7,       /* chunk header inconsistent with the index */
    BAV_E_FRAME = -8,       /* malformed frame data */
    BAV_E_SPACE = -9,       /* caller's buffer too small */
};

struct bav_header {
    uint16_t version;
    uint16_t width, height;
    uint32_t fps_num, fps_den;      /* frames per second = fps_num / fps_den */
    uint32_t frame_count;
    uint8_t levels;                 /* 2, 4 or 16 gray levels */
    uint8_t audio_channels;         /* 0 when audio_format is BAV_AUDIO_NONE */
    uint8_t audio_format;
    uint32_t audio_rate;            /* Hz, 0 without audio */
    uint32_t audio_samples;         /* sample frames (per channel) in total */
    uint32_t duration_ms;
    uint32_t chunk_count;
    uint32_t index_offset, data_offset, file_size;
    uint32_t index_crc;
};

struct bav_index_entry {
    uint32_t offset, size;          /* whole chunk: header + payload */
    uint32_t first_frame, frame_count;
    uint32_t first_sample, sample_count;
};

struct bav_chunk {
    uint32_t number;
    uint32_t first_frame, frame_count;
    uint32_t first_sample, sample_count;
    uint32_t payload_size;
    uint32_t audio_bytes;           /* PCM at the start of the payload */
    uint32_t crc;                   /* covers header bytes 0..27 + payload */
    uint32_t header_crc_part;       /* CRC of header bytes 0..27 (internal) */
};

/* One coded frame inside a chunk payload. */
struct bav_frame {
    bool key;                       /* intra: does not depend on the previous */
    const uint8_t *data;
    size_t size;
};

/* Walks the frame records of one chunk payload. */
struct bav_frame_reader {
    const uint8_t *pos, *end;
    uint32_t frames_left;
    bool first;
};

/* Pixels changed by the last decode: [x0, x1) x [y0, y1); empty if x0==x1. */
struct bav_rect {
    uint32_t x0, y0, x1, y1;
};

/* The adaptive Rice model of frame data (docs/clip-format.md), shared with
 * the encoder: one for skip lengths, one for run tokens, reset every frame. */
#define BAV_RICE_ESCAPE 24          /* this many 1 bits: a raw 32-bit value */
#define BAV_RICE_MAX_K 24
#define BAV_RICE_WINDOW 8           /* halve sum and count at this count */
#define BAV_RICE_SKIP_GUESS 64      /* initial sums (count 1) */
#define BAV_RICE_RUN_GUESS 4
struct bav_rice {
    uint64_t sum;
    uint32_t count;
};
void bav_rice_init(struct bav_rice *m, uint32_t first_guess);
unsigned bav_rice_k(const struct bav_rice *m);
void bav_rice_update(struct bav_rice *m, uint32_t v);

const char *bav_strerror(int err);

/* CRC-32 (IEEE 802.3, as zlib): start with crc = 0, chain over pieces. */
uint32_t bav_crc32(uint32_t crc, const void *data, size_t len);

/* Little-endian field access, shared with the encoder. */
uint16_t bav_get16(const uint8_t *p);
uint32_t bav_get32(const uint8_t *p);
void bav_put16(uint8_t *p, uint16_t v);
void bav_put32(uint8_t *p, uint32_t v);

int bav_parse_header(const uint8_t *buf, size_t len, struct bav_header *h);
int bav_check_index(const struct bav_header *h, const uint8_t *index, size_t len);
/* Entry i of an index already accepted by bav_check_index. */
int bav_index_entry(const struct bav_header *h, const uint8_t *index,
                    uint32_t i, struct bav_index_entry *e);
/* Checks the chunk header against entry e (pass NULL to skip that). */
int bav_parse_chunk_header(const struct bav_header *h,
                           const struct bav_index_entry *e,
                           const uint8_t *buf, size_t len, struct bav_chunk *c);
int bav_check_chunk(const struct bav_chunk *c, const uint8_t *payload, size_t len);

uint64_t bav_frame_bytes(const struct bav_header *h);   /* width * height */

void bav_frames_begin(const struct bav_chunk *c, const uint8_t *payload,
                      struct bav_frame_reader *r);
/* 1 and *f filled, 0 after the last frame, or an error. */
int bav_next_frame(struct bav_frame_reader *r, struct bav_frame *f);

/* Applies frame f to cur (width * height bytes, cur_size >= that). A key
 * frame replaces it; a delta frame changes it. *damage gets the rectangle
 * that may have changed (may be NULL). On error cur is partly updated: the
 * player resumes at the next chunk's key frame. */
int bav_decode_frame(const struct bav_header *h, const struct bav_frame *f,
                     uint8_t *cur, size_t cur_size, struct bav_rect *damage);

/* Draws rectangle r of the w x h frame cur scaled by num/den (2/1 doubles,
 * 16/25 shrinks; nearest neighbour), as B8G8R8X8 pixels, with frame pixel
 * (0,0) at (dst_x, dst_y) of a dst_w x dst_h destination whose rows are
 * dst_stride bytes apart. Destination offset d shows frame pixel
 * floor(d * den / num), so frame columns [a, b) cover destination offsets
 * [bav_scaled(a), bav_scaled(b)). Anything outside the destination is
 * clipped; num or den 0 draws nothing. */
void bav_blit_bgrx(const uint8_t *cur, uint32_t w, uint32_t h,
                   const struct bav_rect *r, uint8_t *dst, size_t dst_stride,
                   uint32_t dst_w, uint32_t dst_h, uint32_t dst_x,
                   uint32_t dst_y, uint32_t num, uint32_t den);

/* The first destination offset that shows frame pixel s or a later one at
 * scale num/den: ceil(s * num / den). den must not be 0. */
static inline uint64_t bav_scaled(uint64_t s, uint32_t num, uint32_t den)
{
    return (s * num + den - 1) / den;
}

#endif
