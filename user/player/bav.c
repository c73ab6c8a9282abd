/*
 * user/player/bav.c — .bav container parser, CRC32 and video decoder
 * (interface and invariants in bav.h, byte layout in docs/clip-format.md).
 *
 * Every read is preceded by a length check against the caller's size; every
 * count read from the file is compared against what remains before use, in
 * 64-bit arithmetic so no sum can wrap. Freestanding: no malloc, no stdio.
 */
#include "bav.h"

#if __STDC_HOSTED__
#include <string.h>
#else
/* Freestanding (the player): the user-space C library supplies these. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
#endif

static const uint8_t header_magic[4] = {'B', 'A', 'V', 'C'};
static const uint8_t chunk_magic[4] = {'C', 'H', 'N', 'K'};

const char *bav_strerror(int err)
{
    switch (err) {
    case BAV_OK: return "ok";
    case BAV_E_TRUNCATED: return "truncated";
    case BAV_E_MAGIC: return "bad magic (not a .bav clip or chunk)";
    case BAV_E_VERSION: return "unsupported version";
    case BAV_E_HEADER: return "header field out of range";
    case BAV_E_CRC: return "CRC mismatch (corrupt data)";
    case BAV_E_INDEX: return "inconsistent index";
    case BAV_E_CHUNK: return "chunk header does not match the index";
    case BAV_E_FRAME: return "malformed frame data";
    case BAV_E_SPACE: return "buffer too small";
    case BAV_E_OLD_VERSION: return "version 1 clip: re-encode with tools/encode";
    default: return "unknown error";
    }
}

/* Reflected CRC-32, polynomial 0xEDB88320, four bits at a time: a 16-entry
 * table is small enough to be a constant and fast enough for the player. */
static const uint32_t crc_nibble_table[16] = {
    0x00000000, 0x1DB71064, 0x3B6E20C8, 0x26D930AC,
    0x76DC4190, 0x6B6B51F4, 0x4DB26158, 0x5005713C,
    0xEDB88320, 0xF00F9344, 0xD6D6A3E8, 0xCB61B38C,
    0x9B64C2B0, 0x86D3D2D4, 0xA00AE278, 0xBDBDF21C,
};

uint32_t bav_crc32(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;
    crc = ~crc;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        crc = (crc >> 4) ^ crc_nibble_table[crc & 15];
        crc = (crc >> 4) ^ crc_nibble_table[crc & 15];
    }
    return ~crc;
}

uint16_t bav_get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

uint32_t bav_get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

void bav_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

void bav_put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

int bav_parse_header(const uint8_t *buf, size_t len, struct bav_header *h)
{
    if (len < BAV_HEADER_SIZE)
        return BAV_E_TRUNCATED;
    if (memcmp(buf, header_magic, 4) != 0)
        return BAV_E_MAGIC;
    h->version = bav_get16(buf + 4);
    if (h->version == 1)
        return BAV_E_OLD_VERSION;
    if (h->version != BAV_VERSION || bav_get16(buf + 6) != BAV_HEADER_SIZE)
        return BAV_E_VERSION;
    if (bav_crc32(0, buf, 60) != bav_get32(buf + 60))
        return BAV_E_CRC;
    h->width = bav_get16(buf + 8);
    h->height = bav_get16(buf + 10);
    h->fps_num = bav_get32(buf + 12);
    h->fps_den = bav_get32(buf + 16);
    h->frame_count = bav_get32(buf + 20);
    h->levels = buf[24];
    h->audio_channels = buf[25];
    h->audio_format = buf[26];
    h->audio_rate = bav_get32(buf + 28);
    h->audio_samples = bav_get32(buf + 32);
    h->duration_ms = bav_get32(buf + 36);
    h->chunk_count = bav_get32(buf + 40);
    h->index_offset = bav_get32(buf + 44);
    h->data_offset = bav_get32(buf + 48);
    h->file_size = bav_get32(buf + 52);
    h->index_crc = bav_get32(buf + 56);

    if (h->width < 1 || h->width > BAV_MAX_DIM || h->height < 1 ||
        h->height > BAV_MAX_DIM || h->fps_num == 0 || h->fps_den == 0 ||
        h->frame_count == 0 || buf[27] != 0)
        return BAV_E_HEADER;
    if (h->levels != 2 && h->levels != 4 && h->levels != 16)
        return BAV_E_HEADER;
    if (h->audio_format == BAV_AUDIO_NONE) {
        if (h->audio_channels || h->audio_rate || h->audio_samples)
            return BAV_E_HEADER;
    } else if (h->audio_format == BAV_AUDIO_S16LE) {
        if (h->audio_channels < 1 || h->audio_channels > BAV_MAX_CHANNELS ||
            h->audio_rate < 1 || h->audio_rate > BAV_MAX_RATE)
            return BAV_E_HEADER;
    } else {
        return BAV_E_HEADER;
    }
    if (h->chunk_count == 0 || h->chunk_count > h->frame_count ||
        h->index_offset != BAV_HEADER_SIZE ||
        (uint64_t)h->data_offset !=
            (uint64_t)h->index_offset +
                (uint64_t)h->chunk_count * BAV_INDEX_ENTRY_SIZE ||
        (uint64_t)h->file_size <
            (uint64_t)h->data_offset +
                (uint64_t)h->chunk_count * BAV_CHUNK_HEADER_SIZE)
        return BAV_E_HEADER;
    return BAV_OK;
}

