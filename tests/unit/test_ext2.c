/*
 * tests/unit/test_ext2.c — the ext2 driver (fs/ext2/) against images made
 * by mke2fs, checked by e2fsck and debugfs (e2fsprogs are the ground truth).
 *
 * The file system runs over a file-backed blockdev. A randomized workload
 * (create/write/append/truncate/rename/unlink/mkdir/rmdir) is mirrored in an
 * in-memory model and compared file by file and directory by directory; a
 * 72 MiB file exercises triple-indirect blocks with 1 KiB blocks; files cross
 * between debugfs and this driver both ways; corrupt superblocks, group
 * descriptors, directory entries and block pointers must be refused with an
 * error (the binary runs under ASan/UBSan, so any overrun fails the test).
 * Images live in a mkdtemp directory under /tmp, removed at the end.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "tests/unit/check.h"
#include "fs/ext2.h"
#include "kernel/abi/errno.h"

static char tmpdir[64];
static char last_log[4096];
static bool echo_log;

static void test_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t used = strlen(last_log);
    if (used > sizeof(last_log) - 512)
        used = 0;
    vsnprintf(last_log + used, sizeof(last_log) - used, fmt, ap);
    va_end(ap);
    if (echo_log)
        printf("     log: %s", last_log + used);
}

static uint64_t clock_now;
static uint64_t test_now(void) { return clock_now++; }

/* ---- helpers: shell, images, file-backed blockdev ------------------------ */

static int sh(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void img_path(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", tmpdir, name);
}

/* e2fsck -fn must be clean: exit status 0. Prints its report otherwise. */
static int fsck_clean(const char *img)
{
    int st = sh("e2fsck -fn %s >%s/fsck.log 2>&1", img, tmpdir);
    if (st != 0) {
        printf("     e2fsck -fn %s exited %d:\n", img, st);
        sh("sed 's/^/       /' %s/fsck.log | head -40", tmpdir);
    }
    return st;
}

struct filedev {
    struct blockdev dev;
    int fd;
    void *storage;
};

static int fd_read(struct blockdev *d, uint64_t sector, void *buf, uint32_t n)
{
    struct filedev *f = d->ctx;
    ssize_t got = pread(f->fd, buf, (size_t)n * 512, (off_t)(sector * 512));
    return got == (ssize_t)n * 512 ? 0 : -EIO;
}

/* While recording, writes go to this log instead of the image (the crash
 * test replays every prefix of it). */
struct logged_write {
    uint64_t sector;
    uint32_t n;
    uint8_t *data;
};
static struct logged_write write_log[4096];
static int write_log_len;
static bool recording;

static int fd_write(struct blockdev *d, uint64_t sector, const void *buf, uint32_t n)
{
    struct filedev *f = d->ctx;
    if (recording) {
        if (write_log_len == (int)(sizeof write_log / sizeof write_log[0]))
            return -EIO;
        struct logged_write *w = &write_log[write_log_len++];
        w->sector = sector;
        w->n = n;
        w->data = malloc((size_t)n * 512);
        memcpy(w->data, buf, (size_t)n * 512);
        return 0;
    }
    ssize_t put = pwrite(f->fd, buf, (size_t)n * 512, (off_t)(sector * 512));
    return put == (ssize_t)n * 512 ? 0 : -EIO;
}

static int fd_flush(struct blockdev *d)
{
    (void)d;
    return 0;
}

static struct filedev fdev;
static struct ext2_fs fs;

static int mount_img(const char *img, uint32_t nbufs, bool read_only)
{
    fdev.fd = open(img, O_RDWR);
    if (fdev.fd < 0)
        return -1000;
    struct stat st;
    fstat(fdev.fd, &st);
    fdev.dev = (struct blockdev){"file", (uint64_t)st.st_size / 512, fd_read, fd_write,
                                 fd_flush, &fdev};
    size_t size = ext2_cache_storage_size(nbufs);
    fdev.storage = malloc(size);
    last_log[0] = '\0';
    struct ext2_mount_opts opts = {read_only, test_now, test_log, 0};
    int err = ext2_mount(&fs, &fdev.dev, fdev.storage, size, &opts);
    if (err) {
        close(fdev.fd);
        free(fdev.storage);
        fdev.storage = NULL;
    }
    return err;
}

static int unmount_img(void)
{
    int err = ext2_sync(&fs);
    close(fdev.fd);
    free(fdev.storage);
    fdev.storage = NULL;
    return err;
}

static int mkimg(const char *img, uint32_t bs, uint32_t kib, const char *extra)
{
    unlink(img);
    return sh("mke2fs -q -F -t ext2 -b %u %s %s %uk >/dev/null 2>&1", bs, extra ? extra : "",
              img, kib);
}

/* Deterministic content: byte at position pos of stream seed. */
static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

static void fill(uint8_t *buf, uint64_t pos, size_t n, uint64_t seed)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t p = pos + i;
        buf[i] = (uint8_t)(mix((p >> 3) ^ (seed << 40)) >> (8 * (p & 7)));
    }
}

static uint32_t rnd(uint32_t n)
{
    return (uint32_t)check_rng_below(n);
}

/* ---- the randomized workload against a model ----------------------------- */

#define MAXNODES 160
struct mnode {
    bool used, is_dir, pinned;
    int parent;
    char name[80];
    uint32_t ino;
    uint8_t *data;
    size_t size;
};
static struct mnode nodes[MAXNODES];
static size_t total_bytes;

static void model_reset(void)
{
    for (int i = 0; i < MAXNODES; i++) {
        free(nodes[i].data);
        memset(&nodes[i], 0, sizeof(nodes[i]));
    }
    nodes[0] = (struct mnode){true, true, true, 0, "", EXT2_ROOT_INO, NULL, 0};
    /* mke2fs's lost+found: a parent for anything, never removed or moved
     * (e2fsck -n would report it missing). */
    nodes[1] = (struct mnode){true, true, true, 0, "lost+found", 11, NULL, 0};
    total_bytes = 0;
}

static int child_named(int dir, const char *name)
{
    for (int i = 1; i < MAXNODES; i++)
        if (nodes[i].used && nodes[i].parent == dir && strcmp(nodes[i].name, name) == 0)
            return i;
    return -1;
}

static int count_children(int dir, bool dirs_only)
{
    int n = 0;
    for (int i = 1; i < MAXNODES; i++)
        if (nodes[i].used && nodes[i].parent == dir && (!dirs_only || nodes[i].is_dir))
            n++;
    return n;
}

/* A random node: want_dir -1 any, 0 file, 1 directory; pinned ones (root,
 * lost+found) only as parents (as_parent). */
static int pick_node(int want_dir, bool as_parent)
{
    int cands[MAXNODES], n = 0;
    for (int i = 0; i < MAXNODES; i++)
        if (nodes[i].used && (as_parent || !nodes[i].pinned) &&
            (want_dir < 0 || nodes[i].is_dir == (want_dir == 1)))
            cands[n++] = i;
    return n ? cands[rnd((uint32_t)n)] : -1;
}

static int pick(int want_dir) { return pick_node(want_dir, want_dir == 1); }
static int pick_victim(int want_dir) { return pick_node(want_dir, false); }

static int free_slot(void)
{
    for (int i = 1; i < MAXNODES; i++)
        if (!nodes[i].used)
            return i;
    return -1;
}

