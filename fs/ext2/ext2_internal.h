/*
 * fs/ext2/ext2_internal.h — what the pieces of the ext2 driver share; not
 * an interface for anything outside fs/ext2/ (that is fs/ext2.h).
 *
 * The driver's pieces, lowest first (each calls only the pieces listed
 * before it, and the public calls of fs/ext2.h):
 *   alloc.c  group descriptors, block and inode bitmaps, free counts
 *   inode.c  inode slots, block mapping (direct/indirect), freeing blocks
 *   file.c   file data: read, write, truncate
 *   dir.c    directory entries: check, find, add, remove; lookup, readdir
 *   namei.c  namespace changes: create, mkdir, symlink, link, unlink,
 *            rmdir, rename
 *   super.c  mount (superblock and descriptor checks) and sync
 *
 * On-disk facts used here come from the ext2 documentation ("The Second
 * Extended File System", Dave Poirier; the kernel's ext2 doc). All numbers
 * on disk are little-endian and are read/written byte by byte (rd32/wr32),
 * so no struct layout is assumed.
 *
 * Crash ordering: changed blocks are tagged with the block cache's
 * write-back classes (fs/bcache.h): inode tables BCACHE_INODE, existing
 * directory blocks that gain, lose or change an entry BCACHE_DIRENT,
 * everything else (data, indirect blocks, bitmaps, descriptors, superblock,
 * a directory's fresh block) BCACHE_DATA; a sync writes them in that order
 * (docs/disk.md explains what a crash can leave).
 *
 * Corrupt metadata met during an operation (a block number outside the file
 * system, a malformed directory entry, a bitmap that disagrees with a free
 * count) is logged and returned as -EUCLEAN; nothing read from disk is
 * trusted enough to panic on.
 *
 * Every function here returns 0 or a negative errno unless it says
 * otherwise; a struct buf it hands out is held and the caller releases it.
 */
#ifndef FS_EXT2_EXT2_INTERNAL_H
#define FS_EXT2_EXT2_INTERNAL_H

#include "fs/ext2.h"
#include "kernel/abi/errno.h"
#include "kernel/arch/panic.h"
#include "kernel/lib/string.h"

#define EXT2_MAGIC 0xEF53
#define SUPERBLOCK_OFFSET 1024
#define GROUP_DESC_SIZE 32
#define N_DIRECT 12
#define IND_BLOCK 12
#define DIND_BLOCK 13
#define TIND_BLOCK 14
#define INODE_BASE_SIZE 128
#define INDEX_FL 0x00001000u        /* directory has an htree index */
#define XATTR_MAGIC 0xEA020000u
#define LINK_MAX_COUNT 65000
#define MAX_FILE_SIZE (1ull << 40)   /* also bounded by what the pointers reach */
#define FAST_SYMLINK_MAX 60

#define COMPAT_EXT_ATTR      0x0008u
#define INCOMPAT_FILETYPE    0x0002u
#define RO_COMPAT_SPARSE     0x0001u
#define RO_COMPAT_LARGE_FILE 0x0002u
#define KNOWN_INCOMPAT  (INCOMPAT_FILETYPE)
#define KNOWN_RO_COMPAT (RO_COMPAT_SPARSE | RO_COMPAT_LARGE_FILE)

/* Superblock field offsets. */
#define SB_INODES_COUNT      0
#define SB_BLOCKS_COUNT      4
#define SB_FREE_BLOCKS      12
#define SB_FREE_INODES      16
#define SB_FIRST_DATA_BLOCK 20
#define SB_LOG_BLOCK_SIZE   24
#define SB_LOG_FRAG_SIZE    28
#define SB_BLOCKS_PER_GROUP 32
#define SB_INODES_PER_GROUP 40
#define SB_WTIME            48
#define SB_MAGIC            56
#define SB_STATE            58
#define SB_REV_LEVEL        76
#define SB_FIRST_INO        84
#define SB_INODE_SIZE       88
#define SB_FEATURE_COMPAT   92
#define SB_FEATURE_INCOMPAT 96
#define SB_FEATURE_RO_COMPAT 100