uint64_t bav_frame_bytes(const struct bav_header *h)
{
    return (uint64_t)h->width * h->height;
}

/* The index as raw fields; frame_count and sample_count are filled by
 * bav_index_entry, which looks at the next entry. */
static void read_entry(const uint8_t *index, uint32_t i, struct bav_index_entry *e)
{
    const uint8_t *p = index + (size_t)i * BAV_INDEX_ENTRY_SIZE;
    e->offset = bav_get32(p);
    e->size = bav_get32(p + 4);
    e->first_frame = bav_get32(p + 8);
    e->first_sample = bav_get32(p + 12);
}

int bav_check_index(const struct bav_header *h, const uint8_t *index, size_t len)
{
    uint64_t need = (uint64_t)h->chunk_count * BAV_INDEX_ENTRY_SIZE;
    if (len < need)
        return BAV_E_TRUNCATED;
    if (bav_crc32(0, index, (size_t)need) != h->index_crc)
        return BAV_E_CRC;
    uint64_t expect_offset = h->data_offset;
    for (uint32_t i = 0; i < h->chunk_count; i++) {
        struct bav_index_entry e;
        read_entry(index, i, &e);
        if (e.offset != expect_offset || e.size < BAV_CHUNK_HEADER_SIZE)
            return BAV_E_INDEX;
        expect_offset += e.size;
        /* Frames strictly increase (each chunk has >= 1 frame, the first
         * chunk starts at 0); samples never decrease. */
        if (i == 0) {
            if (e.first_frame != 0 || e.first_sample != 0)
                return BAV_E_INDEX;
        } else {
            struct bav_index_entry prev;
            read_entry(index, i - 1, &prev);
            if (e.first_frame <= prev.first_frame ||
                e.first_sample < prev.first_sample)
                return BAV_E_INDEX;
        }
        if (e.first_frame >= h->frame_count || e.first_sample > h->audio_samples)
            return BAV_E_INDEX;
    }
    if (expect_offset != h->file_size)
        return BAV_E_INDEX;
    return BAV_OK;
}

int bav_index_entry(const struct bav_header *h, const uint8_t *index,
                    uint32_t i, struct bav_index_entry *e)
{
    if (i >= h->chunk_count)
        return BAV_E_INDEX;
    read_entry(index, i, e);
    uint32_t end_frame = h->frame_count, end_sample = h->audio_samples;
    if (i + 1 < h->chunk_count) {
        struct bav_index_entry next;
        read_entry(index, i + 1, &next);
        end_frame = next.first_frame;
        end_sample = next.first_sample;
    }
    if (end_frame <= e->first_frame || end_sample < e->first_sample)
        return BAV_E_INDEX;
    e->frame_count = end_frame - e->first_frame;
    e->sample_count = end_sample - e->first_sample;
    return BAV_OK;
}

int bav_parse_chunk_header(const struct bav_header *h,
                           const struct bav_index_entry *e,
                           const uint8_t *buf, size_t len, struct bav_chunk *c)
{
    if (len < BAV_CHUNK_HEADER_SIZE)
        return BAV_E_TRUNCATED;
    if (memcmp(buf, chunk_magic, 4) != 0)
        return BAV_E_MAGIC;
    c->number = bav_get32(buf + 4);
    c->first_frame = bav_get32(buf + 8);
    c->frame_count = bav_get32(buf + 12);
    c->first_sample = bav_get32(buf + 16);
    c->sample_count = bav_get32(buf + 20);
    c->payload_size = bav_get32(buf + 24);
    c->crc = bav_get32(buf + 28);
    c->header_crc_part = bav_crc32(0, buf, 28);

    uint64_t audio = (uint64_t)c->sample_count * h->audio_channels * 2;
    if (c->frame_count == 0 ||
        (uint64_t)c->first_frame + c->frame_count > h->frame_count ||
        (uint64_t)c->first_sample + c->sample_count > h->audio_samples ||
        audio + BAV_STREAM_MIN > c->payload_size)
        return BAV_E_CHUNK;
    c->audio_bytes = (uint32_t)audio;
    if (e && (e->size != (uint64_t)c->payload_size + BAV_CHUNK_HEADER_SIZE ||
              e->first_frame != c->first_frame ||
              e->frame_count != c->frame_count ||
              e->first_sample != c->first_sample ||
              e->sample_count != c->sample_count))
        return BAV_E_CHUNK;
    return BAV_OK;
}

