/*
 * tools/encode/bav_encode.c — frame coder and file writer (see
 * bav_encode.h; byte layout in docs/clip-format.md).
 *
 * The frame coder is the mirror image of bav_next_frame/bav_decode_frame:
 * the same models, contexts and order (all defined in bav.h), with a range
 * encoder in place of the decoder; it keeps this frame and the reference
 * apart where the decoder works in place. Chunk bytes go to a temporary
 * file because the index, which precedes them, is known only once the
 * input ends.
 */
#include "tools/encode/bav_encode.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void bav_quantize(const uint8_t *gray, size_t n, unsigned levels, uint8_t *out)
{
    unsigned shift = 8 - bav_planes(levels), step = 255 / (levels - 1);
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)((gray[i] >> shift) * step);
}

/* ---- the range encoder (mirror of rc_bit in bav.c) ---------------------- */

static void put_byte(struct bav_range_encoder *e, uint8_t b)
{
    if (!e->started) {              /* always 0: the decoder does not read it */
        e->started = true;
        return;
    }
    if (e->len == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 1 << 16;
        uint8_t *p = realloc(e->out, cap);
        if (!p) {
            fputs("bavenc: out of memory\n", stderr);
            exit(1);
        }
        e->out = p, e->cap = cap;
    }
    e->out[e->len++] = b;
}

/* Moves the top byte of low out. A byte is held back while a carry may
 * still reach it: the cached byte and a run of 0xFF bytes after it. */
static void shift_low(struct bav_range_encoder *e)
{
    if ((uint32_t)e->low < 0xFF000000u || (e->low >> 32) != 0) {
        uint8_t carry = (uint8_t)(e->low >> 32), b = e->cache;
        for (; e->cache_size; e->cache_size--, b = 0xFF)
            put_byte(e, (uint8_t)(b + carry));
        e->cache = (uint8_t)(e->low >> 24);
    }
    e->cache_size++;
    e->low = (e->low & 0x00FFFFFFu) << 8;
}

static void rc_init(struct bav_range_encoder *e)
{
    memset(e, 0, sizeof *e);
    e->range = 0xFFFFFFFFu;
    e->cache_size = 1;
}

static void rc_put(struct bav_range_encoder *e, struct bav_model *m, unsigned bit)
{
    uint32_t bound = (e->range >> 16) * m->p1;
    if (bit) {
        e->range = bound;
    } else {
        e->low += bound;
        e->range -= bound;
    }
    bav_model_update(m, bit);
    while (e->range < (1u << 24)) {
        e->range <<= 8;
        shift_low(e);
    }
}

/* Four bytes of low, after the held-back ones: the decoder reads exactly
 * 4 + (one per renormalization) bytes, and so many are written. */
static void rc_finish(struct bav_range_encoder *e)
{
    for (int i = 0; i < 5; i++)
        shift_low(e);
}

/* ---- frames ------------------------------------------------------------- */

void bav_chunk_begin(struct bav_chunk_encoder *enc, const struct bav_header *h)
{
    enc->h = *h;
    rc_init(&enc->rc);
    bav_models_reset(&enc->m, h->levels,
                     bav_blocks_across(h) * bav_blocks_down(h));
    enc->frames = 0;
    enc->black = calloc((size_t)bav_frame_bytes(h), 1);
    if (!enc->black) {
        fputs("bavenc: out of memory\n", stderr);
        exit(1);
    }
}

static bool block_changed(const struct bav_header *h, const uint8_t *ref,
                          const uint8_t *cur, uint32_t bx, uint32_t by)
{
    uint32_t x0 = bx * BAV_BLOCK, x1 = x0 + BAV_BLOCK < h->width ? x0 + BAV_BLOCK : h->width;
    uint32_t y0 = by * BAV_BLOCK, y1 = y0 + BAV_BLOCK < h->height ? y0 + BAV_BLOCK : h->height;
    for (uint32_t y = y0; y < y1; y++) {
        size_t row = (size_t)y * h->width;
        if (memcmp(ref + row + x0, cur + row + x0, x1 - x0) != 0)
            return true;
    }
    return false;
}

/* Mirror of decode_flags. */
static void encode_flags(struct bav_chunk_encoder *enc, const uint8_t *ref,
                         const uint8_t *cur)
{
    uint32_t across = bav_blocks_across(&enc->h), down = bav_blocks_down(&enc->h);
    uint8_t *changed = enc->m.changed;
    for (uint32_t by = 0; by < down; by++) {
        for (uint32_t bx = 0; bx < across; bx++) {
            uint8_t *c = &changed[by * across + bx];
            unsigned left = bx ? c[-1] : 0, above = by ? c[-(ptrdiff_t)across] : 0;
            unsigned ctx = bav_flag_context(left, above, *c);
            *c = block_changed(&enc->h, ref, cur, bx, by);
            rc_put(&enc->rc, &enc->m.flag[ctx], *c);
        }
    }
}

