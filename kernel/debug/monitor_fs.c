/*
 * kernel/debug/monitor_fs.c — the built-in monitor's file commands, going through
 * the VFS exactly as system calls will: ls, cat, write, append, cksum,
 * mkdir, rm, rmdir, mv, stat, truncate, sync, readbench. Paths are relative
 * to "/". Errors print "CMD: PATH: reason" and give status 1.
 */
#include "kernel/debug/monitor_cmds.h"

#include "fs/vfs.h"
#include "kernel/lib/cksum.h"
#include "kernel/arch/console.h"
#include "kernel/abi/errno.h"
#include "kernel/mm/kalloc.h"
#include "kernel/lib/string.h"
#include "kernel/arch/timer.h"

static const char *error_name(int err)
{
    switch (-err) {
    case ENOENT: return "no such file or directory";
    case EEXIST: return "file exists";
    case ENOTDIR: return "not a directory";
    case EISDIR: return "is a directory";
    case ENOTEMPTY: return "directory not empty";
    case ENOSPC: return "no space left on device";
    case ENAMETOOLONG: return "name too long";
    case EBUSY: return "busy (file is open)";
    case EIO: return "input/output error";
    case EUCLEAN: return "file system needs cleaning (corrupt)";
    case EINVAL: return "invalid argument";
    case EROFS: return "read-only file system";
    case EFBIG: return "file too large";
    case ENFILE: return "too many open files";
    case EPERM: return "operation not permitted";
    default: return "error";
    }
}

static int fail(const char *cmd, const char *path, int err)
{
    kprintf("%s: %s: %s (%d)\n", cmd, path, error_name(err), err);
    return 1;
}

/* A copy of a path argument (the VFS starts relative ones at "/"), or
 * NULL after a message when it does not fit. */
static const char *path_arg(const char *cmd, const char *arg, char *buf, size_t size)
{
    if (strlcpy(buf, arg, size) >= size) {
        fail(cmd, arg, -ENAMETOOLONG);
        return NULL;
    }
    return buf;
}

#define NEED_ARGS(n, usage)                                   \
    do {                                                      \
        if (argc != (n)) {                                    \
            kprintf("usage: %s\n", usage);                   \
            return 2;                                         \
        }                                                     \
    } while (0)

static int cmd_ls(int argc, char **argv)
{
    if (argc > 2) {
        kprintf("usage: ls [PATH]\n");
        return 2;
    }
    char path[256];
    if (!path_arg("ls", argc == 2 ? argv[1] : "/", path, sizeof path))
        return 1;
    struct file *f;
    int err = vfs_open(NULL, path, O_RDONLY | O_DIRECTORY, 0, &f);
    if (err)
        return fail("ls", path, err);
    uint8_t *buf = kmalloc(4096);
    int64_t n;
    while (buf && (n = vfs_getdents(f, buf, 4096)) > 0) {
        for (int64_t off = 0; off < n;) {
            struct dirent *d = (struct dirent *)(buf + off);
            const char *name = (const char *)buf + off + DIRENT_NAME_OFFSET;
            char child[256 + 256];
            struct stat st;
            size_t plen = strlen(path);
            memcpy(child, path, plen);
            size_t at = plen;
            if (plen > 1)
                child[at++] = '/';
            size_t nlen = strlen(name);
            if (at + nlen < sizeof child) {
                memcpy(child + at, name, nlen + 1);
                if (vfs_stat(NULL, child, &st) == 0)
                    kprintf("%c %9ld %s\n", d->d_type == DT_DIR ? 'd' : d->d_type == DT_CHR ? 'c' : '-',
                            st.st_size, name);
                else
                    kprintf("? %9s %s\n", "", name);
            }
            off += d->d_reclen;
        }
    }
    kfree(buf);
    file_put(f);
    return 0;
}

/* Streams the file through fn(ctx, data, len); returns 0 or an error. */
static int read_all(const char *path, void (*fn)(void *ctx, const uint8_t *p, int64_t n),
                    void *ctx, uint64_t *total)
{
    struct file *f;
    int err = vfs_open(NULL, path, O_RDONLY, 0, &f);
    if (err)
        return err;
    const uint64_t chunk = 64 * 1024;
    uint8_t *buf = kmalloc(chunk);
    if (!buf) {
        file_put(f);
        return -ENOMEM;
    }
    int64_t n;
    *total = 0;
    while ((n = vfs_read(f, buf, chunk)) > 0) {
        fn(ctx, buf, n);
        *total += (uint64_t)n;
    }
    kfree(buf);
    file_put(f);
    return n < 0 ? (int)n : 0;
}

static void print_bytes(void *ctx, const uint8_t *p, int64_t n)
{
    (void)ctx;
    console_write((const char *)p, (size_t)n);
}

static int cmd_cat(int argc, char **argv)
{
    NEED_ARGS(2, "cat PATH");
    char path[256];
    uint64_t total;
    if (!path_arg("cat", argv[1], path, sizeof path))
        return 1;
    int err = read_all(path, print_bytes, NULL, &total);
    return err ? fail("cat", path, err) : 0;
}

static void crc_bytes(void *ctx, const uint8_t *p, int64_t n)
{
    *(uint32_t *)ctx = cksum_update(*(uint32_t *)ctx, p, (size_t)n);
}

static int cmd_cksum(int argc, char **argv)
{
    NEED_ARGS(2, "cksum PATH");
    char path[256];
    uint64_t total;
    uint32_t crc = 0;
    if (!path_arg("cksum", argv[1], path, sizeof path))
        return 1;
    int err = read_all(path, crc_bytes, &crc, &total);
    if (err)
        return fail("cksum", path, err);
    kprintf("%u %lu %s\n", cksum_final(crc, total), total, argv[1]);
    return 0;
}