int bav_check_chunk(const struct bav_chunk *c, const uint8_t *payload, size_t len)
{
    if (len < c->payload_size)
        return BAV_E_TRUNCATED;
    if (bav_crc32(c->header_crc_part, payload, c->payload_size) != c->crc)
        return BAV_E_CRC;
    return BAV_OK;
}

/* ---- the video stream ------------------------------------------------- */

unsigned bav_planes(unsigned levels)
{
    return levels == 2 ? 1 : levels == 4 ? 2 : 4;
}

uint32_t bav_blocks_across(const struct bav_header *h)
{
    return (h->width + BAV_BLOCK - 1u) / BAV_BLOCK;
}

uint32_t bav_blocks_down(const struct bav_header *h)
{
    return (h->height + BAV_BLOCK - 1u) / BAV_BLOCK;
}

void bav_models_reset(struct bav_models *m, unsigned levels, uint32_t blocks)
{
    const struct bav_model fresh = {BAV_PROB_ONE / 2, 0};
    unsigned planes = bav_planes(levels);
    m->key = fresh;
    for (int i = 0; i < BAV_FLAG_CONTEXTS; i++)
        m->flag[i] = fresh;
    for (unsigned p = 0; p < planes; p++)
        for (uint32_t c = 0; c < (1u << BAV_CONTEXT_BITS); c++)
            m->pixel[p][c] = fresh;
    memset(m->changed, 0, blocks);
    /* Level l is stored as byte l * 255 / (levels - 1) and read back as
     * byte >> (8 - planes); planes carry the Gray code l ^ (l >> 1), so a
     * step between neighbouring levels flips one plane only. */
    for (unsigned g = 0; g < 256; g++) {
        unsigned l = g >> (8 - planes);
        m->code_of[g] = (uint8_t)(l ^ (l >> 1));
    }
    for (unsigned l = 0; l < levels; l++)
        m->byte_of[l ^ (l >> 1)] = (uint8_t)(l * 255 / (levels - 1));
}

/* The next stream byte; zeros past the end, noted (the frame is refused). */
static uint8_t rc_byte(struct bav_range_decoder *d)
{
    if (d->pos < d->end)
        return *d->pos++;
    d->overrun = true;
    return 0;
}

/* The first four bytes are the code. */
static void rc_start(struct bav_range_decoder *d)
{
    d->range = 0xFFFFFFFFu;
    d->code = 0;
    for (int i = 0; i < 4; i++)
        d->code = d->code << 8 | rc_byte(d);
}

/* One bit with model m (which then learns it). bound >= 256 and < range,
 * since range >= 2^24 and 1 <= p1 <= 65535: neither branch empties it. */
static inline unsigned rc_bit(struct bav_range_decoder *d, struct bav_model *m)
{
    uint32_t bound = (d->range >> 16) * m->p1;
    unsigned bit;
    if (d->code < bound) {
        d->range = bound;
        bit = 1;
    } else {
        d->code -= bound;
        d->range -= bound;
        bit = 0;
    }
    bav_model_update(m, bit);
    while (d->range < (1u << 24)) {
        d->range <<= 8;
        d->code = d->code << 8 | rc_byte(d);
    }
    return bit;
}

void bav_frames_begin(const struct bav_chunk *c, const uint8_t *payload,
                      struct bav_frame_reader *r)
{
    r->rc.pos = payload + c->audio_bytes;
    r->rc.end = payload + c->payload_size;
    r->rc.overrun = false;
    r->frames_left = c->frame_count;
    r->first = true;
    r->pending = false;
}

/* The stream must end exactly where the last frame's bits do. */
static bool stream_used_up(const struct bav_frame_reader *r)
{
    return r->frames_left == 0 && !r->pending && !r->rc.overrun &&
           r->rc.pos == r->rc.end;
}

/* A frame's header is one bit, "key frame", except the chunk's first frame,
 * which is always a key frame (and starts the stream). */