static bool is_under(int node, int ancestor)
{
    for (int guard = 0; guard < MAXNODES; guard++) {
        if (node == ancestor)
            return true;
        if (node == 0)
            return false;
        node = nodes[node].parent;
    }
    return false;
}

static void random_name(char *out)
{
    static const char *stems[] = {"a", "file", "data.bin", "x", "notes",
                                  "a-rather-long-name-that-takes-room-in-the-block"};
    int len = snprintf(out, 80, "%s%u", stems[rnd(6)], rnd(12));
    if (rnd(8) == 0)
        for (int i = len; i < 70; i++)
            out[i] = (char)('a' + rnd(26)), out[i + 1] = '\0';
}

static void model_set_size(struct mnode *m, size_t size)
{
    m->data = realloc(m->data, size ? size : 1);
    if (size > m->size)
        memset(m->data + m->size, 0, size - m->size);
    total_bytes = total_bytes - m->size + size;
    m->size = size;
}

static int verify_all(const char *when)
{
    int bad = 0;
    static uint8_t buf[1 << 20];
    for (int i = 0; i < MAXNODES && bad < 5; i++) {
        struct mnode *m = &nodes[i];
        if (!m->used)
            continue;
        struct ext2_stat st;
        if (ext2_stat(&fs, m->ino, &st) != 0) {
            printf("     %s: stat of node %d failed\n", when, i);
            bad++;
            continue;
        }
        if (m->is_dir) {
            int expect_links = 2 + count_children(i, true);
            if (!(st.mode & EXT2_S_IFDIR) || st.nlink != expect_links) {
                printf("     %s: dir %s: mode %o nlink %u, expected %d\n", when, m->name,
                       st.mode, st.nlink, expect_links);
                bad++;
            }
            /* Listing = model children + "." + "..". */
            uint64_t cookie = 0;
            struct ext2_dirent d;
            int r, seen = 0;
            while ((r = ext2_readdir(&fs, m->ino, &cookie, &d)) == 1) {
                if (strcmp(d.name, ".") == 0) {
                    if (d.ino != m->ino) bad++;
                    continue;
                }
                if (strcmp(d.name, "..") == 0) {
                    if (d.ino != nodes[m->parent].ino) {
                        printf("     %s: dir %s: .. is %u, expected %u\n", when, m->name,
                               d.ino, nodes[m->parent].ino);
                        bad++;
                    }
                    continue;
                }
                int c = child_named(i, d.name);
                if (c < 0 || nodes[c].ino != d.ino ||
                    d.type != (nodes[c].is_dir ? EXT2_FT_DIR : EXT2_FT_REG_FILE)) {
                    printf("     %s: dir %s: unexpected entry %s (ino %u)\n", when, m->name,
                           d.name, d.ino);
                    bad++;
                }
                seen++;
            }
            if (r != 0 || seen != count_children(i, false)) {
                printf("     %s: dir %s: readdir %d, %d entries, expected %d\n", when,
                       m->name, r, seen, count_children(i, false));
                bad++;
            }
        } else {
            if (st.size != m->size || st.nlink != 1 || !(st.mode & EXT2_S_IFREG)) {
                printf("     %s: file %s: size %llu nlink %u, expected %zu\n", when, m->name,
                       (unsigned long long)st.size, st.nlink, m->size);
                bad++;
                continue;
            }
            int64_t got = ext2_read(&fs, m->ino, 0, buf, sizeof(buf));
            if (got != (int64_t)m->size || (m->size && memcmp(buf, m->data, m->size) != 0)) {
                printf("     %s: file %s: contents differ (read %lld of %zu)\n", when, m->name,
                       (long long)got, m->size);
                bad++;
            }
        }
    }
    return bad;
}

static int expect_rc(int got, int want, const char *what, int op)
{
    if (got != want) {
        printf("     op %d: %s returned %d, expected %d\n", op, what, got, want);
        return 1;
    }
    return 0;
}

