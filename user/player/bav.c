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
        audio + c->frame_count > c->payload_size)
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

void bav_frames_begin(const struct bav_chunk *c, const uint8_t *payload,
                      struct bav_frame_reader *r)
{
    r->pos = payload + c->audio_bytes;
    r->end = payload + c->payload_size;
    r->frames_left = c->frame_count;
    r->first = true;
}

/* Frame record: LEB128 of (size << 1 | is_delta), then size bytes. */
int bav_next_frame(struct bav_frame_reader *r, struct bav_frame *f)
{
    if (r->frames_left == 0)
        return r->pos == r->end ? 0 : BAV_E_FRAME;   /* no trailing bytes */
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
        if (r->pos >= r->end || shift > 35)
            return BAV_E_FRAME;
        uint8_t b = *r->pos++;
        v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80))
            break;
    }
    uint64_t size = v >> 1;
    if (size > (uint64_t)(r->end - r->pos))
        return BAV_E_FRAME;
    f->key = !(v & 1);
    if (r->first && !f->key)
        return BAV_E_FRAME;            /* every chunk starts with a key frame */
    f->data = r->pos;
    f->size = (size_t)size;
    r->pos += size;
    r->frames_left--;
    r->first = false;
    return 1;
}

/*
 * Frame data is a bit stream (most significant bit of each byte first) of
 * adaptive Rice codes. A value v with parameter k is q = v >> k as q one
 * bits and a zero, then the k low bits of v; q >= BAV_RICE_ESCAPE is sent as
 * BAV_RICE_ESCAPE one bits and v in 32 bits. k follows the running mean of
 * the recent values of the same kind (skips or runs), the way LOCO-I does:
 * the smallest k with count << k >= sum. Encoder and decoder share this.
 */
void bav_rice_init(struct bav_rice *m, uint32_t first_guess)
{
    m->sum = first_guess;
    m->count = 1;
}

unsigned bav_rice_k(const struct bav_rice *m)
{
    unsigned k = 0;
    while (k < BAV_RICE_MAX_K && ((uint64_t)m->count << k) < m->sum)
        k++;
    return k;
}

void bav_rice_update(struct bav_rice *m, uint32_t v)
{
    m->sum += v;
    if (++m->count >= BAV_RICE_WINDOW) {      /* halve: forget old values */
        m->sum = (m->sum + 1) / 2;
        m->count /= 2;
    }
}

struct bit_reader {
    const uint8_t *data;
    size_t pos, count;              /* in bits */
};

static bool read_bits(struct bit_reader *r, unsigned n, uint32_t *out)
{
    uint32_t v = 0;
    if (r->count - r->pos < n)
        return false;
    for (unsigned i = 0; i < n; i++, r->pos++)
        v = v << 1 | ((r->data[r->pos >> 3] >> (7 - (r->pos & 7))) & 1);
    *out = v;
    return true;
}

static bool read_rice(struct bit_reader *r, struct bav_rice *m, uint32_t *out)
{
    uint32_t q = 0, bit, low;
    for (;;) {
        if (!read_bits(r, 1, &bit))
            return false;
        if (!bit)
            break;
        if (++q == BAV_RICE_ESCAPE)
            break;
    }
    if (q == BAV_RICE_ESCAPE) {
        if (!read_bits(r, 32, out))
            return false;
    } else {
        unsigned k = bav_rice_k(m);
        if (!read_bits(r, k, &low))
            return false;
        *out = q << k | low;        /* < 2^(5 + BAV_RICE_MAX_K): no wrap */
    }
    bav_rice_update(m, *out);
    return true;
}

static void damage_add(struct bav_rect *d, uint32_t w, uint64_t pos, uint64_t len)
{
    uint32_t ya = (uint32_t)(pos / w), yb = (uint32_t)((pos + len - 1) / w);
    uint32_t xa = 0, xb = w;
    if (ya == yb) {
        xa = (uint32_t)(pos % w);
        xb = xa + (uint32_t)len;
    }
    if (d->x0 == d->x1) {
        d->x0 = xa, d->x1 = xb, d->y0 = ya, d->y1 = yb + 1;
        return;
    }
    if (xa < d->x0) d->x0 = xa;
    if (xb > d->x1) d->x1 = xb;
    if (ya < d->y0) d->y0 = ya;
    if (yb + 1 > d->y1) d->y1 = yb + 1;
}

/*
 * Tokens (Rice codes, skips and runs each with their own model), alternating,
 * until they cover all width*height pixels in raster order:
 * skip = count of pixels kept from the reference, then
 *   2 levels:  flip  = count - 1 of pixels that invert (black <-> white);
 *   4/16:      paint = (count - 1) << bits | level: count pixels set to level.
 * A key frame starts from an all-black reference.
 */
int bav_decode_frame(const struct bav_header *h, const struct bav_frame *f,
                     uint8_t *cur, size_t cur_size, struct bav_rect *damage)
{
    uint64_t n = bav_frame_bytes(h);
    struct bav_rect local;
    struct bav_rect *d = damage ? damage : &local;
    d->x0 = d->x1 = d->y0 = d->y1 = 0;
    if (cur_size < n)
        return BAV_E_SPACE;
    if (f->size > SIZE_MAX / 8)
        return BAV_E_FRAME;
    if (f->key) {
        memset(cur, 0, (size_t)n);
        d->x0 = 0, d->y0 = 0, d->x1 = h->width, d->y1 = h->height;
    }
    struct bit_reader r = {f->data, 0, f->size * 8};
    unsigned bits = h->levels == 2 ? 1 : h->levels == 4 ? 2 : 4;
    struct bav_rice skips, runs;
    bav_rice_init(&skips, BAV_RICE_SKIP_GUESS);
    bav_rice_init(&runs, BAV_RICE_RUN_GUESS);
    uint64_t pos = 0;
    uint32_t v;
    while (pos < n) {
        if (!read_rice(&r, &skips, &v) || v > n - pos)
            return BAV_E_FRAME;
        pos += v;
        if (pos == n)
            break;
        if (!read_rice(&r, &runs, &v))
            return BAV_E_FRAME;
        uint64_t len;
        uint8_t gray = 0;
        if (bits == 1) {
            len = v + 1;
        } else {
            uint32_t level = (uint32_t)(v & ((1u << bits) - 1));
            len = (v >> bits) + 1;
            gray = (uint8_t)(level * 255 / (h->levels - 1u));
        }
        if (len > n - pos)
            return BAV_E_FRAME;
        uint8_t *p = cur + pos;
        if (bits == 1) {
            for (uint64_t i = 0; i < len; i++)
                p[i] ^= 0xFF;
        } else {
            memset(p, gray, (size_t)len);
        }
        if (!f->key)
            damage_add(d, h->width, pos, len);
        pos += len;
    }
    /* Only zero padding up to the next byte boundary may follow. */
    uint32_t pad;
    if (r.count - r.pos >= 8 || !read_bits(&r, (unsigned)(r.count - r.pos), &pad) || pad)
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
