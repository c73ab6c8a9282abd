/*
 * tools/encode/bav_encode.c — frame coder and file writer (see
 * bav_encode.h; byte layout in docs/clip-format.md).
 *
 * The token grammar is the mirror image of bav_decode_frame(): alternate
 * "skip" (pixels equal to the reference) and "flip"/"paint" runs until the
 * frame is covered, as adaptive Rice codes whose model lives in bav.c. Chunk bytes go to a temporary file because the index,
 * which precedes them, is known only once the input ends.
 */
#include "tools/encode/bav_encode.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static unsigned level_bits(unsigned levels)
{
    return levels == 2 ? 1 : levels == 4 ? 2 : 4;
}

void bav_quantize(const uint8_t *gray, size_t n, unsigned levels, uint8_t *out)
{
    unsigned shift = 8 - level_bits(levels), step = 255 / (levels - 1);
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)((gray[i] >> shift) * step);
}

size_t bav_encode_bound(size_t n)
{
    /* At most two tokens per pixel plus one, each at most 24 + 32 bits. */
    return 14 * n + 16;
}

struct bit_writer {
    uint8_t *out;
    size_t count;                   /* bits written */
};

static void put_bits(struct bit_writer *w, uint32_t v, unsigned n)
{
    while (n--) {
        if ((w->count & 7) == 0)
            w->out[w->count >> 3] = 0;
        w->out[w->count >> 3] |= (uint8_t)(((v >> n) & 1) << (7 - (w->count & 7)));
        w->count++;
    }
}

/* Mirror of read_rice() in bav.c. */
static void put_rice(struct bit_writer *w, struct bav_rice *m, uint32_t v)
{
    unsigned k = bav_rice_k(m);
    uint32_t q = v >> k;
    if (q >= BAV_RICE_ESCAPE) {
        for (unsigned i = 0; i < BAV_RICE_ESCAPE; i++)
            put_bits(w, 1, 1);
        put_bits(w, v, 32);
    } else {
        for (uint32_t i = 0; i < q; i++)
            put_bits(w, 1, 1);
        put_bits(w, 0, 1);
        put_bits(w, v & ((1u << k) - 1), k);
    }
    bav_rice_update(m, v);
}

size_t bav_encode_frame(const uint8_t *ref, const uint8_t *cur, size_t n,
                        unsigned levels, uint8_t *out)
{
    struct bit_writer w = {out, 0};
    struct bav_rice skips, runs;
    bav_rice_init(&skips, BAV_RICE_SKIP_GUESS);
    bav_rice_init(&runs, BAV_RICE_RUN_GUESS);
    unsigned bits = level_bits(levels), step = 255 / (levels - 1);
    size_t pos = 0;
#define SAME(i) (cur[i] == (ref ? ref[i] : 0))
    while (pos < n) {
        size_t i = pos;
        while (i < n && SAME(i))
            i++;
        put_rice(&w, &skips, (uint32_t)(i - pos));
        if (i == n)
            break;
        size_t j = i + 1;
        if (bits == 1) {
            while (j < n && !SAME(j))
                j++;
            put_rice(&w, &runs, (uint32_t)(j - i - 1));
        } else {
            /* A paint run may cover unchanged pixels of the same gray. */
            while (j < n && cur[j] == cur[i])
                j++;
            put_rice(&w, &runs, (uint32_t)((j - i - 1) << bits | cur[i] / step));
        }
        pos = j;
    }
#undef SAME
    return (w.count + 7) / 8;       /* the last byte's spare bits are zero */
}

size_t bav_frame_record(uint8_t *out, const uint8_t *data, size_t size, int key)
{
    uint64_t v = (uint64_t)size << 1 | (key ? 0 : 1);
    size_t len = 0;
    do {
        uint8_t b = v & 0x7F;
        v >>= 7;
        out[len++] = v ? (b | 0x80) : b;
    } while (v);
    memmove(out + len, data, size);
    return len + size;
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

int bav_writer_chunk(struct bav_writer *w, const uint8_t *records,
                     size_t records_size, uint32_t frame_count,
                     const uint8_t *pcm, uint32_t sample_count)
{
    uint64_t audio = (uint64_t)sample_count * w->h.audio_channels * 2;
    uint64_t payload = audio + records_size;
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
    crc = bav_crc32(crc, records, records_size);
    bav_put32(ch + 28, crc);
    if (fwrite(ch, 1, sizeof ch, w->chunks) != sizeof ch ||
        (audio && fwrite(pcm, 1, (size_t)audio, w->chunks) != audio) ||
        fwrite(records, 1, records_size, w->chunks) != records_size)
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
