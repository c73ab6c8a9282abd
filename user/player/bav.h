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
 *     each frame bav_decode_frame()d, before the next is read, into the
 *     current-frame buffer (the previous frame: the reference),
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

#define BAV_VERSION 2
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
    BAV_E_OLD_VERSION = -10,  /* a version 1 clip: re-encode it */
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

/*
 * Video coding (docs/clip-format.md, "Video stream"): each chunk's frames are
 * one binary range-coded stream. Every bit is coded with an adaptive model
 * (a probability that adapts to the bits it has seen); which model is chosen
 * by the bit's context. Pixels use a template of 10 already-decoded
 * neighbours in the frame plus 5 pixels of the reference (previous) frame;
 * only 16x16 blocks flagged as changed are coded pixel by pixel. Models
 * start fresh in every chunk, so any chunk decodes on its own.
 */
#define BAV_BLOCK 16                /* blocks are BAV_BLOCK x BAV_BLOCK pixels */
#define BAV_MAX_BLOCKS ((BAV_MAX_DIM / BAV_BLOCK) * (BAV_MAX_DIM / BAV_BLOCK))
#define BAV_MAX_PLANES 4            /* bit planes of a level: 1, 2 or 4 */
#define BAV_CONTEXT_BITS 15         /* 10 spatial + 5 temporal pixels */
#define BAV_PROB_ONE 65536u         /* probabilities are in 1/65536 */
#define BAV_RATE_MAX 5              /* slowest adaptation: 1/32 per bit */
#define BAV_RATE_WARMUP (2 * (BAV_RATE_MAX - 1))   /* bits before that */
#define BAV_FLAG_CONTEXTS 8
#define BAV_STREAM_MIN 4            /* bytes: the shortest video stream */

/* P(bit = 1) in 1/65536, 1..65535, and how many bits it has seen (up to
 * BAV_RATE_WARMUP): a young model moves fast (by 1/2, 1/2, 1/4, 1/4, ...
 * of the distance), then by 1/32. */
struct bav_model {
    uint16_t p1;
    uint8_t seen;
};

static inline void bav_model_update(struct bav_model *m, unsigned bit)
{
    unsigned shift = BAV_RATE_MAX;
    if (m->seen < BAV_RATE_WARMUP)
        shift = m->seen++ / 2u + 1u;
    if (bit)
        m->p1 = (uint16_t)(m->p1 + ((BAV_PROB_ONE - m->p1) >> shift));
    else
        m->p1 = (uint16_t)(m->p1 - (m->p1 >> shift));
}

/* Everything both ends of a chunk's video stream adapt as they go. */
struct bav_models {
    struct bav_model key;                       /* "this frame is a key frame" */
    struct bav_model flag[BAV_FLAG_CONTEXTS];   /* "this block changed" */
    struct bav_model pixel[BAV_MAX_PLANES][1u << BAV_CONTEXT_BITS];
    uint8_t changed[BAV_MAX_BLOCKS];            /* last frame's block flags */
    uint8_t code_of[256];     /* frame byte -> Gray code of its level */
    uint8_t byte_of[16];      /* Gray code -> frame byte */
};

/* Bit planes of a level: 1, 2 or 4 for 2, 4 or 16 levels. */
unsigned bav_planes(unsigned levels);
/* Fresh models for a chunk of frames with these levels and block count. */
void bav_models_reset(struct bav_models *m, unsigned levels, uint32_t blocks);
/* Block columns and rows of a width x height frame. */
uint32_t bav_blocks_across(const struct bav_header *h);
uint32_t bav_blocks_down(const struct bav_header *h);

/* Context of a block flag: its left and upper neighbours' flags in this
 * frame, its own in the previous (0 outside the frame, and all 0 before a
 * key frame). */
static inline unsigned bav_flag_context(unsigned left, unsigned above, unsigned before)
{
    return left | above << 1 | before << 2;
}

/*
 * The pixel context of (x, y), bit plane p (docs/clip-format.md lists it as
 * a table). Rows: up2/up1 are rows y-2/y-1 of the frame being coded, cur
 * row y of it (only x-2, x-1 read), ref/below rows y/y+1 of the reference
 * (only x-1.. read, at x and later). Rows outside the frame are all zeros.
 * The decoder decodes in place, so its cur and ref are the same row.
 */
struct bav_rows {
    const uint8_t *up2, *up1, *cur, *ref, *below;
    uint32_t width;
    const uint8_t *code_of;
};

/* Plane p of the pixel at x of row (0 beyond either edge: x is unsigned). */
static inline unsigned bav_bit(const struct bav_rows *r, const uint8_t *row,
                               uint32_t x, unsigned p, unsigned planes)
{
    if (x >= r->width)
        return 0;
    if (planes == 1)
        return row[x] >> 7;
    return (unsigned)(r->code_of[row[x]] >> p) & 1u;
}

