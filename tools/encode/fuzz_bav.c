/*
 * tools/encode/fuzz_bav.c — libFuzzer target for the container parser and
 * the decoder (user/player/bav.c), through the same walk the host tools use.
 *
 * Each input is taken as a .bav file twice: as is (CRCs enforced), and with
 * the header and index CRCs recomputed and chunk CRCs ignored, so mutations
 * reach the index, chunk, frame-record and frame-data checks instead of all
 * dying at a checksum. Every decoded damage rectangle is blitted into a small
 * screen at varying offsets and scales. Built with
 * -fsanitize=fuzzer,address,undefined: any stray access is a crash.
 */
#include <stdlib.h>
#include <string.h>

#include "tools/encode/bav_walk.h"

static uint8_t frame_buf[1 << 20];
static uint8_t screen[64 * 48 * 4];

static int on_frame(void *ctx, uint32_t frame_no, const struct bav_frame *f,
                    const uint8_t *cur, const struct bav_rect *damage)
{
    const struct bav_header *h = ctx;
    (void)f;
    bav_blit_bgrx(cur, h->width, h->height, damage, screen, 64 * 4, 64, 48,
                  frame_no % 7, frame_no % 5, 1 + frame_no % 3, 1 + frame_no % 4);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bav_header h;
    struct bav_walk_ops ops = {&h, NULL, on_frame};
    char where[128];
    bav_walk(data, size, true, &h, frame_buf, sizeof frame_buf, &ops, where, sizeof where);

    if (size < BAV_HEADER_SIZE)
        return 0;
    uint8_t *copy = malloc(size);
    memcpy(copy, data, size);
    uint64_t index_end = BAV_HEADER_SIZE + (uint64_t)bav_get32(copy + 40) * BAV_INDEX_ENTRY_SIZE;
    if (index_end <= size)
        bav_put32(copy + 56, bav_crc32(0, copy + BAV_HEADER_SIZE,
                                       (size_t)(index_end - BAV_HEADER_SIZE)));
    bav_put32(copy + 60, bav_crc32(0, copy, 60));
    bav_walk(copy, size, false, &h, frame_buf, sizeof frame_buf, &ops, where, sizeof where);
    free(copy);
    return 0;
}