/* Mirror of decode_run, with this frame and the reference apart. */
static void encode_run(struct bav_chunk_encoder *enc, const struct bav_rows *rows,
                       uint32_t x0, uint32_t x1, unsigned planes)
{
    unsigned ctx[BAV_MAX_PLANES];
    for (unsigned p = 0; p < planes; p++)
        ctx[p] = bav_context_at(rows, x0, p, planes);
    for (uint32_t x = x0; x < x1; x++) {
        unsigned code = enc->m.code_of[rows->cur[x]];
        for (unsigned p = planes; p-- > 0;) {
            unsigned bit = code >> p & 1u;
            rc_put(&enc->rc, &enc->m.pixel[p][ctx[p]], bit);
            ctx[p] = bav_context_next(rows, ctx[p], x, p, planes, bit, false);
        }
    }
}

static const uint8_t zero_row[BAV_MAX_DIM];

/* Mirror of decode_pixels. */
static void encode_pixels(struct bav_chunk_encoder *enc, const uint8_t *ref,
                          const uint8_t *cur)
{
    uint32_t w = enc->h.width, height = enc->h.height;
    uint32_t across = bav_blocks_across(&enc->h);
    unsigned planes = bav_planes(enc->h.levels);
    for (uint32_t y = 0; y < height; y++) {
        size_t at = (size_t)y * w;
        struct bav_rows rows = {
            y >= 2 ? cur + at - 2 * (size_t)w : zero_row, y >= 1 ? cur + at - w : zero_row,
            cur + at, ref + at, y + 1 < height ? ref + at + w : zero_row, w, enc->m.code_of};
        const uint8_t *flags = enc->m.changed + (size_t)(y / BAV_BLOCK) * across;
        for (uint32_t bx = 0; bx < across; bx++) {
            if (!flags[bx])
                continue;
            uint32_t x0 = bx * BAV_BLOCK, x1 = x0 + BAV_BLOCK < w ? x0 + BAV_BLOCK : w;
            encode_run(enc, &rows, x0, x1, planes);
        }
    }
}

static size_t count_differences(const uint8_t *a, const uint8_t *b, size_t n)
{
    size_t d = 0;
    for (size_t i = 0; i < n; i++)
        d += a[i] != b[i];
    return d;
}

int bav_chunk_frame(struct bav_chunk_encoder *enc, const uint8_t *prev,
                    const uint8_t *cur)
{
    size_t n = (size_t)bav_frame_bytes(&enc->h);
    const uint8_t *black = enc->black;
    int key = enc->frames == 0 ||
              count_differences(cur, black, n) < count_differences(cur, prev, n);
    if (enc->frames > 0)
        rc_put(&enc->rc, &enc->m.key, (unsigned)key);
    const uint8_t *ref = key ? black : prev;
    if (key)
        memset(enc->m.changed, 0, bav_blocks_across(&enc->h) * bav_blocks_down(&enc->h));
    encode_flags(enc, ref, cur);
    encode_pixels(enc, ref, cur);
    enc->frames++;
    return key;
}

size_t bav_chunk_end(struct bav_chunk_encoder *enc, uint8_t **out)
{
    rc_finish(&enc->rc);
    free(enc->black);
    enc->black = NULL;
    *out = enc->rc.out;
    size_t len = enc->rc.len;
    enc->rc.out = NULL;
    return len;
}

uint64_t bav_samples_before_frame(const struct bav_header *h, uint64_t f)
{
    /* floor(f * den / num * rate) without overflow for sane inputs. */
    uint64_t t = f * h->fps_den;
    return t / h->fps_num * h->audio_rate +
           (t % h->fps_num) * h->audio_rate / h->fps_num;
}

int bav_writer_begin(struct bav_writer *w, const struct bav_header *h)
{
    memset(w, 0, sizeof *w);
    w->h = *h;
    w->h.version = BAV_VERSION;
    w->h.frame_count = 0;
    w->h.audio_samples = 0;
    w->h.chunk_count = 0;
    w->chunks = tmpfile();
    return w->chunks ? 0 : -1;
}

