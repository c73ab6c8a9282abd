/*
 * kernel/lib/cksum.c — see cksum.h. Table-driven, one byte at a time; the table
 * is computed on first use (256 entries).
 */
#include "kernel/lib/cksum.h"

#include <stdbool.h>

static uint32_t table[256];
static bool table_ready;

static void make_table(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i << 24;
        for (int k = 0; k < 8; k++)
            c = (c & 0x80000000u) ? (c << 1) ^ 0x04C11DB7u : c << 1;
        table[i] = c;
    }
    table_ready = true;
}

uint32_t cksum_update(uint32_t crc, const void *data, size_t len)
{
    if (!table_ready)
        make_table();
    const uint8_t *p = data;
    for (size_t i = 0; i < len; i++)
        crc = (crc << 8) ^ table[((crc >> 24) ^ p[i]) & 0xff];
    return crc;
}

uint32_t cksum_final(uint32_t crc, uint64_t total_len)
{
    while (total_len) {
        uint8_t b = (uint8_t)total_len;
        crc = cksum_update(crc, &b, 1);
        total_len >>= 8;
    }
    return ~crc;
}