static void random_workload(uint32_t bs, int nops, uint32_t seed)
{
    char img[128];
    img_path(img, sizeof(img), "work.img");
    CHECK_EQ(mkimg(img, bs, 24 * 1024, "-N 512"), 0);
    CHECK_EQ(mount_img(img, 64, false), 0);
    model_reset();
    check_rng_seed(seed);
    static uint8_t wbuf[320 * 1024];
    int fails = 0;
    for (int op = 0; op < nops && fails == 0; op++) {
        char name[80];
        int kind = (int)rnd(100);
        if (kind < 14) { /* create */
            int dir = pick(1), slot = free_slot();
            if (slot < 0)
                continue;
            random_name(name);
            uint32_t ino;
            int exists = child_named(dir, name) >= 0;
            int rc = ext2_create(&fs, nodes[dir].ino, name, strlen(name), 0644, &ino);
            fails += expect_rc(rc, exists ? -EEXIST : 0, "create", op);
            if (!exists && rc == 0) {
                nodes[slot] = (struct mnode){true, false, false, dir, "", ino, NULL, 0};
                strcpy(nodes[slot].name, name);
            }
        } else if (kind < 22) { /* mkdir */
            int dir = pick(1), slot = free_slot();
            if (slot < 0)
                continue;
            random_name(name);
            uint32_t ino;
            int exists = child_named(dir, name) >= 0;
            int rc = ext2_mkdir(&fs, nodes[dir].ino, name, strlen(name), 0755, &ino);
            fails += expect_rc(rc, exists ? -EEXIST : 0, "mkdir", op);
            if (!exists && rc == 0) {
                nodes[slot] = (struct mnode){true, true, false, dir, "", ino, NULL, 0};
                strcpy(nodes[slot].name, name);
            }
        } else if (kind < 50) { /* write / append */
            int f = pick(0);
            if (f < 0)
                continue;
            struct mnode *m = &nodes[f];
            size_t len = rnd(4) == 0 ? rnd(sizeof(wbuf)) : rnd(20000);
            size_t off = kind < 36 ? m->size : rnd((uint32_t)m->size + 30000);
            if (total_bytes + len + 30000 > 12u << 20 || off + len > (1u << 20))
                continue;
            fill(wbuf, off, len, (uint64_t)op);
            int64_t rc = ext2_write(&fs, m->ino, off, wbuf, len);
            fails += expect_rc((int)rc, (int)len, "write", op);
            if (len && off + len > m->size)  /* writing nothing extends nothing */
                model_set_size(m, off + len);
            if (len)
                memcpy(m->data + off, wbuf, len);
        } else if (kind < 60) { /* truncate */
            int f = pick(0);
            if (f < 0)
                continue;
            struct mnode *m = &nodes[f];
            size_t size = rnd(3) == 0 ? 0 : rnd((uint32_t)(m->size * 3 / 2 + 5000));
            if (size > (1u << 20) || total_bytes + size > 12u << 20)
                continue;
            fails += expect_rc(ext2_truncate(&fs, m->ino, size), 0, "truncate", op);
            model_set_size(m, size);
        } else if (kind < 75) { /* rename */
            int src = pick_victim(-1), dst = pick(1);
            if (src <= 0)
                continue;
            random_name(name);
            if (rnd(3) == 0) { /* aim at an existing name */
                int t = pick_victim(-1);
                if (t > 0) {
                    dst = nodes[t].parent;
                    strcpy(name, nodes[t].name);
                }
            }
            int target = child_named(dst, name), want = 0;
            bool moving_dir = nodes[src].is_dir && nodes[src].parent != dst;
            if (moving_dir && is_under(dst, src))
                want = -EINVAL;
            else if (target == src)
                want = 0;
            else if (target >= 0 && nodes[target].is_dir && !nodes[src].is_dir)
                want = -EISDIR;
            else if (target >= 0 && !nodes[target].is_dir && nodes[src].is_dir)
                want = -ENOTDIR;
            else if (target >= 0 && nodes[target].is_dir && count_children(target, false))
                want = -ENOTEMPTY;
            int rc = ext2_rename(&fs, nodes[nodes[src].parent].ino, nodes[src].name,
                                 strlen(nodes[src].name), nodes[dst].ino, name, strlen(name));
            fails += expect_rc(rc, want, "rename", op);
            if (rc == 0 && want == 0 && target != src) {
                if (target >= 0) {
                    total_bytes -= nodes[target].size;
                    free(nodes[target].data);
                    memset(&nodes[target], 0, sizeof(nodes[target]));
                }
                nodes[src].parent = dst;
                strcpy(nodes[src].name, name);
            }
        } else if (kind < 87) { /* unlink */
            int n = pick_victim(-1);
            if (n <= 0)
                continue;
            struct mnode *m = &nodes[n];
            int rc = ext2_unlink(&fs, nodes[m->parent].ino, m->name, strlen(m->name));
            fails += expect_rc(rc, m->is_dir ? -EISDIR : 0, "unlink", op);
            if (rc == 0) {
                total_bytes -= m->size;
                free(m->data);
                memset(m, 0, sizeof(*m));
            }
        } else if (kind < 95) { /* rmdir */
            int n = pick_victim(rnd(4) == 0 ? 0 : 1);
            if (n <= 0)
                continue;
            struct mnode *m = &nodes[n];
            int want = !m->is_dir ? -ENOTDIR : count_children(n, false) ? -ENOTEMPTY : 0;
            int rc = ext2_rmdir(&fs, nodes[m->parent].ino, m->name, strlen(m->name));
            fails += expect_rc(rc, want, "rmdir", op);
            if (rc == 0)
                memset(m, 0, sizeof(*m));
        } else { /* lookups that must fail */
            int dir = pick(1);
            uint32_t ino;
            fails += expect_rc(ext2_lookup(&fs, nodes[dir].ino, "no-such", 7, &ino), -ENOENT,
                               "lookup", op);
            char longname[300];
            memset(longname, 'n', sizeof(longname));
            fails += expect_rc(ext2_create(&fs, nodes[dir].ino, longname, 256, 0644, &ino),
                               -ENAMETOOLONG, "create long", op);
            int f = pick(0);
            if (f > 0)
                fails += expect_rc(ext2_lookup(&fs, nodes[f].ino, "x", 1, &ino), -ENOTDIR,
                                   "lookup in file", op);
        }
        if (op % 250 == 249 || getenv("EXT2_VERIFY_EACH"))
            { int v = verify_all("during"); if (v) printf("     after op %d (kind %d)\n", op, kind); fails += v; }
    }
    CHECK_EQ(fails, 0);
    CHECK_EQ(verify_all("end"), 0);
    CHECK_EQ(unmount_img(), 0);
    CHECK_EQ(fsck_clean(img), 0);
    /* Everything survives a remount. */
    CHECK_EQ(mount_img(img, 64, false), 0);
    CHECK_EQ(verify_all("remount"), 0);
    CHECK_EQ(unmount_img(), 0);
    int files = 0, dirs = 0;
    for (int i = 1; i < MAXNODES; i++)
        if (nodes[i].used)
            nodes[i].is_dir ? dirs++ : files++;
    printf("     %u-byte blocks: %d ops, ended with %d files, %d dirs, %zu bytes\n", bs,
           nops, files, dirs, total_bytes);
    model_reset();
}

TEST(random_ops_1k_blocks) { random_workload(1024, 5000, 12345); }
TEST(random_ops_4k_blocks) { random_workload(4096, 5000, 777); }
TEST(random_ops_2k_blocks) { random_workload(2048, 1500, 4242); }

/* Fill a small file system to ENOSPC (blocks, then inodes); everything stays
 * consistent and deleting it all gives every block and inode back. */
TEST(full_file_system)
{
    char img[128];
    img_path(img, sizeof(img), "full.img");
    CHECK_EQ(mkimg(img, 1024, 2048, "-N 64"), 0);
    CHECK_EQ(mount_img(img, 32, false), 0);
    uint32_t free_blocks = fs.free_blocks, free_inodes = fs.free_inodes;
    static uint8_t chunk[100000];
    fill(chunk, 0, sizeof(chunk), 1);
    uint32_t ino;
    int files = 0;
    int64_t rc = 0;
    char name[32];
    while (files < 100) {
        snprintf(name, sizeof(name), "f%d", files);
        if (ext2_create(&fs, EXT2_ROOT_INO, name, strlen(name), 0644, &ino) != 0)
            break;
        files++;
        rc = ext2_write(&fs, ino, 0, chunk, sizeof(chunk));
        if (rc != (int64_t)sizeof(chunk))
            break;
    }
    CHECK(rc >= 0 && rc < (int64_t)sizeof(chunk));      /* short write at the end */
    CHECK_EQ(ext2_write(&fs, ino, (uint64_t)rc, chunk, 1000), -ENOSPC);
    CHECK_EQ(fs.free_blocks, 0);
    int err = 0;
    while (files < 1000 && err == 0) {
        snprintf(name, sizeof(name), "f%d", files);
        err = ext2_create(&fs, EXT2_ROOT_INO, name, strlen(name), 0644, &ino);
        files += err == 0;
    }
    CHECK(err == -ENOSPC);
    CHECK_EQ(ext2_sync(&fs), 0);
    CHECK_EQ(fsck_clean(img), 0);
    for (int i = 0; i < files; i++) {
        snprintf(name, sizeof(name), "f%d", i);
        CHECK_EQ(ext2_unlink(&fs, EXT2_ROOT_INO, name, strlen(name)), 0);
    }
    CHECK_EQ(fs.free_inodes, free_inodes);
    /* The root directory grew while full of names; that block stays. */
    CHECK(fs.free_blocks + 8 >= free_blocks && fs.free_blocks <= free_blocks);
    CHECK_EQ(unmount_img(), 0);
    CHECK_EQ(fsck_clean(img), 0);
}

/* ---- big file: triple indirect with 1 KiB blocks ------------------------- */

