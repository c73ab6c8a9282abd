/*
 * fs/ext2.h — the ext2 file system (revision 0 and 1; 1, 2 and 4 KiB
 * blocks) at the inode-number level, over a block cache.
 *
 * Interface: ext2_mount() reads and validates the superblock and group
 * descriptors and sets up the block cache in the caller's memory; every
 * other call names inodes by number (the VFS above keeps its own inode
 * cache and open-file state) and returns 0 / a count, or a negative errno:
 *   ENOENT ENOTDIR EISDIR EEXIST ENOTEMPTY ENAMETOOLONG EINVAL  (the request)
 *   ENOSPC EFBIG EMLINK EROFS                                   (limits)
 *   EIO (the device failed)  EUCLEAN (corrupt metadata found, logged)
 * Changes live in the block cache until ext2_sync() (or eviction) writes
 * them. Names are (pointer, length) pairs, not NUL-terminated strings.
 *
 * Features: see fs/ext2/super.c. Invariants kept on disk after ext2_sync():
 * bitmaps, free counts (superblock and group descriptors), used-directory
 * counts, link counts and i_blocks agree, so `e2fsck -fn` is clean.
 * No locking: the caller serializes every call on one ext2_fs.
 */
#ifndef FS_EXT2_H
#define FS_EXT2_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "fs/bcache.h"
#include "drivers/blockdev.h"

#define EXT2_ROOT_INO 2
#define EXT2_NAME_MAX 255

/* File types and permission bits of i_mode (same values as POSIX). */
#define EXT2_S_IFMT   0170000
#define EXT2_S_IFSOCK 0140000
#define EXT2_S_IFLNK  0120000
#define EXT2_S_IFREG  0100000
#define EXT2_S_IFBLK  0060000
#define EXT2_S_IFDIR  0040000
#define EXT2_S_IFCHR  0020000
#define EXT2_S_IFIFO  0010000

/* Directory entry file types (readdir). */
enum {
    EXT2_FT_UNKNOWN, EXT2_FT_REG_FILE, EXT2_FT_DIR, EXT2_FT_CHRDEV,
    EXT2_FT_BLKDEV, EXT2_FT_FIFO, EXT2_FT_SOCK, EXT2_FT_SYMLINK,
};

struct ext2_mount_opts {
    bool read_only;
    /* Seconds since 1970 for timestamps; NULL means 0. */
    uint64_t (*now)(void);
    /* Messages (mount problems, corruption found); NULL discards them. The
     * format uses %s %u %x %llu %lu only. */
    void (*log)(const char *fmt, ...);
    /* Blocks the cache fetches ahead for a sequential reader (0: default 32). */
    uint32_t readahead;
};

struct ext2_fs {
    struct bcache cache;
    struct ext2_mount_opts opts;
    bool read_only;
    uint32_t block_size, log_block_size;
    uint32_t ptrs_per_block;        /* block numbers per indirect block */
    uint32_t inodes_count, blocks_count, first_data_block;
    uint32_t free_blocks, free_inodes;  /* kept here, written on sync */
    uint32_t blocks_per_group, inodes_per_group, ngroups;
    uint32_t inode_size, first_ino, inode_table_blocks;
    uint32_t rev_level;
    uint32_t feature_compat, feature_incompat, feature_ro_compat;
    uint32_t gdt_block;             /* first block of the descriptor table */
    uint32_t sb_block;              /* block holding the superblock ... */
    uint32_t sb_offset;             /* ... at this byte offset */
    bool dirty_super;
};

struct ext2_stat {
    uint32_t ino;
    uint16_t mode;                  /* type | permissions */
    uint16_t nlink;
    uint32_t uid, gid;
    uint64_t size;
    uint32_t atime, mtime, ctime;
    uint64_t blocks;                /* 512-byte units allocated */
    uint32_t blksize;
};

struct ext2_dirent {
    uint32_t ino;
    uint8_t type;                   /* EXT2_FT_* (UNKNOWN without filetype) */
    uint8_t name_len;
    char name[EXT2_NAME_MAX + 1];   /* NUL-terminated copy */
};

/* Memory for a cache of n blocks of the largest block size (4 KiB). */
size_t ext2_cache_storage_size(uint32_t nbufs);

int ext2_mount(struct ext2_fs *fs, struct blockdev *dev, void *cache_storage,
               size_t cache_size, const struct ext2_mount_opts *opts);
int ext2_sync(struct ext2_fs *fs);

int ext2_stat(struct ext2_fs *fs, uint32_t ino, struct ext2_stat *st);
int ext2_lookup(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len,
                uint32_t *ino);
/* Absolute path ("/a/b"; "." and ".." handled through the directories). */
int ext2_resolve(struct ext2_fs *fs, const char *path, uint32_t *ino);
/* Bytes read (short at end of file), or negative errno. Works on regular
 * files and symlinks (the target); atime is never updated. */
int64_t ext2_read(struct ext2_fs *fs, uint32_t ino, uint64_t off, void *buf, uint64_t n);
/* Bytes written (short only when space ran out), or negative errno. */
int64_t ext2_write(struct ext2_fs *fs, uint32_t ino, uint64_t off, const void *buf,
                   uint64_t n);
int ext2_truncate(struct ext2_fs *fs, uint32_t ino, uint64_t size);
/* mode: permission bits, optionally with a type (default regular file). */
int ext2_create(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len,
                uint16_t mode, uint32_t *ino);
int ext2_mkdir(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len,
               uint16_t mode, uint32_t *ino);
/* A symbolic link to target (read it back with ext2_read). */
int ext2_symlink(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len,
                 const char *target, size_t target_len, uint32_t *ino);
/* Another name for the non-directory ino (-EPERM for a directory). */
int ext2_link(struct ext2_fs *fs, uint32_t ino, uint32_t dir, const char *name, size_t len);
/* Removes a non-directory entry; the inode is freed when its last link goes
 * (a VFS that keeps unlinked-but-open files must defer the unlink). */
int ext2_unlink(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len);
int ext2_rmdir(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len);
int ext2_rename(struct ext2_fs *fs, uint32_t olddir, const char *oldname, size_t oldlen,
                uint32_t newdir, const char *newname, size_t newlen);
/* Next entry at or after *cookie (start with 0): 1 and *out filled, 0 at
 * the end, or negative errno. "." and ".." are returned like any entry.
 * *cookie is a byte offset; any value is fine: it is resynchronised to the
 * next record boundary of its block, so an unlinked entry (merged into the
 * record before it) is never returned. */
int ext2_readdir(struct ext2_fs *fs, uint32_t dir, uint64_t *cookie,
                 struct ext2_dirent *out);

#endif
