/*
 * kernel/lib/cksum.h — the CRC of POSIX `cksum` (polynomial 0x04C11DB7, MSB
 * first, no reflection, initial value 0; the length is fed after the data,
 * least significant byte first, only as many bytes as it needs; the result
 * is complemented). Streaming: cksum_update over the data in any pieces,
 * then cksum_final with the total length. Pure; shared by the kernel
 * monitor and the user `cksum` program.
 */
#ifndef KERNEL_CKSUM_H
#define KERNEL_CKSUM_H

#include <stddef.h>
#include <stdint.h>

uint32_t cksum_update(uint32_t crc, const void *data, size_t len);
uint32_t cksum_final(uint32_t crc, uint64_t total_len);

#endif