TEST(file_over_70MB_triple_indirect)
{
    char img[128];
    img_path(img, sizeof(img), "big.img");
    CHECK_EQ(mkimg(img, 1024, 100 * 1024, NULL), 0);
    CHECK_EQ(mount_img(img, 512, false), 0);
    const uint64_t size = 72ull << 20;  /* > 64.3 MiB reached by double indirect */
    uint32_t ino;
    CHECK_EQ(ext2_create(&fs, EXT2_ROOT_INO, "big", 3, 0644, &ino), 0);
    size_t chunk = 1 << 20;
    uint8_t *buf = malloc(chunk + 4096), *want = malloc(chunk + 4096);
    uint64_t pos = 0;
    while (pos < size) {
        size_t n = chunk - 333 * (pos == 0);        /* unaligned after the first */
        if (n > size - pos)
            n = (size_t)(size - pos);
        fill(buf, pos, n, 99);
        CHECK_EQ(ext2_write(&fs, ino, pos, buf, n), (int64_t)n);
        pos += n;
    }
    CHECK_EQ(unmount_img(), 0);
    printf("     wrote 72 MiB: %llu blocks in %llu device writes\n",
           (unsigned long long)fs.cache.stats.blocks_written,
           (unsigned long long)fs.cache.stats.dev_writes);

    /* Cold cache: read it all back, count device reads, time it. */
    CHECK_EQ(mount_img(img, 512, false), 0);
    struct ext2_stat st;
    CHECK_EQ(ext2_stat(&fs, ino, &st), 0);
    CHECK_EQ(st.size, size);
    /* 72 Mi data blocks plus 1 + 1 + 1 + 256 + ... indirect blocks */
    CHECK(st.blocks > size / 512 && st.blocks < size / 512 + 2 * 1024);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int mismatches = 0;
    for (pos = 0; pos < size; pos += chunk) {
        CHECK_EQ(ext2_read(&fs, ino, pos, buf, chunk), (int64_t)chunk);
        fill(want, pos, chunk, 99);
        mismatches += memcmp(buf, want, chunk) != 0;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK_EQ(mismatches, 0);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    struct bcache_stats *s = &fs.cache.stats;
    printf("     read 72 MiB (1 KiB blocks, ASan build, incl. PRNG check) in %.2f s = %.0f MB/s;"
           " %llu device reads for %llu blocks, hits %.1f%%, read-ahead hits %llu/%llu\n",
           secs, (double)size / 1e6 / secs, (unsigned long long)s->dev_reads,
           (unsigned long long)s->blocks_read,
           100.0 * (double)s->hits / (double)(s->hits + s->misses),
           (unsigned long long)s->readahead_hits, (unsigned long long)s->readahead_blocks);
    CHECK(s->dev_reads < s->blocks_read / 16);
    CHECK_EQ(unmount_img(), 0);
    CHECK_EQ(fsck_clean(img), 0);

    /* debugfs reads the same bytes. */
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "debugfs -R 'cat /big' %s 2>/dev/null", img);
    FILE *p = popen(cmd, "r");
    uint64_t got = 0;
    mismatches = 0;
    size_t n;
    while ((n = fread(buf, 1, chunk, p)) > 0) {
        fill(want, got, n, 99);
        mismatches += memcmp(buf, want, n) != 0;
        got += n;
    }
    CHECK_EQ(pclose(p), 0);
    CHECK_EQ(got, size);
    CHECK_EQ(mismatches, 0);

    /* Shrink into the double-indirect range, then to a partial block, grow. */
    CHECK_EQ(mount_img(img, 512, false), 0);
    uint32_t free_before = fs.free_blocks;
    CHECK_EQ(ext2_truncate(&fs, ino, 40u << 20), 0);
    CHECK(fs.free_blocks > free_before + (32u << 10));
    CHECK_EQ(ext2_truncate(&fs, ino, 5000), 0);
    CHECK_EQ(ext2_truncate(&fs, ino, 9000), 0);
    CHECK_EQ(ext2_read(&fs, ino, 0, buf, 20000), 9000);
    fill(want, 0, 5000, 99);
    memset(want + 5000, 0, 4000);
    CHECK(memcmp(buf, want, 9000) == 0);
    CHECK_EQ(unmount_img(), 0);
    CHECK_EQ(fsck_clean(img), 0);
    free(buf);
    free(want);
    unlink(img);
}

/* ---- interchange with debugfs -------------------------------------------- */

static int write_host_file(const char *path, size_t size, uint64_t seed, size_t hole_at)
{
    uint8_t *b = malloc(size ? size : 1);
    fill(b, 0, size, seed);
    if (hole_at < size)
        memset(b + hole_at, 0, size - hole_at > 200000 ? 200000 : size - hole_at);
    FILE *f = fopen(path, "wb");
    size_t put = fwrite(b, 1, size, f);
    fclose(f);
    free(b);
    return put == size ? 0 : -1;
}

static int compare_with(uint32_t ino, size_t size, uint64_t seed, size_t hole_at)
{
    uint8_t *b = malloc(size + 10), *w = malloc(size + 1);
    fill(w, 0, size, seed);
    if (hole_at < size)
        memset(w + hole_at, 0, size - hole_at > 200000 ? 200000 : size - hole_at);
    int64_t got = ext2_read(&fs, ino, 0, b, size + 10);
    int bad = got != (int64_t)size || (size && memcmp(b, w, size) != 0);
    free(b);
    free(w);
    return bad;
}

TEST(debugfs_and_ext2_exchange_files)
{
    static const uint32_t block_sizes[] = {1024, 4096};
    for (int k = 0; k < 2; k++) {
        char img[128], host[128], out[128];
        img_path(img, sizeof(img), "xchg.img");
        img_path(host, sizeof(host), "host.bin");
        img_path(out, sizeof(out), "out.bin");
        CHECK_EQ(mkimg(img, block_sizes[k], 8192, NULL), 0);
        CHECK_EQ(write_host_file(host, 3000000, 5, (size_t)-1), 0);
        CHECK_EQ(sh("debugfs -w -R 'mkdir sub' %s >/dev/null 2>&1", img), 0);
        CHECK_EQ(sh("debugfs -w -R 'write %s sub/fromdebugfs' %s >/dev/null 2>&1", host, img),
                 0);
        CHECK_EQ(mount_img(img, 64, false), 0);
        uint32_t ino;
        CHECK_EQ(ext2_resolve(&fs, "/sub/fromdebugfs", &ino), 0);
        CHECK_EQ(compare_with(ino, 3000000, 5, (size_t)-1), 0);
        /* Ours, with a hole in the middle, for debugfs to read. */
        uint32_t mine;
        CHECK_EQ(ext2_create(&fs, EXT2_ROOT_INO, "fromext2", 8, 0600, &mine), 0);
        uint8_t *b = malloc(2000000);
        fill(b, 0, 2000000, 6);
        CHECK_EQ(ext2_write(&fs, mine, 0, b, 700000), 700000);
        CHECK_EQ(ext2_write(&fs, mine, 900000, b + 900000, 1100000), 1100000);
        CHECK_EQ(unmount_img(), 0);
        memset(b + 700000, 0, 200000);
        CHECK_EQ(sh("debugfs -R 'dump /fromext2 %s' %s >/dev/null 2>&1", out, img), 0);
        FILE *f = fopen(out, "rb");
        uint8_t *r = malloc(2000010);
        size_t n = f ? fread(r, 1, 2000010, f) : 0;
        if (f)
            fclose(f);
        CHECK_EQ(n, 2000000);
        CHECK(memcmp(r, b, 2000000) == 0);
        free(r);
        free(b);
        CHECK_EQ(fsck_clean(img), 0);
    }
}

/* Creates name in dir with len bytes of stream seed. */
static uint32_t put_file(uint32_t dir, const char *name, size_t len, uint64_t seed)
{
    uint32_t ino = 0;
    CHECK_EQ(ext2_create(&fs, dir, name, strlen(name), 0644, &ino), 0);
    uint8_t *b = malloc(len + 1);
    fill(b, 0, len, seed);
    CHECK_EQ(ext2_write(&fs, ino, 0, b, len), (int64_t)len);
    free(b);
    return ino;
}

