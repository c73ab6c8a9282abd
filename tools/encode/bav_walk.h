/*
 * tools/encode/bav_walk.h — walk a whole .bav file held in memory (host
 * tools and the fuzz target): header, index, then every chunk and frame in
 * order, through the shared parser and decoder in user/player/bav.c.
 *
 * bav_walk() calls on_chunk once per chunk (after its header, and unless
 * verify_crc is false its CRC, were accepted) and on_frame after each frame
 * is decoded into cur. It stops at the first error or non-zero callback
 * result and returns it; where[] then says which part was at fault. Checks
 * the file length against the header before anything else, so a truncated
 * file is reported as such. bav_load_file() reads a file for the tools.
 */
#ifndef TOOLS_ENCODE_BAV_WALK_H
#define TOOLS_ENCODE_BAV_WALK_H

#include "user/player/bav.h"

struct bav_walk_ops {
    void *ctx;
    int (*on_chunk)(void *ctx, const struct bav_index_entry *e,
                    const struct bav_chunk *c, const uint8_t *payload);
    int (*on_frame)(void *ctx, uint32_t frame_no, const struct bav_frame *f,
                    const uint8_t *cur, const struct bav_rect *damage);
};

int bav_walk(const uint8_t *file, size_t len, bool verify_crc,
             struct bav_header *h, uint8_t *cur, size_t cur_size,
             const struct bav_walk_ops *ops, char *where, size_t where_size);

/* Reads a whole file into malloc'd memory; NULL and a message on error. */
uint8_t *bav_load_file(const char *path, size_t *len, char *err, size_t err_size);

#endif