/* Group descriptor field offsets. */
#define GD_BLOCK_BITMAP  0
#define GD_INODE_BITMAP  4
#define GD_INODE_TABLE   8
#define GD_FREE_BLOCKS  12
#define GD_FREE_INODES  14
#define GD_USED_DIRS    16

#define S_ISDIR(m) (((m) & EXT2_S_IFMT) == EXT2_S_IFDIR)
#define S_ISREG(m) (((m) & EXT2_S_IFMT) == EXT2_S_IFREG)
#define S_ISLNK(m) (((m) & EXT2_S_IFMT) == EXT2_S_IFLNK)

#define LOG(fs, ...)                                                        \
    do {                                                                    \
        if ((fs)->opts.log)                                                 \
            (fs)->opts.log(__VA_ARGS__);                                    \
    } while (0)

static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

/* The fields of an on-disk inode this driver uses; the rest stay as on disk. */
struct ext2_inode {
    uint16_t mode, links;
    uint32_t uid, gid;
    uint64_t size;
    uint32_t atime, ctime, mtime, dtime;
    uint32_t blocks;                /* 512-byte units */
    uint32_t flags;
    uint32_t block[15];
    uint32_t file_acl;
};

/* Seconds for a timestamp (0 without a clock). */
static inline uint32_t now(struct ext2_fs *fs)
{
    return fs->opts.now ? (uint32_t)fs->opts.now() : 0;
}

static inline bool block_in_fs(struct ext2_fs *fs, uint32_t blk)
{
    return blk >= fs->first_data_block && blk < fs->blocks_count && blk != 0;
}

/* ---- alloc.c: descriptors, bitmaps, free counts -------------------------- */

/* Logs that inode ino points at blk, outside the file system; -EUCLEAN. */
int ext2_bad_block_ptr(struct ext2_fs *fs, uint32_t ino, uint32_t blk);
uint32_t ext2_blocks_in_group(struct ext2_fs *fs, uint32_t g);
/* A copy of group g's descriptor (fields at the GD_* offsets). */
int ext2_gd_read(struct ext2_fs *fs, uint32_t g, uint8_t gd[GROUP_DESC_SIZE]);
/* A free block, as near after goal as possible; counts updated. */
int ext2_alloc_block(struct ext2_fs *fs, uint32_t goal, uint32_t *blk);
/* Gives blk (a block of inode ino, named in messages) back. */
int ext2_free_block(struct ext2_fs *fs, uint32_t ino, uint32_t blk);
/* A free inode for a new file or directory in parent (see alloc.c). */
int ext2_alloc_inode(struct ext2_fs *fs, uint32_t parent, bool is_dir, uint32_t *ino);
int ext2_free_inode(struct ext2_fs *fs, uint32_t ino, bool is_dir);
/* First block of the inode's group: where its data should start. */
uint32_t ext2_group_goal(struct ext2_fs *fs, uint32_t ino);

/* ---- inode.c: inode slots and block mapping ------------------------------ */

int ext2_inode_read(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in);
/* Writes the fields of struct ext2_inode; fresh = zero the whole slot first. */
int ext2_inode_write(struct ext2_fs *fs, uint32_t ino, const struct ext2_inode *in, bool fresh);
/* A symlink whose target lives in i_block itself (no data block). */
bool ext2_is_fast_symlink(struct ext2_fs *fs, const struct ext2_inode *in);
/* A zero-filled new block near *goal counted in in->blocks; *goal moves past it. */
int ext2_alloc_zeroed(struct ext2_fs *fs, struct ext2_inode *in, uint32_t *goal, uint32_t *blk);
/*
 * The device block holding file block fb. *phys = 0 for a hole unless alloc,
 * which fills holes (indirect blocks too) with zeroed blocks near *goal; the
 * caller writes the inode back afterwards.
 */