/* The image after the first k logged writes, as crash.img. */
static void replay_prefix(const char *base, const char *crash, int k)
{
    CHECK_EQ(sh("cp %s %s", base, crash), 0);
    int fd = open(crash, O_RDWR);
    CHECK(fd >= 0);
    for (int i = 0; i < k; i++)
        CHECK_EQ(pwrite(fd, write_log[i].data, (size_t)write_log[i].n * 512,
                        (off_t)(write_log[i].sector * 512)),
                 (ssize_t)write_log[i].n * 512);
    close(fd);
}

/*
 * Crash ordering (docs/disk.md, "Durability"): a batch of changes (new
 * files and a directory, appends, an unlink of an old file) is synced with
 * every device write logged; then the machine is "stopped" after each
 * prefix of those writes. Every such image must be repaired by e2fsck -fy
 * to a clean one without touching the files the batch did not change, and
 * e2fsck must never find a directory entry naming an inode that was not
 * written yet (the entry goes out after the inode) — except the name the
 * batch unlinked — nor a directory inode whose block was not written yet
 * (a cache writing blocks in buffer order does that here).
 */
TEST(crash_at_every_write_of_a_sync_is_repairable)
{
    char base[128], crash[128], report[160];
    img_path(base, sizeof(base), "crash-base.img");
    img_path(crash, sizeof(crash), "crash.img");
    img_path(report, sizeof(report), "crash-fsck.log");
    CHECK_EQ(mkimg(base, 1024, 4096, NULL), 0);
    CHECK_EQ(mount_img(base, 256, false), 0);
    uint32_t d;
    CHECK_EQ(ext2_mkdir(&fs, EXT2_ROOT_INO, "d", 1, 0755, &d), 0);
    put_file(EXT2_ROOT_INO, "keep1", 5000, 11);
    put_file(d, "keep2", 70000, 12);    /* indirect block */
    put_file(EXT2_ROOT_INO, "gone", 3000, 13);
    uint32_t grow = put_file(d, "grow", 1500, 14);
    uint32_t pad = put_file(EXT2_ROOT_INO, "pad", 100, 15);
    CHECK_EQ(unmount_img(), 0);
    CHECK_EQ(fsck_clean(base), 0);

    CHECK_EQ(mount_img(base, 256, false), 0);
    /* pad's inode-table block, where the next new inodes go, is cached
     * before /d's directory block: a cache writing blocks in the order
     * they sit in its buffers would write /d's new entry first. */
    struct ext2_stat st;
    CHECK_EQ(ext2_stat(&fs, pad, &st), 0);
    put_file(d, "new2", 40000, 23);
    uint32_t nd;
    CHECK_EQ(ext2_mkdir(&fs, d, "nd", 2, 0755, &nd), 0);
    put_file(nd, "x", 20000, 21);
    put_file(EXT2_ROOT_INO, "new1", 900, 22);
    uint8_t more[3000];
    fill(more, 1500, sizeof more, 14);
    CHECK_EQ(ext2_write(&fs, grow, 1500, more, sizeof more), (int64_t)sizeof more);
    CHECK_EQ(ext2_unlink(&fs, EXT2_ROOT_INO, "gone", 4), 0);
    put_file(EXT2_ROOT_INO, "new3", 12000, 24);
    write_log_len = 0;
    recording = true;
    CHECK_EQ(ext2_sync(&fs), 0);
    recording = false;
    close(fdev.fd);
    free(fdev.storage);
    fdev.storage = NULL;
    CHECK(write_log_len > 3);

    int needed_repair = 0;
    for (int k = 0; k <= write_log_len; k++) {
        replay_prefix(base, crash, k);
        int st = sh("e2fsck -fn %s >%s 2>&1", crash, report);
        needed_repair += st != 0;
        if (k == write_log_len)
            CHECK_EQ(st, 0);
        /* Only "gone" may be named by an entry whose inode is unused. */
        CHECK_EQ(sh("grep 'deleted/unused inode' %s | grep -qv \"'gone'\"", report), 1);
        /* A new directory's block goes out before its inode. */
        CHECK_EQ(sh("grep -q 'directory corrupted' %s", report), 1);
        CHECK(sh("e2fsck -fy %s >/dev/null 2>&1", crash) < 4);
        CHECK_EQ(fsck_clean(crash), 0);
        CHECK_EQ(mount_img(crash, 64, true), 0);
        uint32_t ino;
        CHECK_EQ(ext2_resolve(&fs, "/keep1", &ino), 0);
        CHECK_EQ(compare_with(ino, 5000, 11, (size_t)-1), 0);
        CHECK_EQ(ext2_resolve(&fs, "/d/keep2", &ino), 0);
        CHECK_EQ(compare_with(ino, 70000, 12, (size_t)-1), 0);
        close(fdev.fd);
        free(fdev.storage);
        fdev.storage = NULL;
    }
    printf("     %d device writes; %d of %d crash points needed e2fsck's repair\n",
           write_log_len, needed_repair, write_log_len + 1);
    for (int i = 0; i < write_log_len; i++)
        free(write_log[i].data);
    write_log_len = 0;
}

/* A tree made by mke2fs -d (sparse file included), directories then indexed
 * by e2fsck -D: read, modify, and e2fsck stays clean. */
TEST(mke2fs_tree_and_htree_directories)
{
    char root[128], img[128];
    img_path(root, sizeof(root), "tree");
    img_path(img, sizeof(img), "tree.img");
    CHECK_EQ(sh("mkdir -p %s/big && cd %s && for i in $(seq 1 600); do echo \"entry $i\" > "
                "big/file-with-a-longish-name-$i; done", root, root), 0);
    char sparse[160];
    snprintf(sparse, sizeof(sparse), "%s/sparse", root);
    CHECK_EQ(write_host_file(sparse, 300000, 8, (size_t)-1), 0);
    CHECK_EQ(sh("truncate -s 5000000 %s && printf tail >> %s", sparse, sparse), 0);
    unlink(img);
    CHECK_EQ(sh("mke2fs -q -F -t ext2 -b 1024 -d %s %s 16m >/dev/null 2>&1", root, img), 0);
    CHECK_EQ(sh("e2fsck -fyD %s >/dev/null 2>&1; test $? -le 1", img), 0);
    CHECK_EQ(sh("debugfs -R 'stat /big' %s 2>/dev/null | grep -q 'Flags: 0x1000'", img), 0);
    CHECK_EQ(mount_img(img, 64, false), 0);
    uint32_t ino, big;
    CHECK_EQ(ext2_resolve(&fs, "/sparse", &ino), 0);
    uint8_t *b = malloc(5000004), *w = malloc(5000004);
    CHECK_EQ(ext2_read(&fs, ino, 0, b, 5000010), 5000004);
    fill(w, 0, 300000, 8);
    memset(w + 300000, 0, 5000000 - 300000);
    memcpy(w + 5000000, "tail", 4);
    CHECK(memcmp(b, w, 5000004) == 0);
    struct ext2_stat st;
    CHECK_EQ(ext2_stat(&fs, ino, &st), 0);
    CHECK(st.blocks < 1000);                    /* the hole takes no blocks */
    CHECK_EQ(ext2_resolve(&fs, "/big", &big), 0);
    int found = 0;
    for (int i = 1; i <= 600; i++) {
        char name[64];
        snprintf(name, sizeof(name), "file-with-a-longish-name-%d", i);
        found += ext2_lookup(&fs, big, name, strlen(name), &ino) == 0;
    }
    CHECK_EQ(found, 600);
    for (int i = 1; i <= 600; i += 3) {
        char name[64];
        snprintf(name, sizeof(name), "file-with-a-longish-name-%d", i);
        CHECK_EQ(ext2_unlink(&fs, big, name, strlen(name)), 0);
    }
    CHECK_EQ(ext2_create(&fs, big, "newcomer", 8, 0644, &ino), 0);
    CHECK_EQ(ext2_rename(&fs, big, "newcomer", 8, EXT2_ROOT_INO, "moved", 5), 0);
    CHECK_EQ(unmount_img(), 0);
    CHECK_EQ(fsck_clean(img), 0);
    free(b);
    free(w);
}

