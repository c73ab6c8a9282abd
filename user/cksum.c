/*
 * user/cksum.c — cksum [FILE...]: prints "CRC SIZE NAME" per FILE, or
 * "CRC SIZE" for stdin, with POSIX cksum's CRC (kernel/lib/cksum.c, linked in
 * by user/user.mk: one implementation for the kernel monitor and this).
 * The output equals the host's `cksum`. Unreadable files: "cksum: NAME:
 * reason", status 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kernel/lib/cksum.h"

static unsigned char buf[32768];

/* Checksums fd to EOF; -1 on a read error. */
static int sum_fd(int fd, uint32_t *crc_out, uint64_t *size_out)
{
    uint32_t crc = 0;
    uint64_t size = 0;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n == 0)
            break;
        if (n < 0)
            return -1;
        crc = cksum_update(crc, buf, (size_t)n);
        size += (uint64_t)n;
    }
    *crc_out = cksum_final(crc, size);
    *size_out = size;
    return 0;
}

int main(int argc, char **argv)
{
    uint32_t crc;
    uint64_t size;
    if (argc < 2) {
        if (sum_fd(0, &crc, &size) < 0) {
            fprintf(stderr, "cksum: stdin: %s\n", strerror(errno));
            return 1;
        }
        printf("%u %lu\n", (unsigned)crc, (unsigned long)size);
        return 0;
    }
    int status = 0;
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0 || sum_fd(fd, &crc, &size) < 0) {
            fprintf(stderr, "cksum: %s: %s\n", argv[i], strerror(errno));
            status = 1;
        } else {
            printf("%u %lu %s\n", (unsigned)crc, (unsigned long)size, argv[i]);
        }
        if (fd >= 0)
            close(fd);
    }
    return status;
}