int ext2_bmap(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint64_t fb,
              bool alloc, uint32_t *goal, uint32_t *phys);
/* Where new blocks for file block fb should go: after block fb-1, else at
 * the start of the inode's group. */
int ext2_goal_for(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint64_t fb,
                  uint32_t *goal);
/* Frees every block mapping file block keep and beyond. */
int ext2_free_blocks_from(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in,
                          uint64_t keep);
/* Link count reached zero: give back blocks and the inode itself. */
int ext2_destroy_inode(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in);

/* ---- file.c: file data --------------------------------------------------- */

/*
 * Writes n bytes at off into the inode (in memory in *in, written back
 * here), allocating blocks as needed. Bytes written, or negative errno.
 */
int64_t ext2_write_data(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint64_t off,
                        const void *buf, uint64_t n);

/* ---- dir.c: directory entries -------------------------------------------- */

/* Where an entry was found: its block (held) and offsets. */
struct dirslot {
    struct buf *b;
    uint32_t off, prev_off;         /* prev_off = UINT32_MAX: first in block */
    uint32_t ino;
};

/* 0, or -ENOENT (empty), -ENAMETOOLONG, -EINVAL (a '/' or NUL in it). */
int ext2_check_name(const char *name, size_t len);
bool ext2_is_dot_or_dotdot(const char *name, size_t len);
/* The EXT2_FT_* of an i_mode. */
uint8_t ext2_file_type_of(uint16_t mode);
/* ext2_check_name, then ext2_dir_inode: how every call naming an entry
 * of dir begins. */
int ext2_named_dir(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len,
                   struct ext2_inode *in);
/* Reads directory dir into *in: -ENOTDIR if it is not one. */
int ext2_dir_inode(struct ext2_fs *fs, uint32_t dir, struct ext2_inode *in);
/* The entry called name in dir (read into *in); -ENOENT if there is none. */
int ext2_find_entry(struct ext2_fs *fs, uint32_t dir, struct ext2_inode *in, const char *name,
                    size_t len, struct dirslot *s);
/* ext2_find_entry for just the inode number the entry names. */
int ext2_find_ino(struct ext2_fs *fs, uint32_t dir, struct ext2_inode *in, const char *name,
                  size_t len, uint32_t *ino);
/* 0 when dir has no entry called name (one may be added); -EEXIST if it has. */
int ext2_check_absent(struct ext2_fs *fs, uint32_t dir, struct ext2_inode *in,
                      const char *name, size_t len);
/* A new directory's first block (blk, zeroed): "." is ino, ".." parent. */
int ext2_dir_init_block(struct ext2_fs *fs, uint32_t blk, uint32_t ino, uint32_t parent);
/* Adds name -> ino to directory dir (name known to be absent). */
int ext2_add_entry(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len,
                   uint32_t ino, uint8_t type);
/* Points the entry s found at ino of the given mode instead (releases s->b). */
void ext2_retarget_entry(struct ext2_fs *fs, struct dirslot *s, uint32_t ino, uint16_t mode);
/* Removes the entry s points at (releases s->b). */
int ext2_remove_entry(struct ext2_fs *fs, uint32_t dir, struct dirslot *s);
/* After an entry of directory dir (read into *in) changed: mtime, ctime,
 * no htree index any more; writes the inode. */
int ext2_dir_changed(struct ext2_fs *fs, uint32_t dir, struct ext2_inode *in);
/* 1 if directory dir holds only "." and "..", 0 if more, or negative errno. */
int ext2_dir_is_empty(struct ext2_fs *fs, uint32_t dir);
/* Points the ".." of directory ino at new_parent. */
int ext2_set_dotdot(struct ext2_fs *fs, uint32_t ino, uint32_t new_parent);

#endif