/* Hard links and symbolic links, both directions with debugfs. */
TEST(links_and_symlinks)
{
    char img[128];
    img_path(img, sizeof(img), "links.img");
    CHECK_EQ(mkimg(img, 1024, 4096, NULL), 0);
    CHECK_EQ(sh("debugfs -w -R 'symlink dlink /from/debugfs/target' %s >/dev/null 2>&1", img),
             0);
    CHECK_EQ(mount_img(img, 32, false), 0);
    uint32_t f, d, hard, sym, lsym, dl;
    char buf[2048];
    CHECK_EQ(ext2_resolve(&fs, "/dlink", &dl), 0);
    CHECK_EQ(ext2_read(&fs, dl, 0, buf, sizeof(buf)), 20);
    CHECK(memcmp(buf, "/from/debugfs/target", 20) == 0);

    CHECK_EQ(ext2_create(&fs, EXT2_ROOT_INO, "orig", 4, 0644, &f), 0);
    CHECK_EQ(ext2_write(&fs, f, 0, "linked data", 11), 11);
    CHECK_EQ(ext2_mkdir(&fs, EXT2_ROOT_INO, "d", 1, 0755, &d), 0);
    CHECK_EQ(ext2_link(&fs, f, d, "hard", 4), 0);
    CHECK_EQ(ext2_link(&fs, f, d, "hard", 4), -EEXIST);
    CHECK_EQ(ext2_link(&fs, d, EXT2_ROOT_INO, "dirlink", 7), -EPERM);
    struct ext2_stat st;
    CHECK_EQ(ext2_stat(&fs, f, &st), 0);
    CHECK_EQ(st.nlink, 2);
    CHECK_EQ(ext2_unlink(&fs, EXT2_ROOT_INO, "orig", 4), 0);
    CHECK_EQ(ext2_resolve(&fs, "/d/hard", &hard), 0);
    CHECK_EQ(hard, f);
    CHECK_EQ(ext2_read(&fs, hard, 0, buf, sizeof(buf)), 11);
    CHECK_EQ(ext2_stat(&fs, f, &st), 0);
    CHECK_EQ(st.nlink, 1);

    CHECK_EQ(ext2_symlink(&fs, EXT2_ROOT_INO, "short", 5, "d/hard", 6, &sym), 0);
    char longt[300];
    memset(longt, 'x', sizeof(longt));
    memcpy(longt, "/a/long/target/", 15);
    CHECK_EQ(ext2_symlink(&fs, d, "long", 4, longt, sizeof(longt), &lsym), 0);
    CHECK_EQ(ext2_symlink(&fs, d, "empty", 5, "", 0, &lsym), -ENOENT);
    CHECK_EQ(ext2_stat(&fs, sym, &st), 0);
    CHECK_EQ(st.mode, EXT2_S_IFLNK | 0777);
    CHECK_EQ(st.blocks, 0);
    CHECK_EQ(ext2_read(&fs, sym, 0, buf, sizeof(buf)), 6);
    CHECK(memcmp(buf, "d/hard", 6) == 0);
    CHECK_EQ(ext2_resolve(&fs, "/d/long", &lsym), 0);
    CHECK_EQ(ext2_read(&fs, lsym, 0, buf, sizeof(buf)), (int64_t)sizeof(longt));
    CHECK(memcmp(buf, longt, sizeof(longt)) == 0);
    CHECK_EQ(ext2_write(&fs, sym, 0, "x", 1), -EINVAL);
    uint64_t cookie = 0;
    struct ext2_dirent de;
    int types = 0;
    while (ext2_readdir(&fs, EXT2_ROOT_INO, &cookie, &de) == 1)
        types += strcmp(de.name, "short") == 0 && de.type == EXT2_FT_SYMLINK;
    CHECK_EQ(types, 1);
    CHECK_EQ(unmount_img(), 0);
    CHECK_EQ(fsck_clean(img), 0);
    CHECK_EQ(sh("debugfs -R 'stat /short' %s 2>/dev/null | grep -q 'Fast link dest: \"d/hard\"'",
                img), 0);
    CHECK_EQ(sh("debugfs -R 'cat /d/hard' %s 2>/dev/null | grep -q 'linked data'", img), 0);
    CHECK_EQ(sh("debugfs -R 'cat /d/long' %s 2>/dev/null | grep -q '^/a/long/target/xxx'", img),
             0);
    /* Removing the last names frees everything: e2fsck agrees. */
    CHECK_EQ(mount_img(img, 32, false), 0);
    CHECK_EQ(ext2_unlink(&fs, d, "hard", 4), 0);
    CHECK_EQ(ext2_unlink(&fs, d, "long", 4), 0);
    CHECK_EQ(ext2_unlink(&fs, EXT2_ROOT_INO, "short", 5), 0);
    CHECK_EQ(ext2_unlink(&fs, EXT2_ROOT_INO, "dlink", 5), 0);
    CHECK_EQ(unmount_img(), 0);
    CHECK_EQ(fsck_clean(img), 0);
}

/* The real disk image, when built: its clip read through the driver (read
 * only) matches the staged copy; prints the streaming numbers. */
