/* tests/unit/test_cksum.c — kernel/lib/cksum.c against the host's cksum(1). */
#define _POSIX_C_SOURCE 200809L
#include "tests/unit/check.h"
#include "kernel/lib/cksum.h"

#include <stdlib.h>

static uint32_t host_cksum(const void *data, size_t len)
{
    char path[] = "/tmp/cksum-test-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "wb");
    fwrite(data, 1, len, f);
    fclose(f);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "cksum < %s", path);
    FILE *p = popen(cmd, "r");
    unsigned long crc = 0;
    if (fscanf(p, "%lu", &crc) != 1)
        crc = 0xdeadbeef;
    pclose(p);
    remove(path);
    return (uint32_t)crc;
}

TEST(known_values)
{
    /* "123456789" is the usual CRC check string; cksum(1) gives 930766865. */
    CHECK_EQ(cksum_final(cksum_update(0, "123456789", 9), 9), 930766865u);
    CHECK_EQ(cksum_final(0, 0), 4294967295u); /* empty input */
}

TEST(matches_host_cksum_in_pieces)
{
    static uint8_t buf[70000];
    srand(3);
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)rand();
    size_t sizes[] = { 1, 255, 256, 65536, 70000 };
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        size_t n = sizes[s];
        uint32_t crc = 0;
        for (size_t off = 0; off < n; off += 777)
            crc = cksum_update(crc, buf + off, n - off < 777 ? n - off : 777);
        CHECK_EQ(cksum_final(crc, n), host_cksum(buf, n));
    }
}

int main(void)
{
    RUN(known_values);
    RUN(matches_host_cksum_in_pieces);
    return check_summary();
}
