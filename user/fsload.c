/*
 * user/fsload.c — fsload DIR SEED [OPS [PAUSE_US [nosync]]]: a workload
 * for crash tests (tests/crash/crashtest.py, docs/disk.md). It creates
 * DIR, then runs OPS operations (default or 0: until killed) on the files
 * DIR/f0..f999, chosen by a xorshift32 generator seeded with SEED, pausing
 * PAUSE_US microseconds after each (default 10000: about 80 operations a
 * second, so many files rest long enough to be written back by age):
 *
 *   W k v   create or truncate fk and write content(v)
 *   F k v   the same, then fsync it
 *   A k v   append content(v) (at most 4 KiB of it) to an existing fk
 *   R k j   rename an existing fk over fj
 *   D k     unlink an existing fk
 *   S       sync()
 *
 * Mix per 256 operations: S 1, F 4, W 136, A 40, R 35, D 40 (W when the
 * file to change does not exist). "nosync" turns S and F into W, so only
 * the kernel's write-back makes anything durable.
 *
 * Each operation's line is written BEFORE the operation starts; "S" and
 * "F" are followed by "ok" once sync/fsync returned (by "nosync" on a
 * kernel without them: fsync(-1) failing with ENOSYS rather than EBADF, so
 * the same program measures the old kernel in tests/crash/). So a host that reads
 * the console knows every change that may have reached the disk, and which
 * ones were made durable. content(v): see content() below (the host test
 * generates the same bytes). "fsload: ready" follows the (synced) mkdir;
 * "fsload: done" ends a bounded run. Any failure prints "fsload: error"
 * and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NFILES 1000
#define MAX_CONTENT 12000
#define MAX_APPEND 2048

static uint32_t xorshift32(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

/* content(v): length xorshift32 % MAX_CONTENT, then the generator's words
 * little-endian, from the state v * 2654435761 + 1 (never 0). */
static size_t content(uint32_t v, uint8_t *buf)
{
    uint32_t s = v * 2654435761u + 1u;
    if (s == 0)
        s = 1;
    size_t len = xorshift32(&s) % MAX_CONTENT;
    for (size_t i = 0; i < len; i += 4) {
        uint32_t w = xorshift32(&s);
        for (size_t j = 0; j < 4 && i + j < len; j++)
            buf[i + j] = (uint8_t)(w >> (8 * j));
    }
    return len;
}

static const char *dir;
static bool exists[NFILES];
static uint8_t data[MAX_CONTENT];
static bool have_sync, no_sync;

static void fail(const char *what, int k)
{
    printf("fsload: error: %s f%d: %s\n", what, k, strerror(errno));
    exit(1);
}

static void name_of(int k, char *out, size_t size)
{
    snprintf(out, size, "%s/f%d", dir, k);
}

static void put(int k, uint32_t v, bool append, bool durable)
{
    char path[128];
    name_of(k, path, sizeof path);
    size_t len = content(v, data);
    if (append && len > MAX_APPEND)
        len = MAX_APPEND;
    int fd = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0644);
    if (fd < 0)
        fail("open", k);
    if (write(fd, data, len) != (ssize_t)len)
        fail("write", k);
    if (durable && have_sync && fsync(fd) < 0)
        fail("fsync", k);
    if (close(fd) < 0)
        fail("close", k);
    exists[k] = true;
}

static void one_op(uint32_t *rng, uint32_t v)
{
    int k = (int)(xorshift32(rng) % NFILES), j = (int)(xorshift32(rng) % NFILES);
    uint32_t r = xorshift32(rng) % 256;
    char from[128], to[128];
    if (no_sync && (r < 4 || r == 255))
        r = 4;
    if (r < 4) {
        printf("F %d %u\n", k, v);
        put(k, v, false, true);
        printf(have_sync ? "ok\n" : "nosync\n");
    } else if (r < 140 || (!exists[k] && r < 255)) {
        printf("W %d %u\n", k, v);
        put(k, v, false, false);
    } else if (r < 180) {
        printf("A %d %u\n", k, v);
        put(k, v, true, false);
    } else if (r < 215 && j != k) {
        printf("R %d %d\n", k, j);
        name_of(k, from, sizeof from);
        name_of(j, to, sizeof to);
        if (rename(from, to) < 0)
            fail("rename", k);
        exists[k] = false;
        exists[j] = true;
    } else if (r < 255) {
        printf("D %d\n", k);
        name_of(k, from, sizeof from);
        if (unlink(from) < 0)
            fail("unlink", k);
        exists[k] = false;
    } else {
        printf("S\n");
        sync();
        printf(have_sync ? "ok\n" : "nosync\n");
    }
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 6 || (argc == 6 && strcmp(argv[5], "nosync") != 0)) {
        fprintf(stderr, "usage: fsload DIR SEED [OPS [PAUSE_US [nosync]]]\n");
        return 2;
    }
    dir = argv[1];
    uint32_t rng = (uint32_t)strtoul(argv[2], NULL, 10) * 2246822519u + 1u;
    if (rng == 0)
        rng = 1;
    long ops = argc >= 4 ? strtol(argv[3], NULL, 10) : 0;
    long pause_us = argc >= 5 ? strtol(argv[4], NULL, 10) : 10000;
    no_sync = argc == 6;
    have_sync = fsync(-1) < 0 && errno != ENOSYS;
    setvbuf(stdout, NULL, _IONBF, 0); /* each line out before its operation */
    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        fail("mkdir", -1);
    sync();
    printf("fsload: ready\n");
    for (uint32_t v = 1; ops <= 0 || (long)v <= ops; v++) {
        one_op(&rng, v);
        if (pause_us > 0)
            usleep((useconds_t)pause_us);
    }
    printf("fsload: done\n");
    return 0;
}