TEST(built_disk_image_clip)
{
    const char *img = build_file("hdd.dsk"), *staged = build_file("disk-root/media/default.bav");
    FILE *f = fopen(staged, "rb");
    if (access(img, R_OK) != 0 || !f) {
        printf("     (skipped: no build/hdd.dsk with the default clip; make disk)\n");
        if (f)
            fclose(f);
        return;
    }
    fseek(f, 0, SEEK_END);
    size_t size = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *want = malloc(size + 1), *got = malloc(size + 1);
    CHECK_EQ(fread(want, 1, size, f), size);
    fclose(f);
    CHECK_EQ(mount_img(img, 512, true), 0);
    uint32_t ino;
    CHECK_EQ(ext2_resolve(&fs, "/media/default.bav", &ino), 0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t pos = 0;
    while (pos < size) {    /* as a player would: 64 KiB at a time */
        int64_t n = ext2_read(&fs, ino, pos, got + pos, 65536);
        if (n <= 0)
            break;
        pos += (size_t)n;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK_EQ(pos, size);
    CHECK(memcmp(got, want, size) == 0);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    struct bcache_stats *st = &fs.cache.stats;
    printf("     clip %zu bytes (4 KiB blocks): %.0f MB/s, %llu device reads, "
           "read-ahead hits %llu/%llu\n", size, (double)size / 1e6 / secs,
           (unsigned long long)st->dev_reads, (unsigned long long)st->readahead_hits,
           (unsigned long long)st->readahead_blocks);
    CHECK_EQ(unmount_img(), 0);
    free(want);
    free(got);
}

/* ---- corruption ---------------------------------------------------------- */

static uint8_t *pristine;
static size_t pristine_size;
static uint32_t file_inode_off, dir_block_off, root_block_off, file_ind_block;

static void put32(uint8_t *img, size_t off, uint32_t v)
{
    img[off] = (uint8_t)v; img[off + 1] = (uint8_t)(v >> 8);
    img[off + 2] = (uint8_t)(v >> 16); img[off + 3] = (uint8_t)(v >> 24);
}
static uint32_t get32(const uint8_t *img, size_t off)
{
    return img[off] | img[off + 1] << 8 | img[off + 2] << 16 | (uint32_t)img[off + 3] << 24;
}

static uint32_t debugfs_number(const char *img, const char *req, const char *pattern)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "debugfs -R '%s' %s 2>/dev/null | %s", req, img, pattern);
    FILE *p = popen(cmd, "r");
    unsigned v = 0;
    if (fscanf(p, "%u", &v) != 1)
        v = 0;
    pclose(p);
    return v;
}

/* A 1 KiB-block image with /f (indirect blocks) and /d (a few entries). */
static void make_pristine(void)
{
    char img[128], host[128];
    img_path(img, sizeof(img), "pristine.img");
    img_path(host, sizeof(host), "p.bin");
    mkimg(img, 1024, 4096, NULL);
    write_host_file(host, 100000, 3, (size_t)-1);
    sh("debugfs -w -f - %s >/dev/null 2>&1 <<EOF\nwrite %s f\nmkdir d\nwrite %s d/one\n"
       "write %s d/two\nEOF", img, host, host, host);
    uint32_t iblk = debugfs_number(img, "imap /f", "sed -n 's/.*located at block \\([0-9]*\\).*/\\1/p'");
    uint32_t ioff = debugfs_number(img, "imap /f", "sed -n 's/.*offset 0x\\([0-9a-f]*\\).*/\\1/p' | xargs -I{} printf '%d' 0x{}");
    file_inode_off = iblk * 1024 + ioff;
    dir_block_off = debugfs_number(img, "bmap /d 0", "cat") * 1024;
    root_block_off = debugfs_number(img, "bmap / 0", "cat") * 1024;
    FILE *f = fopen(img, "rb");
    fseek(f, 0, SEEK_END);
    pristine_size = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    pristine = malloc(pristine_size);
    if (fread(pristine, 1, pristine_size, f) != pristine_size)
        pristine_size = 0;
    fclose(f);
    file_ind_block = get32(pristine, file_inode_off + 40 + 12 * 4);
}

static uint8_t *corrupt_copy(void)
{
    uint8_t *c = malloc(pristine_size);
    memcpy(c, pristine, pristine_size);
    return c;
}

static int mount_bytes(uint8_t *bytes, bool read_only)
{
    char img[128];
    img_path(img, sizeof(img), "corrupt.img");
    FILE *f = fopen(img, "wb");
    fwrite(bytes, 1, pristine_size, f);
    fclose(f);
    free(bytes);
    return mount_img(img, 32, read_only);
}

#define SB 1024
#define GD 2048

TEST(corrupt_superblocks_refused)
{
    CHECK(pristine_size > 0 && file_inode_off > 0 && dir_block_off > 0 && file_ind_block > 0);
    struct { size_t off; uint32_t val; bool is16; const char *msg; int err; } cases[] = {
        {SB + 56, 0x1234, true, "bad magic", -EUCLEAN},
        {SB + 24, 7, false, "block size", -EUCLEAN},
        {SB + 24, 0xffffffff, false, "block size", -EUCLEAN},
        {SB + 32, 0, false, "blocks per group", -EUCLEAN},
        {SB + 32, 1 << 20, false, "blocks per group", -EUCLEAN},
        {SB + 40, 0, false, "inodes per group", -EUCLEAN},
        {SB + 0, 12345, false, "inode count", -EUCLEAN},
        {SB + 4, 1 << 30, false, "larger than the device", -EUCLEAN},
        {SB + 4, 1, false, "block count", -EUCLEAN},
        {SB + 20, 0, false, "first data block", -EUCLEAN},
        {SB + 76, 9, false, "revision", -EUCLEAN},
        {SB + 84, 0, false, "first inode", -EUCLEAN},
        {SB + 88, 100, true, "inode size", -EUCLEAN},
        {SB + 88, 8192, true, "inode size", -EUCLEAN},
        {SB + 96, 0x2 | 0x40, false, "extent", -EINVAL},
        {SB + 96, 0x2 | 0x200 | 0x80, false, "64bit", -EINVAL},
        {SB + 96, 0x2 | 0x80000000u, false, "unknown", -EINVAL},
        {GD + 0, 0xfffffff0u, false, "block bitmap", -EUCLEAN},
        {GD + 4, 0, false, "inode bitmap", -EUCLEAN},
        {GD + 8, 4090, false, "inode table", -EUCLEAN},
        {GD + 12, 60000, true, "free block count", -EUCLEAN},
        {GD + 14, 60000, true, "free inode count", -EUCLEAN},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t *c = corrupt_copy();
        if (cases[i].is16) {
            c[cases[i].off] = (uint8_t)cases[i].val;
            c[cases[i].off + 1] = (uint8_t)(cases[i].val >> 8);
        } else {
            put32(c, cases[i].off, cases[i].val);
        }
        int rc = mount_bytes(c, false);
        if (rc != cases[i].err || !strstr(last_log, cases[i].msg)) {
            printf("     case %zu: mount returned %d, log \"%s\"\n", i, rc, last_log);
            CHECK(0);
        }
        if (rc == 0)
            unmount_img();
    }
}

TEST(unknown_ro_compat_mounts_read_only)
{
    uint8_t *c = corrupt_copy();
    put32(c, SB + 100, get32(c, SB + 100) | 0x400); /* metadata_csum */
    CHECK_EQ(mount_bytes(c, false), 0);
    CHECK(strstr(last_log, "metadata_csum") != NULL);
    CHECK(fs.read_only);
    uint32_t ino, d;
    CHECK_EQ(ext2_resolve(&fs, "/d/two", &ino), 0);
    CHECK_EQ(compare_with(ino, 100000, 3, (size_t)-1), 0);
    CHECK_EQ(ext2_write(&fs, ino, 0, "x", 1), -EROFS);
    CHECK_EQ(ext2_resolve(&fs, "/d", &d), 0);
    CHECK_EQ(ext2_create(&fs, d, "n", 1, 0644, &ino), -EROFS);
    CHECK_EQ(ext2_unlink(&fs, d, "one", 3), -EROFS);
    CHECK_EQ(unmount_img(), 0);
}