int bav_writer_chunk(struct bav_writer *w, const uint8_t *video,
                     size_t video_size, uint32_t frame_count,
                     const uint8_t *pcm, uint32_t sample_count)
{
    uint64_t audio = (uint64_t)sample_count * w->h.audio_channels * 2;
    uint64_t payload = audio + video_size;
    if (payload + BAV_CHUNK_HEADER_SIZE + w->data_bytes + BAV_HEADER_SIZE +
            (uint64_t)(w->h.chunk_count + 1) * BAV_INDEX_ENTRY_SIZE >
        0xFFFFFFFFu) {
        errno = EFBIG;
        return -1;
    }
    if ((w->h.chunk_count + 1) * (size_t)BAV_INDEX_ENTRY_SIZE > w->index_cap) {
        size_t cap = w->index_cap ? w->index_cap * 2 : 64 * BAV_INDEX_ENTRY_SIZE;
        uint8_t *p = realloc(w->index, cap);
        if (!p)
            return -1;
        w->index = p, w->index_cap = cap;
    }
    uint8_t *e = w->index + (size_t)w->h.chunk_count * BAV_INDEX_ENTRY_SIZE;
    bav_put32(e, (uint32_t)w->data_bytes);  /* made absolute at finish */
    bav_put32(e + 4, (uint32_t)(payload + BAV_CHUNK_HEADER_SIZE));
    bav_put32(e + 8, w->h.frame_count);
    bav_put32(e + 12, w->h.audio_samples);

    uint8_t ch[BAV_CHUNK_HEADER_SIZE];
    memcpy(ch, "CHNK", 4);
    bav_put32(ch + 4, w->h.chunk_count);
    bav_put32(ch + 8, w->h.frame_count);
    bav_put32(ch + 12, frame_count);
    bav_put32(ch + 16, w->h.audio_samples);
    bav_put32(ch + 20, sample_count);
    bav_put32(ch + 24, (uint32_t)payload);
    uint32_t crc = bav_crc32(0, ch, 28);
    crc = bav_crc32(crc, pcm, (size_t)audio);
    crc = bav_crc32(crc, video, video_size);
    bav_put32(ch + 28, crc);
    if (fwrite(ch, 1, sizeof ch, w->chunks) != sizeof ch ||
        (audio && fwrite(pcm, 1, (size_t)audio, w->chunks) != audio) ||
        fwrite(video, 1, video_size, w->chunks) != video_size)
        return -1;
    w->data_bytes += BAV_CHUNK_HEADER_SIZE + payload;
    w->h.chunk_count++;
    w->h.frame_count += frame_count;
    w->h.audio_samples += sample_count;
    return 0;
}

int bav_writer_finish(struct bav_writer *w, FILE *out)
{
    struct bav_header *h = &w->h;
    int ok = h->chunk_count > 0;
    if (!ok)
        errno = EINVAL;
    h->index_offset = BAV_HEADER_SIZE;
    h->data_offset = BAV_HEADER_SIZE + h->chunk_count * BAV_INDEX_ENTRY_SIZE;
    h->file_size = (uint32_t)(h->data_offset + w->data_bytes);
    for (uint32_t i = 0; i < h->chunk_count; i++) {
        uint8_t *e = w->index + (size_t)i * BAV_INDEX_ENTRY_SIZE;
        bav_put32(e, bav_get32(e) + h->data_offset);
    }
    size_t index_size = (size_t)h->chunk_count * BAV_INDEX_ENTRY_SIZE;
    h->index_crc = bav_crc32(0, w->index, index_size);
    /* Duration: whichever of video and audio lasts longer, in ms. */
    uint64_t video_ms = (uint64_t)h->frame_count * h->fps_den * 1000 / h->fps_num;
    uint64_t audio_ms = h->audio_rate ? (uint64_t)h->audio_samples * 1000 / h->audio_rate : 0;
    h->duration_ms = (uint32_t)(video_ms > audio_ms ? video_ms : audio_ms);

    uint8_t b[BAV_HEADER_SIZE] = {0};
    memcpy(b, "BAVC", 4);
    bav_put16(b + 4, BAV_VERSION);
    bav_put16(b + 6, BAV_HEADER_SIZE);
    bav_put16(b + 8, h->width);
    bav_put16(b + 10, h->height);
    bav_put32(b + 12, h->fps_num);
    bav_put32(b + 16, h->fps_den);
    bav_put32(b + 20, h->frame_count);
    b[24] = h->levels;
    b[25] = h->audio_channels;
    b[26] = h->audio_format;
    bav_put32(b + 28, h->audio_rate);
    bav_put32(b + 32, h->audio_samples);
    bav_put32(b + 36, h->duration_ms);
    bav_put32(b + 40, h->chunk_count);
    bav_put32(b + 44, h->index_offset);
    bav_put32(b + 48, h->data_offset);
    bav_put32(b + 52, h->file_size);
    bav_put32(b + 56, h->index_crc);
    bav_put32(b + 60, bav_crc32(0, b, 60));
    if (ok && (fwrite(b, 1, sizeof b, out) != sizeof b ||
               fwrite(w->index, 1, index_size, out) != index_size))
        ok = 0;
    if (ok && fseek(w->chunks, 0, SEEK_SET) != 0)
        ok = 0;
    static uint8_t copy[1 << 16];
    size_t got;
    while (ok && (got = fread(copy, 1, sizeof copy, w->chunks)) > 0)
        if (fwrite(copy, 1, got, out) != got)
            ok = 0;
    if (ok && ferror(w->chunks))
        ok = 0;
    bav_writer_abort(w);
    return ok ? 0 : -1;
}

void bav_writer_abort(struct bav_writer *w)
{
    if (w->chunks)
        fclose(w->chunks);
    free(w->index);
    w->chunks = NULL;
    w->index = NULL;
}