int bav_next_frame(struct bav_frame_reader *r, struct bav_frame *f)
{
    if (r->pending)
        return BAV_E_FRAME;            /* the last frame was not decoded */
    if (r->frames_left == 0)
        return stream_used_up(r) ? 0 : BAV_E_FRAME;
    if (r->first)
        rc_start(&r->rc);
    f->key = r->first || rc_bit(&r->rc, &r->m.key);
    if (r->rc.overrun)
        return BAV_E_FRAME;
    f->reader = r;
    r->pending = true;
    r->frames_left--;
    return 1;
}

/* Block flags, row by row; *d gets the blocks that changed, in pixels. */
static void decode_flags(struct bav_frame_reader *r, const struct bav_header *h,
                         struct bav_rect *d)
{
    uint32_t across = bav_blocks_across(h), down = bav_blocks_down(h);
    uint8_t *changed = r->m.changed;
    uint32_t bx0 = across, bx1 = 0, by0 = down, by1 = 0;
    for (uint32_t by = 0; by < down; by++) {
        for (uint32_t bx = 0; bx < across; bx++) {
            uint8_t *c = &changed[by * across + bx];
            unsigned left = bx ? c[-1] : 0, above = by ? c[-(ptrdiff_t)across] : 0;
            *c = (uint8_t)rc_bit(&r->rc, &r->m.flag[bav_flag_context(left, above, *c)]);
            if (*c) {
                bx0 = bx < bx0 ? bx : bx0, bx1 = bx + 1 > bx1 ? bx + 1 : bx1;
                by0 = by < by0 ? by : by0, by1 = by + 1;
            }
        }
    }
    d->x0 = d->x1 = d->y0 = d->y1 = 0;
    if (bx0 < bx1) {
        d->x0 = bx0 * BAV_BLOCK, d->y0 = by0 * BAV_BLOCK;
        d->x1 = bx1 * BAV_BLOCK < h->width ? bx1 * BAV_BLOCK : h->width;
        d->y1 = by1 * BAV_BLOCK < h->height ? by1 * BAV_BLOCK : h->height;
    }
}

/* Pixel x of row `row` (rows->cur), every plane from the top; ctx[] moves
 * on to x + 1. Inlined with planes and inside constants, so the 1-bit loop
 * has no plane loop and its middle no edge checks. */
static inline __attribute__((always_inline)) void
decode_pixel(struct bav_frame_reader *r, const struct bav_rows *rows, uint8_t *row,
             uint32_t x, unsigned *ctx, unsigned planes, bool inside)
{
    unsigned code = 0;
    for (unsigned p = planes; p-- > 0;) {
        unsigned bit = rc_bit(&r->rc, &r->m.pixel[p][ctx[p]]);
        code |= bit << p;
        ctx[p] = bav_context_next(rows, ctx[p], x, p, planes, bit, inside);
    }
    row[x] = r->m.byte_of[code];
}

/* Pixels [x0, x1): away from the right edge (x + 3 < width) unchecked. */
static inline __attribute__((always_inline)) void
decode_run(struct bav_frame_reader *r, const struct bav_rows *rows, uint8_t *row,
           uint32_t x0, uint32_t x1, unsigned planes)
{
    unsigned ctx[BAV_MAX_PLANES];
    uint32_t inside_end = rows->width > 3 ? rows->width - 3 : 0;
    if (inside_end > x1)
        inside_end = x1;
    for (unsigned p = 0; p < planes; p++)
        ctx[p] = bav_context_at(rows, x0, p, planes);
    uint32_t x = x0;
    for (; x < inside_end; x++)
        decode_pixel(r, rows, row, x, ctx, planes, true);
    for (; x < x1; x++)
        decode_pixel(r, rows, row, x, ctx, planes, false);
}

static const uint8_t zero_row[BAV_MAX_DIM];

/* Every pixel of the changed blocks (all inside the rectangle `changed`),
 * in raster order over the whole frame, in place: pixels before (x, y) are this frame's, from it on the
 * reference's, which is what the context needs. Stops early once the
 * stream has run out (the frame is refused anyway). */