TEST(corrupt_metadata_found_during_operations)
{
    uint32_t ino;
    uint8_t buf[64];
    /* Root directory's "." with a zero record length. */
    uint8_t *c = corrupt_copy();
    c[root_block_off + 4] = 0;
    c[root_block_off + 5] = 0;
    CHECK_EQ(mount_bytes(c, false), 0);
    CHECK_EQ(ext2_resolve(&fs, "/f", &ino), -EUCLEAN);
    CHECK(strstr(last_log, "bad record length") != NULL);
    unmount_img();

    /* An entry of /d whose name runs past its record; one past the block. */
    for (int k = 0; k < 2; k++) {
        c = corrupt_copy();
        if (k == 0)
            c[dir_block_off + 12 + 6] = 200; /* ".." name_len */
        else
            c[dir_block_off + 12 + 5] = 0x7f; /* ".." rec_len huge */
        CHECK_EQ(mount_bytes(c, false), 0);
        uint32_t d;
        CHECK_EQ(ext2_resolve(&fs, "/d", &d), 0);
        CHECK_EQ(ext2_lookup(&fs, d, "two", 3, &ino), -EUCLEAN);
        uint64_t cookie = 0;
        struct ext2_dirent de;
        int r;
        while ((r = ext2_readdir(&fs, d, &cookie, &de)) == 1)
            ;
        CHECK_EQ(r, -EUCLEAN);
        CHECK_EQ(ext2_create(&fs, d, "new", 3, 0644, &ino), -EUCLEAN);
        CHECK_EQ(ext2_rmdir(&fs, EXT2_ROOT_INO, "d", 1), -EUCLEAN);
        unmount_img();
    }

    /* Direct block pointer out of range; indirect entry out of range. */
    c = corrupt_copy();
    put32(c, file_inode_off + 40, 0xffffff00u);
    put32(c, (size_t)file_ind_block * 1024 + 8, 4096 + 5);
    CHECK_EQ(mount_bytes(c, false), 0);
    CHECK_EQ(ext2_resolve(&fs, "/f", &ino), 0);
    CHECK_EQ(ext2_read(&fs, ino, 0, buf, sizeof(buf)), -EUCLEAN);
    CHECK(strstr(last_log, "outside the file system") != NULL);
    CHECK_EQ(ext2_read(&fs, ino, 12 * 1024 + 5, buf, sizeof(buf)), (int64_t)sizeof(buf));
    CHECK_EQ(ext2_read(&fs, ino, 14 * 1024, buf, sizeof(buf)), -EUCLEAN);
    CHECK_EQ(ext2_write(&fs, ino, 100, buf, sizeof(buf)), -EUCLEAN);
    CHECK_EQ(ext2_truncate(&fs, ino, 0), -EUCLEAN);
    unmount_img();

    /* Directory entry naming an inode beyond the inode count. */
    c = corrupt_copy();
    put32(c, dir_block_off + 24, 0x7fffffff);       /* entry after ".." */
    CHECK_EQ(mount_bytes(c, false), 0);
    CHECK_EQ(ext2_resolve(&fs, "/d/one", &ino), -EUCLEAN);
    unmount_img();

    /* A free-count that the bitmap contradicts: allocation says so. */
    c = corrupt_copy();
    uint32_t bitmap = get32(c, GD + 0);
    memset(c + (size_t)bitmap * 1024, 0xff, 1024);
    CHECK_EQ(mount_bytes(c, false), 0);
    CHECK_EQ(ext2_create(&fs, EXT2_ROOT_INO, "g", 1, 0644, &ino), 0);
    CHECK_EQ(ext2_write(&fs, ino, 0, "hello", 5), -EUCLEAN);
    unmount_img();
}

/* Random bytes in the metadata area: mount either refuses or survives a
 * walk of the whole tree plus a few changes. ASan/UBSan judge. */
static int walk(uint32_t dir, int depth, uint8_t *buf, size_t bufsize)
{
    if (depth > 6)
        return 0;
    uint64_t cookie = 0;
    struct ext2_dirent de;
    int r, n = 0;
    while (n < 2000 && (r = ext2_readdir(&fs, dir, &cookie, &de)) == 1) {
        n++;
        if (strcmp(de.name, ".") == 0 || strcmp(de.name, "..") == 0)
            continue;
        struct ext2_stat st;
        if (ext2_stat(&fs, de.ino, &st) != 0)
            continue;
        if ((st.mode & EXT2_S_IFMT) == EXT2_S_IFDIR)
            walk(de.ino, depth + 1, buf, bufsize);
        else
            ext2_read(&fs, de.ino, 0, buf, bufsize);
    }
    return n;
}

TEST(fuzzed_metadata_never_crashes)
{
    uint8_t *buf = malloc(1 << 20);
    int mounted = 0;
    check_rng_seed(99);
    for (int iter = 0; iter < 300; iter++) {
        uint8_t *c = corrupt_copy();
        int flips = 1 + (int)rnd(20);
        for (int i = 0; i < flips; i++) {
            /* Superblock, descriptors, bitmaps, the inode table start, and
             * the directory blocks. */
            size_t off;
            switch (rnd(4)) {
            case 0: off = 1024 + rnd(2048); break;
            case 1: off = file_inode_off - 1024 + rnd(4096); break;
            case 2: off = dir_block_off + rnd(1024); break;
            default: off = 1024 + rnd(64 * 1024); break;
            }
            c[off] = (uint8_t)rnd(256);
        }
        echo_log = false;
        if (mount_bytes(c, false) != 0)
            continue;
        mounted++;
        walk(EXT2_ROOT_INO, 0, buf, 1 << 20);
        uint32_t ino, d;
        if (ext2_create(&fs, EXT2_ROOT_INO, "fz", 2, 0644, &ino) == 0) {
            ext2_write(&fs, ino, 0, buf, 50000);
            ext2_truncate(&fs, ino, 1000);
        }
        if (ext2_resolve(&fs, "/d", &d) == 0) {
            ext2_unlink(&fs, d, "one", 3);
            ext2_rename(&fs, d, "two", 3, EXT2_ROOT_INO, "two", 3);
            ext2_mkdir(&fs, EXT2_ROOT_INO, "nd", 2, 0755, &ino);
            ext2_rmdir(&fs, EXT2_ROOT_INO, "d", 1);
        }
        ext2_unlink(&fs, EXT2_ROOT_INO, "f", 1);
        unmount_img();
    }
    printf("     300 corrupted images, %d mounted and were walked and modified\n", mounted);
    free(buf);
}

int main(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_ext2.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    clock_now = 1700000000;
    make_pristine();
    RUN(corrupt_superblocks_refused);
    RUN(unknown_ro_compat_mounts_read_only);
    RUN(corrupt_metadata_found_during_operations);
    RUN(fuzzed_metadata_never_crashes);
    RUN(debugfs_and_ext2_exchange_files);
    RUN(mke2fs_tree_and_htree_directories);
    RUN(links_and_symlinks);
    RUN(crash_at_every_write_of_a_sync_is_repairable);
    RUN(built_disk_image_clip);
    RUN(random_ops_1k_blocks);
    RUN(random_ops_2k_blocks);
    RUN(random_ops_4k_blocks);
    RUN(full_file_system);
    RUN(file_over_70MB_triple_indirect);
    free(pristine);
    model_reset();
    if (!getenv("EXT2_KEEP_TMP"))
        sh("rm -rf %s", tmpdir);
    else
        printf("     images kept in %s\n", tmpdir);
    return check_summary();
}