static void count_bytes(void *ctx, const uint8_t *p, int64_t n)
{
    (void)ctx;
    (void)p;
    (void)n;
}

static int cmd_readbench(int argc, char **argv)
{
    NEED_ARGS(2, "readbench PATH");
    char path[256];
    if (!path_arg("readbench", argv[1], path, sizeof path))
        return 1;
    struct vfs_stats s0, s1;
    vfs_get_stats(&s0);
    uint64_t total, t0 = uptime_us();
    int err = read_all(path, count_bytes, NULL, &total);
    uint64_t us = uptime_us() - t0;
    vfs_get_stats(&s1);
    if (err)
        return fail("readbench", path, err);
    uint64_t lookups = (s1.cache_hits - s0.cache_hits) + (s1.cache_misses - s0.cache_misses);
    kprintf("readbench: %lu bytes in %lu us = %lu KB/s; cache %lu hits / %lu lookups, "
            "%lu device reads\n", total, us, us ? total * 1000 / us : 0,
            s1.cache_hits - s0.cache_hits, lookups, s1.device_reads - s0.device_reads);
    return 0;
}

/* write/append PATH WORDS...: the words joined by spaces, plus a newline. */
static int write_words(int argc, char **argv, int flags)
{
    if (argc < 2) {
        kprintf("usage: %s PATH [WORDS...]\n", argv[0]);
        return 2;
    }
    char path[256];
    if (!path_arg(argv[0], argv[1], path, sizeof path))
        return 1;
    struct file *f;
    int err = vfs_open(NULL, path, O_WRONLY | O_CREAT | flags, 0644, &f);
    if (err)
        return fail(argv[0], path, err);
    for (int i = 2; i < argc && !err; i++) {
        int64_t n = vfs_write(f, argv[i], strlen(argv[i]));
        if (n >= 0 && i + 1 < argc)
            n = vfs_write(f, " ", 1);
        if (n < 0)
            err = (int)n;
    }
    if (!err) {
        int64_t n = vfs_write(f, "\n", 1);
        if (n < 0)
            err = (int)n;
    }
    file_put(f);
    return err ? fail(argv[0], path, err) : 0;
}

static int cmd_write(int argc, char **argv)
{
    return write_words(argc, argv, O_TRUNC);
}

static int cmd_append(int argc, char **argv)
{
    return write_words(argc, argv, O_APPEND);
}

static int one_path_op(int argc, char **argv, int (*op)(const char *))
{
    NEED_ARGS(2, "CMD PATH");
    char path[256];
    if (!path_arg(argv[0], argv[1], path, sizeof path))
        return 1;
    int err = op(path);
    return err ? fail(argv[0], path, err) : 0;
}

static int mkdir_755(const char *p)
{
    return vfs_mkdir(NULL, p, 0755);
}

static int unlink_path(const char *p)
{
    return vfs_unlink(NULL, p);
}

static int rmdir_path(const char *p)
{
    return vfs_rmdir(NULL, p);
}

static int cmd_mkdir(int argc, char **argv)
{
    return one_path_op(argc, argv, mkdir_755);
}

static int cmd_rm(int argc, char **argv)
{
    return one_path_op(argc, argv, unlink_path);
}

static int cmd_rmdir(int argc, char **argv)
{
    return one_path_op(argc, argv, rmdir_path);
}

static int cmd_mv(int argc, char **argv)
{
    NEED_ARGS(3, "mv FROM TO");
    char from[256], to[256];
    if (!path_arg("mv", argv[1], from, sizeof from) || !path_arg("mv", argv[2], to, sizeof to))
        return 1;
    int err = vfs_rename(NULL, from, to);
    return err ? fail("mv", from, err) : 0;
}

static int cmd_stat(int argc, char **argv)
{
    NEED_ARGS(2, "stat PATH");
    char path[256];
    if (!path_arg("stat", argv[1], path, sizeof path))
        return 1;
    struct stat st;
    int err = vfs_stat(NULL, path, &st);
    if (err)
        return fail("stat", path, err);
    kprintf("%s: inode %lu mode %o links %u size %ld blocks %ld mtime %ld\n", argv[1],
            st.st_ino, st.st_mode, st.st_nlink, st.st_size, st.st_blocks, st.st_mtim.tv_sec);
    return 0;
}

static int cmd_truncate(int argc, char **argv)
{
    NEED_ARGS(3, "truncate PATH SIZE");
    char path[256];
    if (!path_arg("truncate", argv[1], path, sizeof path))
        return 1;
    uint64_t size = 0;
    for (const char *p = argv[2]; *p; p++) {
        if (*p < '0' || *p > '9') {
            kprintf("truncate: bad size '%s'\n", argv[2]);
            return 2;
        }
        size = size * 10 + (uint64_t)(*p - '0');
    }
    int err = vfs_truncate(NULL, path, size);
    return err ? fail("truncate", path, err) : 0;
}

static int cmd_sync(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int err = vfs_sync();
    return err ? fail("sync", "/", err) : 0;
}

const struct monitor_cmd monitor_fs_cmds[] = {
    { "ls", cmd_ls },         { "cat", cmd_cat },       { "cksum", cmd_cksum },
    { "write", cmd_write },   { "append", cmd_append }, { "mkdir", cmd_mkdir },
    { "rm", cmd_rm },         { "rmdir", cmd_rmdir },   { "mv", cmd_mv },
    { "stat", cmd_stat },     { "truncate", cmd_truncate }, { "sync", cmd_sync },
    { "readbench", cmd_readbench }, { NULL, NULL },
};