static void decode_pixels(struct bav_frame_reader *r, const struct bav_header *h,
                          uint8_t *cur, const struct bav_rect *changed)
{
    uint32_t w = h->width, across = bav_blocks_across(h);
    uint32_t bx_first = changed->x0 / BAV_BLOCK;
    uint32_t bx_end = (changed->x1 + BAV_BLOCK - 1) / BAV_BLOCK;
    unsigned planes = bav_planes(h->levels);
    for (uint32_t y = changed->y0; y < changed->y1 && !r->rc.overrun; y++) {
        uint8_t *row = cur + (size_t)y * w;
        struct bav_rows rows = {
            y >= 2 ? row - 2 * (size_t)w : zero_row, y >= 1 ? row - w : zero_row,
            row, row, y + 1 < h->height ? row + w : zero_row, w, r->m.code_of};
        const uint8_t *flags = r->m.changed + (size_t)(y / BAV_BLOCK) * across;
        for (uint32_t bx = bx_first; bx < bx_end;) {
            if (!flags[bx]) {
                bx++;
                continue;
            }
            uint32_t end = bx;
            while (end < bx_end && flags[end])
                end++;
            uint32_t x0 = bx * BAV_BLOCK, x1 = end * BAV_BLOCK < w ? end * BAV_BLOCK : w;
            if (planes == 1)
                decode_run(r, &rows, row, x0, x1, 1);
            else
                decode_run(r, &rows, row, x0, x1, planes);
            bx = end;
        }
    }
}

/*
 * A frame: the block flags, then the pixels of the changed blocks. A key
 * frame's reference is all black (level 0) and its "previous flags" all 0.
 */
int bav_decode_frame(const struct bav_header *h, const struct bav_frame *f,
                     uint8_t *cur, size_t cur_size, struct bav_rect *damage)
{
    struct bav_rect local;
    struct bav_rect *d = damage ? damage : &local;
    struct bav_frame_reader *r = f->reader;
    d->x0 = d->x1 = d->y0 = d->y1 = 0;
    if (cur_size < bav_frame_bytes(h))
        return BAV_E_SPACE;
    if (!r || !r->pending)
        return BAV_E_FRAME;
    uint32_t blocks = bav_blocks_across(h) * bav_blocks_down(h);
    if (r->first) {
        bav_models_reset(&r->m, h->levels, blocks);
        r->first = false;
    }
    r->pending = false;
    if (f->key) {
        memset(cur, 0, (size_t)bav_frame_bytes(h));
        memset(r->m.changed, 0, blocks);
    }
    decode_flags(r, h, d);
    decode_pixels(r, h, cur, d);
    if (f->key)
        d->x0 = 0, d->y0 = 0, d->x1 = h->width, d->y1 = h->height;
    if (r->rc.overrun || (r->frames_left == 0 && !stream_used_up(r)))
        return BAV_E_FRAME;
    return BAV_OK;
}

void bav_blit_bgrx(const uint8_t *cur, uint32_t w, uint32_t h,
                   const struct bav_rect *r, uint8_t *dst, size_t dst_stride,
                   uint32_t dst_w, uint32_t dst_h, uint32_t dst_x,
                   uint32_t dst_y, uint32_t num, uint32_t den)
{
    uint32_t x0 = r->x0, x1 = r->x1 < w ? r->x1 : w;
    uint32_t y0 = r->y0, y1 = r->y1 < h ? r->y1 : h;
    if (num == 0 || den == 0 || x0 >= x1 || y0 >= y1)
        return;
    /* The destination rectangle [dx0, dx1) x [dy0, dy1), clipped; all in 64
     * bits (coordinates times num cannot overflow them). */
    uint64_t dx0 = dst_x + bav_scaled(x0, num, den), dx1 = dst_x + bav_scaled(x1, num, den);
    uint64_t dy0 = dst_y + bav_scaled(y0, num, den), dy1 = dst_y + bav_scaled(y1, num, den);
    if (dx1 > dst_w)
        dx1 = dst_w;
    if (dy1 > dst_h)
        dy1 = dst_h;
    if (dx0 >= dx1)
        return;
    const uint8_t *prev_src = NULL;
    const uint8_t *prev_row = NULL;
    for (uint64_t dy = dy0; dy < dy1; dy++) {
        /* d in [dy0 - dst_y, dy1 - dst_y) maps into [y0, y1): see bav_scaled. */
        const uint8_t *src = cur + (size_t)((dy - dst_y) * den / num) * w;
        uint8_t *row = dst + (size_t)dy * dst_stride + (size_t)dx0 * 4;
        if (src == prev_src) {          /* an enlarged row: copy the one above */
            memcpy(row, prev_row, (size_t)(dx1 - dx0) * 4);
            continue;
        }
        for (uint64_t dx = dx0; dx < dx1; dx++) {
            uint8_t g = src[(dx - dst_x) * den / num];
            uint8_t *px = row + (size_t)(dx - dx0) * 4;
            px[0] = g, px[1] = g, px[2] = g, px[3] = 0;
        }
        prev_src = src;
        prev_row = row;
    }
}
