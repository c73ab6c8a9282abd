/*
 * tools/encode/bav_walk.c — see bav_walk.h. Only offsets already checked
 * against len are dereferenced; all format checks are bav.c's.
 */
#include "tools/encode/bav_walk.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint8_t *bav_load_file(const char *path, size_t *len, char *err, size_t err_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_size, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 20, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        uint8_t *bigger = cap > SIZE_MAX / 2 ? NULL : realloc(buf, cap * 2);
        if (!bigger)
            free(buf);
        buf = bigger;
        cap *= 2;
    }
    if (!buf || ferror(f)) {
        snprintf(err, err_size, "cannot read %s: %s", path,
                 buf ? strerror(errno) : "out of memory");
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

int bav_walk(const uint8_t *file, size_t len, bool verify_crc,
             struct bav_header *h, uint8_t *cur, size_t cur_size,
             const struct bav_walk_ops *ops, char *where, size_t where_size)
{
    snprintf(where, where_size, "header");
    int err = bav_parse_header(file, len, h);
    if (err)
        return err;
    if (len < h->file_size) {
        snprintf(where, where_size, "file (%zu of %u bytes)", len, h->file_size);
        return BAV_E_TRUNCATED;
    }
    if (len > h->file_size) {
        snprintf(where, where_size, "file (%zu bytes after the end)",
                 len - h->file_size);
        return BAV_E_HEADER;
    }
    snprintf(where, where_size, "index");
    const uint8_t *index = file + h->index_offset;
    if ((err = bav_check_index(h, index, len - h->index_offset)))
        return err;
    if (cur_size < bav_frame_bytes(h)) {
        snprintf(where, where_size, "frame buffer");
        return BAV_E_SPACE;
    }
    uint32_t frame_no = 0;
    for (uint32_t i = 0; i < h->chunk_count; i++) {
        struct bav_index_entry e;
        struct bav_chunk c;
        snprintf(where, where_size, "index entry %u", i);
        if ((err = bav_index_entry(h, index, i, &e)))
            return err;
        snprintf(where, where_size, "chunk %u at offset %u", i, e.offset);
        /* bav_check_index made offset + size <= file_size == len. */
        const uint8_t *p = file + e.offset;
        if ((err = bav_parse_chunk_header(h, &e, p, e.size, &c)))
            return err;
        const uint8_t *payload = p + BAV_CHUNK_HEADER_SIZE;
        if (verify_crc && (err = bav_check_chunk(&c, payload, c.payload_size)))
            return err;
        if (ops && ops->on_chunk && (err = ops->on_chunk(ops->ctx, &e, &c, payload)))
            return err;
        static struct bav_frame_reader r;   /* large: the chunk's models */
        struct bav_frame f;
        bav_frames_begin(&c, payload, &r);
        while ((err = bav_next_frame(&r, &f)) == 1) {
            struct bav_rect damage;
            snprintf(where, where_size, "frame %u (chunk %u)", frame_no, i);
            if ((err = bav_decode_frame(h, &f, cur, cur_size, &damage)))
                return err;
            if (ops && ops->on_frame &&
                (err = ops->on_frame(ops->ctx, frame_no, &f, cur, &damage)))
                return err;
            frame_no++;
        }
        if (err) {
            snprintf(where, where_size, "video stream of chunk %u", i);
            return err;
        }
    }
    snprintf(where, where_size, "file");
    return BAV_OK;
}