/* Field layout: each field's lowest bit is its rightmost pixel, so moving
 * one pixel right shifts every field up one bit and brings in one new bit. */
#define BAV_CTX_NEW_BITS (1u << 0 | 1u << 3 | 1u << 8 | 1u << 10 | 1u << 12)
#define BAV_CTX_MASK ((1u << BAV_CONTEXT_BITS) - 1u)

static inline unsigned bav_context_at(const struct bav_rows *r, uint32_t x,
                                      unsigned p, unsigned planes)
{
    unsigned c = 0;
    for (int i = 0; i < 3; i++)         /* bits 0..2: up2 at x+1, x, x-1 */
        c |= bav_bit(r, r->up2, x + 1 - i, p, planes) << i;
    for (int i = 0; i < 5; i++)         /* bits 3..7: up1 at x+2 .. x-2 */
        c |= bav_bit(r, r->up1, x + 2 - i, p, planes) << (3 + i);
    for (int i = 0; i < 2; i++)         /* bits 8..9: cur at x-1, x-2 */
        c |= bav_bit(r, r->cur, x - 1 - i, p, planes) << (8 + i);
    for (int i = 0; i < 2; i++)         /* bits 10..11: ref at x+1, x */
        c |= bav_bit(r, r->ref, x + 1 - i, p, planes) << (10 + i);
    for (int i = 0; i < 3; i++)         /* bits 12..14: below at x+1 .. x-1 */
        c |= bav_bit(r, r->below, x + 1 - i, p, planes) << (12 + i);
    return c;
}

/* bav_bit for an x known to be inside the row. */
static inline unsigned bav_bit_inside(const struct bav_rows *r, const uint8_t *row,
                                      uint32_t x, unsigned p, unsigned planes)
{
    if (planes == 1)
        return row[x] >> 7;
    return (unsigned)(r->code_of[row[x]] >> p) & 1u;
}

/* The context of x + 1 from c, the context of x, and bit, pixel x's plane p
 * just coded: equal to bav_context_at(r, x + 1, ...) once pixel x holds it.
 * inside: the caller knows x + 3 < width, so no edge checks are needed (the
 * decoder's inner loop; a constant once inlined). */
static inline unsigned bav_context_next(const struct bav_rows *r, unsigned c,
                                        uint32_t x, unsigned p, unsigned planes,
                                        unsigned bit, bool inside)
{
    unsigned fresh;
    if (inside)
        fresh = bav_bit_inside(r, r->up2, x + 2, p, planes) |
                bav_bit_inside(r, r->up1, x + 3, p, planes) << 3 |
                bav_bit_inside(r, r->ref, x + 2, p, planes) << 10 |
                bav_bit_inside(r, r->below, x + 2, p, planes) << 12;
    else
        fresh = bav_bit(r, r->up2, x + 2, p, planes) |
                bav_bit(r, r->up1, x + 3, p, planes) << 3 |
                bav_bit(r, r->ref, x + 2, p, planes) << 10 |
                bav_bit(r, r->below, x + 2, p, planes) << 12;
    return ((c << 1) & BAV_CTX_MASK & ~BAV_CTX_NEW_BITS) | fresh | bit << 8;
}

/* The range decoder: 32-bit range and code, bytes most significant first. */
struct bav_range_decoder {
    const uint8_t *pos, *end;
    uint32_t range, code;
    bool overrun;                   /* wanted bytes past the end */
};

/* Walks the frames of one chunk: reads the video stream's frame headers
 * and holds the models that bav_decode_frame adapts. Large (about 600 KiB,
 * the models): keep it static or on the heap, not on a small stack. */
struct bav_frame_reader {
    struct bav_range_decoder rc;
    uint32_t frames_left;
    bool first;                     /* no frame read yet */
    bool pending;                   /* a frame read and not decoded yet */
    struct bav_models m;
};

/* One frame of a chunk, from bav_next_frame. Frames are decoded in the
 * order they are read, each before the next is read: the frame's bits
 * follow its header in the reader's stream. */
struct bav_frame {
    bool key;                       /* starts from black, not the previous */
    struct bav_frame_reader *reader;
};

/* Pixels changed by the last decode: [x0, x1) x [y0, y1); empty if x0==x1. */
struct bav_rect {
    uint32_t x0, y0, x1, y1;
};

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
/* 1 and *f filled, 0 after the last frame (once the stream is used up
 * exactly), or an error. */
int bav_next_frame(struct bav_frame_reader *r, struct bav_frame *f);

/* Decodes frame f (just read by bav_next_frame) into cur (width * height
 * bytes, cur_size >= that), which holds the previous frame: a key frame
 * replaces it, a delta frame changes it. *damage gets the rectangle that may
 * have changed (may be NULL). The chunk's last frame must end its stream
 * exactly. On error cur is partly updated: the player resumes at the next
 * chunk. */
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
