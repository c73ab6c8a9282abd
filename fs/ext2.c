/*
 * fs/ext2.c — ext2 (interface in fs/ext2.h).
 *
 * On-disk facts used here come from the ext2 documentation ("The Second
 * Extended File System", Dave Poirier; the kernel's ext2 doc). All numbers
 * on disk are little-endian and are read/written byte by byte (rd32/wr32), so
 * no struct layout is assumed.
 *
 * Features. Accepted: revision 0 and 1, 1/2/4 KiB blocks, INCOMPAT filetype;
 * RO_COMPAT sparse_super and large_file; any COMPAT feature (ext_attr:
 * xattr blocks are reference-counted and freed with their inode; the
 * resize_inode's reserved GDT blocks are never touched; dir_index: see
 * below). Any other INCOMPAT feature (extents, 64bit, flex_bg, meta_bg,
 * journal recovery, inline data, ...) refuses the mount, naming it. An
 * unknown RO_COMPAT feature (huge_file, metadata_csum, ...) mounts the file
 * system read-only with a message; every change then returns -EROFS.
 *
 * dir_index (htree) directories are read as linear directories, which is
 * valid because their leaf blocks hold ordinary entries and index blocks look
 * like empty entries. The first change to such a directory clears its
 * EXT2_INDEX_FL, turning it back into a plain linear directory (e2fsck -D
 * can index it again).
 *
 * Not done: access times (never updated: noatime), the root-reserved block
 * count (the kernel may use every free block), fragments, immutable/append
 * flags, device nodes' numbers (mknod), ACLs and xattr contents.
 * ext2_mount leaves s_state alone; ext2_sync writes the free counts.
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
 */
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

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

/* The fields of an on-disk inode this driver uses; the rest stay as on disk. */
struct inode {
    uint16_t mode, links;
    uint32_t uid, gid;
    uint64_t size;
    uint32_t atime, ctime, mtime, dtime;
    uint32_t blocks;                /* 512-byte units */
    uint32_t flags;
    uint32_t block[15];
    uint32_t file_acl;
};

static uint32_t now(struct ext2_fs *fs)
{
    return fs->opts.now ? (uint32_t)fs->opts.now() : 0;
}

static bool block_in_fs(struct ext2_fs *fs, uint32_t blk)
{
    return blk >= fs->first_data_block && blk < fs->blocks_count && blk != 0;
}

static int bad_block_ptr(struct ext2_fs *fs, uint32_t ino, uint32_t blk)
{
    LOG(fs, "ext2: inode %u: block number %u outside the file system\n", ino, blk);
    return -EUCLEAN;
}

static uint32_t blocks_in_group(struct ext2_fs *fs, uint32_t g)
{
    if (g + 1 < fs->ngroups)
        return fs->blocks_per_group;
    return fs->blocks_count - fs->first_data_block - g * fs->blocks_per_group;
}

/* ---- group descriptors --------------------------------------------------- */

/* The buffer holding group g's descriptor and a pointer to it inside. */
static int gd_get(struct ext2_fs *fs, uint32_t g, struct buf **b, uint8_t **gd)
{
    uint64_t byte = (uint64_t)g * GROUP_DESC_SIZE;
    int err = bcache_get(&fs->cache, fs->gdt_block + byte / fs->block_size, b);
    if (err)
        return err;
    *gd = (*b)->data + byte % fs->block_size;
    return 0;
}

/* Adds delta to a 16-bit descriptor field (free blocks/inodes, used dirs). */
static int gd_adjust(struct ext2_fs *fs, uint32_t g, uint32_t field, int delta)
{
    struct buf *b;
    uint8_t *gd;
    int err = gd_get(fs, g, &b, &gd);
    if (err)
        return err;
    wr16(gd + field, (uint16_t)(rd16(gd + field) + delta));
    bcache_mark_dirty(&fs->cache, b);
    bcache_release(&fs->cache, b);
    return 0;
}

/* ---- inodes -------------------------------------------------------------- */

static int inode_locate(struct ext2_fs *fs, uint32_t ino, struct buf **b, uint8_t **raw)
{
    if (ino < 1 || ino > fs->inodes_count) {
        LOG(fs, "ext2: inode number %u out of range\n", ino);
        return -EUCLEAN;
    }
    uint32_t g = (ino - 1) / fs->inodes_per_group;
    uint32_t index = (ino - 1) % fs->inodes_per_group;
    struct buf *gb;
    uint8_t *gd;
    int err = gd_get(fs, g, &gb, &gd);
    if (err)
        return err;
    uint32_t table = rd32(gd + GD_INODE_TABLE);
    bcache_release(&fs->cache, gb);
    uint64_t byte = (uint64_t)index * fs->inode_size;
    err = bcache_get(&fs->cache, table + byte / fs->block_size, b);
    if (err)
        return err;
    *raw = (*b)->data + byte % fs->block_size;
    return 0;
}

static int inode_read(struct ext2_fs *fs, uint32_t ino, struct inode *in)
{
    struct buf *b;
    uint8_t *p;
    int err = inode_locate(fs, ino, &b, &p);
    if (err)
        return err;
    in->mode = rd16(p + 0);
    in->uid = rd16(p + 2) | (uint32_t)rd16(p + 120) << 16;
    in->size = rd32(p + 4);
    if (S_ISREG(in->mode))
        in->size |= (uint64_t)rd32(p + 108) << 32;
    in->atime = rd32(p + 8);
    in->ctime = rd32(p + 12);
    in->mtime = rd32(p + 16);
    in->dtime = rd32(p + 20);
    in->gid = rd16(p + 24) | (uint32_t)rd16(p + 122) << 16;
    in->links = rd16(p + 26);
    in->blocks = rd32(p + 28);
    in->flags = rd32(p + 32);
    for (int i = 0; i < 15; i++)
        in->block[i] = rd32(p + 40 + 4 * i);
    in->file_acl = rd32(p + 104);
    bcache_release(&fs->cache, b);
    return 0;
}

/* Writes the fields of struct inode; fresh = zero the whole slot first. */
static int inode_write(struct ext2_fs *fs, uint32_t ino, const struct inode *in, bool fresh)
{
    struct buf *b;
    uint8_t *p;
    int err = inode_locate(fs, ino, &b, &p);
    if (err)
        return err;
    if (fresh) {
        memset(p, 0, fs->inode_size);
        /* Room for the extended fields (times' high bits, crtime) as
         * mke2fs lays out large inodes. */
        if (fs->inode_size >= INODE_BASE_SIZE + 32)
            wr16(p + INODE_BASE_SIZE, 32);
    }
    wr16(p + 0, in->mode);
    wr16(p + 2, (uint16_t)in->uid);
    wr16(p + 120, (uint16_t)(in->uid >> 16));
    wr32(p + 4, (uint32_t)in->size);
    if (S_ISREG(in->mode))
        wr32(p + 108, (uint32_t)(in->size >> 32));
    wr32(p + 8, in->atime);
    wr32(p + 12, in->ctime);
    wr32(p + 16, in->mtime);
    wr32(p + 20, in->dtime);
    wr16(p + 24, (uint16_t)in->gid);
    wr16(p + 122, (uint16_t)(in->gid >> 16));
    wr16(p + 26, in->links);
    wr32(p + 28, in->blocks);
    wr32(p + 32, in->flags);
    for (int i = 0; i < 15; i++)
        wr32(p + 40 + 4 * i, in->block[i]);
    wr32(p + 104, in->file_acl);
    bcache_mark_dirty_order(&fs->cache, b, BCACHE_INODE);
    bcache_release(&fs->cache, b);
    return 0;
}

static bool is_fast_symlink(struct ext2_fs *fs, const struct inode *in)
{
    uint32_t xattr_sectors = in->file_acl ? fs->block_size / 512 : 0;
    return S_ISLNK(in->mode) && in->size < FAST_SYMLINK_MAX && in->blocks == xattr_sectors;
}

/* ---- bitmaps and allocation ---------------------------------------------- */

/* Finds a clear bit in [start, nbits) then [0, start), sets it. */
static int bitmap_take(struct ext2_fs *fs, uint32_t bitmap_block, uint32_t nbits,
                       uint32_t start, uint32_t *bit)
{
    struct buf *b;
    int err = bcache_get(&fs->cache, bitmap_block, &b);
    if (err)
        return err;
    if (start >= nbits)
        start = 0;
    for (int pass = 0; pass < 2; pass++) {
        uint32_t from = pass ? 0 : start, to = pass ? start : nbits;
        for (uint32_t i = from; i < to; i++) {
            if ((i & 7) == 0 && i + 8 <= to && b->data[i / 8] == 0xff) {
                i += 7;
                continue;
            }
            if (!(b->data[i / 8] & (1u << (i & 7)))) {
                b->data[i / 8] |= (uint8_t)(1u << (i & 7));
                bcache_mark_dirty(&fs->cache, b);
                bcache_release(&fs->cache, b);
                *bit = i;
                return 0;
            }
        }
    }
    bcache_release(&fs->cache, b);
    return -ENOSPC;
}

/* Clears bit; -EUCLEAN if it was clear already (the bitmap is wrong). */
static int bitmap_clear(struct ext2_fs *fs, uint32_t bitmap_block, uint32_t bit)
{
    struct buf *b;
    int err = bcache_get(&fs->cache, bitmap_block, &b);
    if (err)
        return err;
    uint8_t mask = (uint8_t)(1u << (bit & 7));
    if (!(b->data[bit / 8] & mask)) {
        bcache_release(&fs->cache, b);
        return -EUCLEAN;
    }
    b->data[bit / 8] &= (uint8_t)~mask;
    bcache_mark_dirty(&fs->cache, b);
    bcache_release(&fs->cache, b);
    return 0;
}

/*
 * Blocks and inodes are handed out alike: a bitmap per group, a free count
 * in its descriptor, a total in the superblock (fs->free_blocks/inodes).
 * take_bit, count_bits and give_bit keep the three in step for either kind;
 * their callers choose where to look and what the bit stands for.
 */
enum bits { BLOCK_BITS, INODE_BITS };

/* Each kind's descriptor fields (bitmap block, free count); its name for messages. */
static const struct { uint32_t gd_bitmap, gd_free; const char *name; } bits_fields[] = {
    [BLOCK_BITS] = { GD_BLOCK_BITMAP, GD_FREE_BLOCKS, "blocks" },
    [INODE_BITS] = { GD_INODE_BITMAP, GD_FREE_INODES, "inodes" },
};

/*
 * Sets a clear bit in the first group from g0 on (wrapping) whose descriptor
 * counts a free one, searching g0's bitmap from start and later groups' from
 * 0. The counts are left to count_bits, so that a caller can still refuse
 * the bit first. -ENOSPC when every descriptor counts none.
 */
static int take_bit(struct ext2_fs *fs, enum bits kind, uint32_t g0, uint32_t start,
                    uint32_t *group, uint32_t *bit)
{
    for (uint32_t k = 0; k < fs->ngroups; k++) {
        uint32_t g = (g0 + k) % fs->ngroups;
        struct buf *gb;
        uint8_t *gd;
        int err = gd_get(fs, g, &gb, &gd);
        if (err)
            return err;
        uint32_t free = rd16(gd + bits_fields[kind].gd_free);
        uint32_t bitmap = rd32(gd + bits_fields[kind].gd_bitmap);
        bcache_release(&fs->cache, gb);
        if (free == 0)
            continue;
        uint32_t nbits = kind == BLOCK_BITS ? blocks_in_group(fs, g) : fs->inodes_per_group;
        err = bitmap_take(fs, bitmap, nbits, k == 0 ? start : 0, bit);
        if (err == -ENOSPC) {
            LOG(fs, "ext2: group %u: descriptor counts %u free %s, bitmap has none\n",
                g, free, bits_fields[kind].name);
            return -EUCLEAN;
        }
        if (err)
            return err;
        *group = g;
        return 0;
    }
    return -ENOSPC;
}

/*
 * Moves group g's free count by delta (-1 taken, +1 given back) and its
 * used-directory count by dirs (0 but for a directory's inode); the
 * superblock's total comes last, so it changes only if the descriptor did.
 */
static int count_bits(struct ext2_fs *fs, enum bits kind, uint32_t g, int delta, int dirs)
{
    int err = gd_adjust(fs, g, bits_fields[kind].gd_free, delta);
    if (err)
        return err;
    if (dirs && (err = gd_adjust(fs, g, GD_USED_DIRS, dirs)))
        return err;
    uint32_t *total = kind == BLOCK_BITS ? &fs->free_blocks : &fs->free_inodes;
    *total += (uint32_t)delta;  /* modulo 2^32: -1 subtracts */
    fs->dirty_super = true;
    return 0;
}

/*
 * Clears bit in group g's bitmap and counts it free (dirs: see count_bits).
 * -EUCLEAN, unlogged, if it was clear: the caller names what it freed.
 */
static int give_bit(struct ext2_fs *fs, enum bits kind, uint32_t g, uint32_t bit, int dirs)
{
    struct buf *gb;
    uint8_t *gd;
    int err = gd_get(fs, g, &gb, &gd);
    if (err)
        return err;
    uint32_t bitmap = rd32(gd + bits_fields[kind].gd_bitmap);
    bcache_release(&fs->cache, gb);
    if ((err = bitmap_clear(fs, bitmap, bit)))
        return err;
    return count_bits(fs, kind, g, 1, dirs);
}

/* A free block, as near after goal as possible; counts updated. */
static int alloc_block(struct ext2_fs *fs, uint32_t goal, uint32_t *blk)
{
    if (fs->read_only)
        return -EROFS;
    if (fs->free_blocks == 0)
        return -ENOSPC;
    if (goal < fs->first_data_block || goal >= fs->blocks_count)
        goal = fs->first_data_block;
    uint32_t g0 = (goal - fs->first_data_block) / fs->blocks_per_group;
    uint32_t start = (goal - fs->first_data_block) % fs->blocks_per_group;
    uint32_t g, bit;
    int err = take_bit(fs, BLOCK_BITS, g0, start, &g, &bit);
    if (!err)
        err = count_bits(fs, BLOCK_BITS, g, -1, 0);
    if (err)
        return err;
    *blk = fs->first_data_block + g * fs->blocks_per_group + bit;
    return 0;
}

static int free_block(struct ext2_fs *fs, uint32_t ino, uint32_t blk)
{
    if (!block_in_fs(fs, blk))
        return bad_block_ptr(fs, ino, blk);
    uint32_t g = (blk - fs->first_data_block) / fs->blocks_per_group;
    uint32_t bit = (blk - fs->first_data_block) % fs->blocks_per_group;
    int err = give_bit(fs, BLOCK_BITS, g, bit, 0);
    if (err == -EUCLEAN)
        LOG(fs, "ext2: inode %u: freeing block %u, which is already free\n", ino, blk);
    return err;
}

/*
 * A free inode: a file goes into its directory's group, a new directory
 * into the group with the most free blocks among those with at least an
 * average share of free inodes (spreading directories out), falling back to
 * any group with a free inode.
 */
static int alloc_inode(struct ext2_fs *fs, uint32_t parent, bool is_dir, uint32_t *ino)
{
    if (fs->read_only)
        return -EROFS;
    if (fs->free_inodes == 0)
        return -ENOSPC;
    uint32_t g0 = (parent - 1) / fs->inodes_per_group;
    if (is_dir) {
        uint32_t avg = fs->free_inodes / fs->ngroups, best_free = 0;
        for (uint32_t g = 0; g < fs->ngroups; g++) {
            struct buf *gb;
            uint8_t *gd;
            int err = gd_get(fs, g, &gb, &gd);
            if (err)
                return err;
            uint32_t fi = rd16(gd + GD_FREE_INODES), fb = rd16(gd + GD_FREE_BLOCKS);
            bcache_release(&fs->cache, gb);
            if (fi > 0 && fi >= avg && fb > best_free) {
                best_free = fb;
                g0 = g;
            }
        }
    }
    uint32_t g, bit;
    int err = take_bit(fs, INODE_BITS, g0, 0, &g, &bit);
    if (err)
        return err;
    uint32_t n = g * fs->inodes_per_group + bit + 1;
    /* Refused before it is counted; the bit stays set (the inode is in use). */
    if (n < fs->first_ino) {
        LOG(fs, "ext2: reserved inode %u marked free in the bitmap\n", n);
        return -EUCLEAN;
    }
    if ((err = count_bits(fs, INODE_BITS, g, -1, is_dir ? 1 : 0)))
        return err;
    *ino = n;
    return 0;
}

static int free_inode(struct ext2_fs *fs, uint32_t ino, bool is_dir)
{
    uint32_t g = (ino - 1) / fs->inodes_per_group;
    int err = give_bit(fs, INODE_BITS, g, (ino - 1) % fs->inodes_per_group, is_dir ? -1 : 0);
    if (err == -EUCLEAN)
        LOG(fs, "ext2: freeing inode %u, which is already free\n", ino);
    return err;
}

/* First block of the inode's group: where its data should start. */
static uint32_t group_goal(struct ext2_fs *fs, uint32_t ino)
{
    return fs->first_data_block + (ino - 1) / fs->inodes_per_group * fs->blocks_per_group;
}

/* ---- block mapping ------------------------------------------------------- */

/* A zero-filled new block (an indirect block or a new data block). */
static int alloc_zeroed(struct ext2_fs *fs, struct inode *in, uint32_t *goal, uint32_t *blk)
{
    int err = alloc_block(fs, *goal, blk);
    if (err)
        return err;
    struct buf *b;
    if ((err = bcache_get_zero(&fs->cache, *blk, &b))) {
        /* Block already counted as used; leave it (e2fsck: unused block). */
        return err;
    }
    bcache_mark_dirty(&fs->cache, b);
    bcache_release(&fs->cache, b);
    in->blocks += fs->block_size / 512;
    *goal = *blk + 1;
    return 0;
}

/*
 * The device block holding file block fb. *phys = 0 for a hole unless alloc,
 * which fills holes (indirect blocks too) with zeroed blocks near *goal; the
 * caller writes the inode back afterwards.
 */
static int bmap(struct ext2_fs *fs, uint32_t ino, struct inode *in, uint64_t fb,
                bool alloc, uint32_t *goal, uint32_t *phys)
{
    uint64_t p = fs->ptrs_per_block;
    uint32_t offsets[3];
    int depth, root;
    if (fb < N_DIRECT) {
        depth = 0;
        root = (int)fb;
    } else if ((fb -= N_DIRECT) < p) {
        depth = 1;
        root = IND_BLOCK;
        offsets[0] = (uint32_t)fb;
    } else if ((fb -= p) < p * p) {
        depth = 2;
        root = DIND_BLOCK;
        offsets[0] = (uint32_t)(fb / p);
        offsets[1] = (uint32_t)(fb % p);
    } else if ((fb -= p * p) < p * p * p) {
        depth = 3;
        root = TIND_BLOCK;
        offsets[0] = (uint32_t)(fb / (p * p));
        offsets[1] = (uint32_t)(fb / p % p);
        offsets[2] = (uint32_t)(fb % p);
    } else {
        return -EFBIG;
    }

    *phys = 0;
    uint32_t cur = in->block[root];
    int err;
    if (cur == 0) {
        if (!alloc)
            return 0;
        if ((err = alloc_zeroed(fs, in, goal, &cur)))
            return err;
        in->block[root] = cur;
    } else if (!block_in_fs(fs, cur)) {
        return bad_block_ptr(fs, ino, cur);
    }
    for (int level = 0; level < depth; level++) {
        struct buf *b;
        if ((err = bcache_get(&fs->cache, cur, &b)))
            return err;
        uint8_t *slot = b->data + 4 * offsets[level];
        uint32_t next = rd32(slot);
        if (next == 0) {
            if (!alloc) {
                bcache_release(&fs->cache, b);
                return 0;
            }
            if ((err = alloc_zeroed(fs, in, goal, &next))) {
                bcache_release(&fs->cache, b);
                return err;
            }
            wr32(slot, next);
            bcache_mark_dirty(&fs->cache, b);
        } else if (!block_in_fs(fs, next)) {
            bcache_release(&fs->cache, b);
            return bad_block_ptr(fs, ino, next);
        }
        bcache_release(&fs->cache, b);
        cur = next;
    }
    *phys = cur;
    return 0;
}

static uint64_t max_file_size(struct ext2_fs *fs)
{
    uint64_t p = fs->ptrs_per_block;
    uint64_t reach = (N_DIRECT + p + p * p + p * p * p) * fs->block_size;
    return reach < MAX_FILE_SIZE ? reach : MAX_FILE_SIZE;
}

/*
 * Frees the blocks of the subtree in *slot (level 0: a data block, 1..3:
 * indirect) that map file blocks >= keep; base is the first file block the
 * subtree maps. Clears *slot when the whole subtree went.
 */
static int trunc_tree(struct ext2_fs *fs, uint32_t ino, struct inode *in, uint32_t *slot,
                      int level, uint64_t base, uint64_t keep)
{
    if (*slot == 0)
        return 0;
    if (!block_in_fs(fs, *slot))
        return bad_block_ptr(fs, ino, *slot);
    uint64_t child_span = 1;
    for (int i = 1; i < level; i++)
        child_span *= fs->ptrs_per_block;
    uint64_t span = level ? child_span * fs->ptrs_per_block : 1;
    if (base + span <= keep)
        return 0;
    int err = 0;
    if (level > 0) {
        struct buf *b;
        if ((err = bcache_get(&fs->cache, *slot, &b)))
            return err;
        for (uint32_t i = 0; i < fs->ptrs_per_block; i++) {
            uint64_t child_base = base + i * child_span;
            if (child_base + child_span <= keep)
                continue;
            uint32_t child = rd32(b->data + 4 * i);
            if (!child)
                continue;
            err = trunc_tree(fs, ino, in, &child, level - 1, child_base, keep);
            wr32(b->data + 4 * i, child);
            bcache_mark_dirty(&fs->cache, b);
            if (err)
                break;
        }
        bcache_release(&fs->cache, b);
        if (err)
            return err;
    }
    if (base >= keep) {
        if ((err = free_block(fs, ino, *slot)))
            return err;
        *slot = 0;
        uint32_t sectors = fs->block_size / 512;
        in->blocks = in->blocks >= sectors ? in->blocks - sectors : 0;
    }
    return 0;
}

/* Frees every block mapping file block keep and beyond. */
static int free_blocks_from(struct ext2_fs *fs, uint32_t ino, struct inode *in, uint64_t keep)
{
    uint64_t p = fs->ptrs_per_block;
    int err = 0;
    for (int i = 0; i < N_DIRECT && !err; i++)
        err = trunc_tree(fs, ino, in, &in->block[i], 0, (uint64_t)i, keep);
    if (!err)
        err = trunc_tree(fs, ino, in, &in->block[IND_BLOCK], 1, N_DIRECT, keep);
    if (!err)
        err = trunc_tree(fs, ino, in, &in->block[DIND_BLOCK], 2, N_DIRECT + p, keep);
    if (!err)
        err = trunc_tree(fs, ino, in, &in->block[TIND_BLOCK], 3, N_DIRECT + p + p * p, keep);
    return err;
}

/* Drops the inode's extended-attribute block reference (freed at zero). */
static int release_xattr_block(struct ext2_fs *fs, uint32_t ino, struct inode *in)
{
    uint32_t blk = in->file_acl;
    if (!blk)
        return 0;
    if (!block_in_fs(fs, blk))
        return bad_block_ptr(fs, ino, blk);
    struct buf *b;
    int err = bcache_get(&fs->cache, blk, &b);
    if (err)
        return err;
    uint32_t magic = rd32(b->data), refs = rd32(b->data + 4);
    if (magic != XATTR_MAGIC) {
        bcache_release(&fs->cache, b);
        LOG(fs, "ext2: inode %u: xattr block %u has a bad magic number\n", ino, blk);
        return -EUCLEAN;
    }
    bool last = refs <= 1;
    if (!last) {
        wr32(b->data + 4, refs - 1);
        bcache_mark_dirty(&fs->cache, b);
    }
    bcache_release(&fs->cache, b);
    if (last && (err = free_block(fs, ino, blk)))
        return err;
    in->file_acl = 0;
    uint32_t sectors = fs->block_size / 512;
    in->blocks = in->blocks >= sectors ? in->blocks - sectors : 0;
    return 0;
}

/* Link count reached zero: give back blocks and the inode itself. */
static int destroy_inode(struct ext2_fs *fs, uint32_t ino, struct inode *in)
{
    bool is_dir = S_ISDIR(in->mode);
    int err = 0;
    if (!is_fast_symlink(fs, in))
        err = free_blocks_from(fs, ino, in, 0);
    if (!err)
        err = release_xattr_block(fs, ino, in);
    in->links = 0;
    in->dtime = now(fs) ? now(fs) : 1;  /* e2fsck wants a deleted inode's dtime set */
    int werr = inode_write(fs, ino, in, false);
    if (err || werr)
        return err ? err : werr;
    return free_inode(fs, ino, is_dir);
}

/* ---- file data ----------------------------------------------------------- */

int64_t ext2_read(struct ext2_fs *fs, uint32_t ino, uint64_t off, void *buf, uint64_t n)
{
    struct inode in;
    int err = inode_read(fs, ino, &in);
    if (err)
        return err;
    if (S_ISDIR(in.mode))
        return -EISDIR;
    if (off >= in.size)
        return 0;
    if (n > in.size - off)
        n = in.size - off;
    if (n > INT64_MAX)
        n = INT64_MAX;
    uint8_t *dst = buf;
    if (is_fast_symlink(fs, &in)) {
        uint8_t raw[FAST_SYMLINK_MAX];
        for (int i = 0; i < 15; i++)
            wr32(raw + 4 * i, in.block[i]);
        memcpy(dst, raw + off, n);
        return (int64_t)n;
    }
    uint64_t done = 0;
    while (done < n) {
        uint64_t pos = off + done;
        uint32_t in_block = (uint32_t)(pos % fs->block_size);
        uint64_t chunk = fs->block_size - in_block;
        if (chunk > n - done)
            chunk = n - done;
        uint32_t phys;
        if ((err = bmap(fs, ino, &in, pos / fs->block_size, false, NULL, &phys)))
            return err;
        if (phys == 0) {
            memset(dst + done, 0, chunk);
        } else {
            struct buf *b;
            if ((err = bcache_get(&fs->cache, phys, &b)))
                return err;
            memcpy(dst + done, b->data + in_block, chunk);
            bcache_release(&fs->cache, b);
        }
        done += chunk;
    }
    return (int64_t)done;
}

/* Where new blocks for file block fb should go: after block fb-1, else at
 * the start of the inode's group. */
static int goal_for(struct ext2_fs *fs, uint32_t ino, struct inode *in, uint64_t fb,
                    uint32_t *goal)
{
    *goal = group_goal(fs, ino);
    if (fb == 0)
        return 0;
    uint32_t prev;
    int err = bmap(fs, ino, in, fb - 1, false, NULL, &prev);
    if (!err && prev)
        *goal = prev + 1;
    return err;
}

static void note_large_file(struct ext2_fs *fs, uint64_t size)
{
    if (size > 0x7fffffffu && !(fs->feature_ro_compat & RO_COMPAT_LARGE_FILE)) {
        fs->feature_ro_compat |= RO_COMPAT_LARGE_FILE;
        fs->dirty_super = true;
    }
}

/*
 * Writes n bytes at off into the inode (in memory in *in, written back
 * here), allocating blocks as needed. Bytes written, or negative errno.
 */
static int64_t write_data(struct ext2_fs *fs, uint32_t ino, struct inode *in, uint64_t off,
                          const void *buf, uint64_t n)
{
    uint32_t goal;
    int err = goal_for(fs, ino, in, off / fs->block_size, &goal);
    if (err)
        return err;
    const uint8_t *src = buf;
    uint64_t done = 0;
    while (done < n) {
        uint64_t pos = off + done;
        uint32_t in_block = (uint32_t)(pos % fs->block_size);
        uint64_t chunk = fs->block_size - in_block;
        if (chunk > n - done)
            chunk = n - done;
        uint32_t before = in->blocks, phys;
        if ((err = bmap(fs, ino, in, pos / fs->block_size, true, &goal, &phys)))
            break;
        /* A block bmap just allocated is zeroed in the cache already. */
        bool fresh = in->blocks != before;
        struct buf *b;
        if (fresh || chunk == fs->block_size)
            err = bcache_get_zero(&fs->cache, phys, &b);
        else
            err = bcache_get(&fs->cache, phys, &b);
        if (err)
            break;
        memcpy(b->data + in_block, src + done, chunk);
        bcache_mark_dirty(&fs->cache, b);
        bcache_release(&fs->cache, b);
        done += chunk;
    }
    if (off + done > in->size) {
        in->size = off + done;
        note_large_file(fs, in->size);
    }
    if (done)
        in->mtime = in->ctime = now(fs);
    int werr = inode_write(fs, ino, in, false);
    if (done && (err == 0 || err == -ENOSPC))
        return werr ? werr : (int64_t)done;
    return err ? err : werr;
}

/* The inode of a regular file about to be written or truncated. */
static int regular_to_change(struct ext2_fs *fs, uint32_t ino, struct inode *in)
{
    if (fs->read_only)
        return -EROFS;
    int err = inode_read(fs, ino, in);
    if (err)
        return err;
    if (S_ISDIR(in->mode))
        return -EISDIR;
    return S_ISREG(in->mode) ? 0 : -EINVAL;
}

int64_t ext2_write(struct ext2_fs *fs, uint32_t ino, uint64_t off, const void *buf,
                   uint64_t n)
{
    struct inode in;
    int err = regular_to_change(fs, ino, &in);
    if (err)
        return err;
    if (n == 0)
        return 0;
    uint64_t limit = max_file_size(fs);
    if (off >= limit)
        return -EFBIG;
    if (n > limit - off)
        n = limit - off;
    if (n > INT64_MAX)
        n = INT64_MAX;
    return write_data(fs, ino, &in, off, buf, n);
}

int ext2_truncate(struct ext2_fs *fs, uint32_t ino, uint64_t size)
{
    struct inode in;
    int err = regular_to_change(fs, ino, &in);
    if (err)
        return err;
    if (size > max_file_size(fs))
        return -EFBIG;
    if (size < in.size) {
        uint64_t keep = (size + fs->block_size - 1) / fs->block_size;
        err = free_blocks_from(fs, ino, &in, keep);
        /* Zero the tail of the last block so growing later reads zeros. */
        uint32_t tail = (uint32_t)(size % fs->block_size);
        if (!err && tail) {
            uint32_t phys;
            err = bmap(fs, ino, &in, size / fs->block_size, false, NULL, &phys);
            if (!err && phys) {
                struct buf *b;
                if (!(err = bcache_get(&fs->cache, phys, &b))) {
                    memset(b->data + tail, 0, fs->block_size - tail);
                    bcache_mark_dirty(&fs->cache, b);
                    bcache_release(&fs->cache, b);
                }
            }
        }
    }
    if (!err) {
        in.size = size;
        note_large_file(fs, size);
    }
    in.mtime = in.ctime = now(fs);
    int werr = inode_write(fs, ino, &in, false);
    return err ? err : werr;
}

/* ---- directories --------------------------------------------------------- */

static uint32_t dirent_size(uint32_t name_len)
{
    return (8 + name_len + 3) & ~3u;
}

static uint8_t file_type_of(uint16_t mode)
{
    switch (mode & EXT2_S_IFMT) {
    case EXT2_S_IFREG: return EXT2_FT_REG_FILE;
    case EXT2_S_IFDIR: return EXT2_FT_DIR;
    case EXT2_S_IFCHR: return EXT2_FT_CHRDEV;
    case EXT2_S_IFBLK: return EXT2_FT_BLKDEV;
    case EXT2_S_IFIFO: return EXT2_FT_FIFO;
    case EXT2_S_IFSOCK: return EXT2_FT_SOCK;
    case EXT2_S_IFLNK: return EXT2_FT_SYMLINK;
    }
    return EXT2_FT_UNKNOWN;
}

/* Checks the entry at off of a directory block; fills rec_len and name_len. */
static int dirent_check(struct ext2_fs *fs, uint32_t dir, const uint8_t *block, uint32_t off,
                        uint32_t *rec_len, uint32_t *name_len)
{
    const char *what = NULL;
    uint32_t rec = 0, nl = 0;
    if (off + 8 > fs->block_size) {
        what = "entry header crosses the block end";
    } else {
        rec = rd16(block + off + 4);
        nl = block[off + 6];
        uint32_t ino = rd32(block + off);
        if (rec < 8 || rec % 4)
            what = "bad record length";
        else if (off + rec > fs->block_size)
            what = "record crosses the block end";
        else if (8 + nl > rec)
            what = "name longer than its record";
        else if (ino > fs->inodes_count)
            what = "inode number out of range";
        else if (ino && nl == 0)
            what = "empty name";
    }
    if (what) {
        LOG(fs, "ext2: directory %u: %s (offset %u)\n", dir, what, off);
        return -EUCLEAN;
    }
    *rec_len = rec;
    *name_len = nl;
    return 0;
}

static int dir_inode(struct ext2_fs *fs, uint32_t dir, struct inode *in)
{
    int err = inode_read(fs, dir, in);
    if (err)
        return err;
    if (!S_ISDIR(in->mode))
        return -ENOTDIR;
    if (in->size % fs->block_size) {
        LOG(fs, "ext2: directory %u: size %llu not a multiple of the block size\n", dir,
            (unsigned long long)in->size);
        return -EUCLEAN;
    }
    return 0;
}

static int dir_block(struct ext2_fs *fs, uint32_t dir, struct inode *in, uint64_t fb,
                     struct buf **b)
{
    uint32_t phys;
    int err = bmap(fs, dir, in, fb, false, NULL, &phys);
    if (err)
        return err;
    if (!phys) {
        LOG(fs, "ext2: directory %u: hole at block %llu\n", dir, (unsigned long long)fb);
        return -EUCLEAN;
    }
    return bcache_get(&fs->cache, phys, b);
}

/* Where an entry was found: its block (held) and offsets. */
struct dirslot {
    struct buf *b;
    uint32_t off, prev_off;         /* prev_off = UINT32_MAX: first in block */
    uint32_t ino;
};

static int find_entry(struct ext2_fs *fs, uint32_t dir, struct inode *in, const char *name,
                      size_t len, struct dirslot *s)
{
    uint64_t nblocks = in->size / fs->block_size;
    for (uint64_t fb = 0; fb < nblocks; fb++) {
        struct buf *b;
        int err = dir_block(fs, dir, in, fb, &b);
        if (err)
            return err;
        uint32_t prev = UINT32_MAX;
        for (uint32_t off = 0; off < fs->block_size;) {
            uint32_t rec, nl;
            if ((err = dirent_check(fs, dir, b->data, off, &rec, &nl))) {
                bcache_release(&fs->cache, b);
                return err;
            }
            uint32_t ino = rd32(b->data + off);
            if (ino && nl == len && memcmp(b->data + off + 8, name, len) == 0) {
                s->b = b;
                s->off = off;
                s->prev_off = prev;
                s->ino = ino;
                return 0;
            }
            prev = off;
            off += rec;
        }
        bcache_release(&fs->cache, b);
    }
    return -ENOENT;
}

/* 0 when dir has no entry called name (one may be added); -EEXIST if it has. */
static int check_absent(struct ext2_fs *fs, uint32_t dir, struct inode *in, const char *name,
                        size_t len)
{
    struct dirslot s;
    int err = find_entry(fs, dir, in, name, len, &s);
    if (err == 0) {
        bcache_release(&fs->cache, s.b);
        return -EEXIST;
    }
    return err == -ENOENT ? 0 : err;
}

static int check_name(const char *name, size_t len)
{
    if (len == 0)
        return -ENOENT;
    if (len > EXT2_NAME_MAX)
        return -ENAMETOOLONG;
    for (size_t i = 0; i < len; i++)
        if (name[i] == '/' || name[i] == '\0')
            return -EINVAL;
    return 0;
}

static bool is_dot_or_dotdot(const char *name, size_t len)
{
    return (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
}

int ext2_lookup(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len, uint32_t *ino)
{
    int err = check_name(name, len);
    if (err)
        return err;
    struct inode in;
    if ((err = dir_inode(fs, dir, &in)))
        return err;
    struct dirslot s;
    if ((err = find_entry(fs, dir, &in, name, len, &s)))
        return err;
    bcache_release(&fs->cache, s.b);
    *ino = s.ino;
    return 0;
}

int ext2_resolve(struct ext2_fs *fs, const char *path, uint32_t *ino)
{
    if (path[0] != '/')
        return -EINVAL;
    uint32_t cur = EXT2_ROOT_INO;
    const char *p = path;
    for (;;) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *end = p;
        while (*end && *end != '/')
            end++;
        int err = ext2_lookup(fs, cur, p, (size_t)(end - p), &cur);
        if (err)
            return err;
        p = end;
    }
    *ino = cur;
    return 0;
}

int ext2_readdir(struct ext2_fs *fs, uint32_t dir, uint64_t *cookie, struct ext2_dirent *out)
{
    struct inode in;
    int err = dir_inode(fs, dir, &in);
    if (err)
        return err;
    bool has_type = fs->feature_incompat & INCOMPAT_FILETYPE;
    while (*cookie < in.size) {
        uint64_t fb = *cookie / fs->block_size;
        uint32_t want = (uint32_t)(*cookie % fs->block_size), off = 0;
        struct buf *b;
        if ((err = dir_block(fs, dir, &in, fb, &b)))
            return err;
        /* The cookie may point into a record an unlink merged into the one
         * before it, or anywhere lseek put it: walk the block's chain from
         * its start to the first record at or after it. */
        while (off < want) {
            uint32_t rec, nl;
            if ((err = dirent_check(fs, dir, b->data, off, &rec, &nl))) {
                bcache_release(&fs->cache, b);
                return err;
            }
            off += rec;
        }
        while (off < fs->block_size) {
            uint32_t rec, nl;
            if ((err = dirent_check(fs, dir, b->data, off, &rec, &nl))) {
                bcache_release(&fs->cache, b);
                return err;
            }
            uint32_t ino = rd32(b->data + off);
            off += rec;
            if (ino) {
                out->ino = ino;
                out->type = has_type ? b->data[off - rec + 7] : EXT2_FT_UNKNOWN;
                out->name_len = (uint8_t)nl;
                memcpy(out->name, b->data + off - rec + 8, nl);
                out->name[nl] = '\0';
                bcache_release(&fs->cache, b);
                *cookie = fb * fs->block_size + off;
                return 1;
            }
        }
        bcache_release(&fs->cache, b);
        *cookie = (fb + 1) * fs->block_size;
    }
    return 0;
}

static void dirent_fill(struct ext2_fs *fs, uint8_t *p, uint32_t ino, uint32_t rec,
                        const char *name, size_t len, uint8_t type)
{
    wr32(p, ino);
    wr16(p + 4, (uint16_t)rec);
    p[6] = (uint8_t)len;
    p[7] = (fs->feature_incompat & INCOMPAT_FILETYPE) ? type : 0;
    memcpy(p + 8, name, len);
}

/* A change to an htree directory turns it into a linear one (see top). */
static void drop_index(struct inode *in)
{
    in->flags &= ~INDEX_FL;
}

/* Adds name -> ino to directory dir (name known to be absent). */
static int add_entry(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len,
                     uint32_t ino, uint8_t type)
{
    struct inode in;
    int err = dir_inode(fs, dir, &in);
    if (err)
        return err;
    uint32_t need = dirent_size((uint32_t)len);
    uint64_t nblocks = in.size / fs->block_size;
    for (uint64_t fb = 0; fb < nblocks; fb++) {
        struct buf *b;
        if ((err = dir_block(fs, dir, &in, fb, &b)))
            return err;
        for (uint32_t off = 0; off < fs->block_size;) {
            uint32_t rec, nl;
            if ((err = dirent_check(fs, dir, b->data, off, &rec, &nl))) {
                bcache_release(&fs->cache, b);
                return err;
            }
            uint8_t *p = b->data + off;
            uint32_t used = rd32(p) ? dirent_size(nl) : 0;
            if (rec - used >= need) {
                if (used) {
                    wr16(p + 4, (uint16_t)used);
                    p += used;
                    rec -= used;
                }
                dirent_fill(fs, p, ino, rec, name, len, type);
                bcache_mark_dirty_order(&fs->cache, b, BCACHE_DIRENT);
                bcache_release(&fs->cache, b);
                drop_index(&in);
                in.mtime = in.ctime = now(fs);
                return inode_write(fs, dir, &in, false);
            }
            off += rec;
        }
        bcache_release(&fs->cache, b);
    }
    /* No room: one more block holding just this entry. Nothing on the disk
     * points to it before the directory's inode does, so it is written with
     * the data (BCACHE_DATA), ahead of that inode. */
    uint32_t goal, phys;
    if ((err = goal_for(fs, dir, &in, nblocks, &goal)))
        return err;
    err = bmap(fs, dir, &in, nblocks, true, &goal, &phys);
    if (!err) {
        struct buf *b;
        if (!(err = bcache_get(&fs->cache, phys, &b))) {
            dirent_fill(fs, b->data, ino, fs->block_size, name, len, type);
            bcache_mark_dirty(&fs->cache, b);
            bcache_release(&fs->cache, b);
            in.size += fs->block_size;
        }
    }
    drop_index(&in);
    in.mtime = in.ctime = now(fs);
    int werr = inode_write(fs, dir, &in, false);
    return err ? err : werr;
}

/* Removes the entry s points at (releases s->b). */
static int remove_entry(struct ext2_fs *fs, uint32_t dir, struct dirslot *s)
{
    uint8_t *p = s->b->data;
    if (s->prev_off != UINT32_MAX)
        wr16(p + s->prev_off + 4, (uint16_t)(rd16(p + s->prev_off + 4) + rd16(p + s->off + 4)));
    else
        wr32(p + s->off, 0);
    bcache_mark_dirty_order(&fs->cache, s->b, BCACHE_DIRENT);
    bcache_release(&fs->cache, s->b);
    struct inode in;
    int err = inode_read(fs, dir, &in);
    if (err)
        return err;
    drop_index(&in);
    in.mtime = in.ctime = now(fs);
    return inode_write(fs, dir, &in, false);
}

static int dir_is_empty(struct ext2_fs *fs, uint32_t dir, struct inode *in)
{
    uint64_t cookie = 0;
    struct ext2_dirent d;
    int r;
    (void)in;
    while ((r = ext2_readdir(fs, dir, &cookie, &d)) == 1)
        if (!is_dot_or_dotdot(d.name, d.name_len))
            return 0;
    return r < 0 ? r : 1;
}

static int adjust_links(struct ext2_fs *fs, uint32_t ino, int delta)
{
    struct inode in;
    int err = inode_read(fs, ino, &in);
    if (err)
        return err;
    in.links = (uint16_t)(in.links + delta);
    in.ctime = now(fs);
    return inode_write(fs, ino, &in, false);
}

/*
 * A new inode of the given mode named name in dir: a directory gets its
 * first block with "." and "..", a symlink its target (in the inode when
 * shorter than 60 bytes, else in a block). Undone if the name cannot be
 * added.
 */
static int make_node(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len,
                     uint16_t mode, const char *link, size_t link_len, uint32_t *out)
{
    if (fs->read_only)
        return -EROFS;
    int err = check_name(name, len);
    if (err)
        return err;
    struct inode parent;
    if ((err = dir_inode(fs, dir, &parent)))
        return err;
    if ((err = check_absent(fs, dir, &parent, name, len)))
        return err;
    bool is_dir = S_ISDIR(mode);
    if (is_dir && parent.links >= LINK_MAX_COUNT)
        return -EMLINK;

    uint32_t ino;
    if ((err = alloc_inode(fs, dir, is_dir, &ino)))
        return err;
    struct inode in;
    memset(&in, 0, sizeof(in));
    in.mode = mode;
    in.links = is_dir ? 2 : 1;
    in.atime = in.ctime = in.mtime = now(fs);
    if (is_dir) {
        uint32_t goal = group_goal(fs, ino), blk;
        struct buf *b;
        if ((err = alloc_zeroed(fs, &in, &goal, &blk)))
            goto undo;
        in.block[0] = blk;
        in.size = fs->block_size;
        if ((err = bcache_get(&fs->cache, blk, &b)))
            goto undo;
        dirent_fill(fs, b->data, ino, 12, ".", 1, EXT2_FT_DIR);
        dirent_fill(fs, b->data + 12, dir, fs->block_size - 12, "..", 2, EXT2_FT_DIR);
        bcache_mark_dirty(&fs->cache, b);
        bcache_release(&fs->cache, b);
    } else if (link && link_len < FAST_SYMLINK_MAX) {
        uint8_t raw[FAST_SYMLINK_MAX];
        memset(raw, 0, sizeof(raw));
        memcpy(raw, link, link_len);
        for (int i = 0; i < 15; i++)
            in.block[i] = rd32(raw + 4 * i);
        in.size = link_len;
    }
    if ((err = inode_write(fs, ino, &in, true)))
        goto undo;
    if (link && link_len >= FAST_SYMLINK_MAX) {
        int64_t n = write_data(fs, ino, &in, 0, link, link_len);
        if (n != (int64_t)link_len) {
            err = n < 0 ? (int)n : -ENOSPC;
            goto undo;
        }
    }
    if ((err = add_entry(fs, dir, name, len, ino, file_type_of(mode))))
        goto undo;
    if (is_dir && (err = adjust_links(fs, dir, 1)))
        return err;
    *out = ino;
    return 0;

undo:
    /* Give back what was taken and leave the slot looking deleted. */
    if (!(link && link_len < FAST_SYMLINK_MAX))
        free_blocks_from(fs, ino, &in, 0);
    in.links = 0;
    in.dtime = now(fs) ? now(fs) : 1;
    inode_write(fs, ino, &in, true);
    free_inode(fs, ino, is_dir);
    return err;
}

int ext2_create(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len, uint16_t mode,
                uint32_t *ino)
{
    if ((mode & EXT2_S_IFMT) == 0)
        mode |= EXT2_S_IFREG;
    if (S_ISDIR(mode))
        return -EINVAL;
    return make_node(fs, dir, name, len, mode, NULL, 0, ino);
}

int ext2_mkdir(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len, uint16_t mode,
               uint32_t *ino)
{
    return make_node(fs, dir, name, len, (uint16_t)(EXT2_S_IFDIR | (mode & 07777)), NULL, 0,
                     ino);
}

int ext2_symlink(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len,
                 const char *target, size_t target_len, uint32_t *ino)
{
    if (target_len == 0)
        return -ENOENT;
    if (target_len >= fs->block_size)
        return -ENAMETOOLONG;
    return make_node(fs, dir, name, len, EXT2_S_IFLNK | 0777, target, target_len, ino);
}

int ext2_link(struct ext2_fs *fs, uint32_t ino, uint32_t dir, const char *name, size_t len)
{
    if (fs->read_only)
        return -EROFS;
    int err = check_name(name, len);
    if (err)
        return err;
    struct inode in, parent;
    if ((err = inode_read(fs, ino, &in)))
        return err;
    if (S_ISDIR(in.mode))
        return -EPERM;
    if (in.links == 0)
        return -ENOENT;
    if (in.links >= LINK_MAX_COUNT)
        return -EMLINK;
    if ((err = dir_inode(fs, dir, &parent)))
        return err;
    if ((err = check_absent(fs, dir, &parent, name, len)))
        return err;
    if ((err = add_entry(fs, dir, name, len, ino, file_type_of(in.mode))))
        return err;
    return adjust_links(fs, ino, 1);
}

/* Drops one link of ino; destroys it when none is left. */
static int drop_link(struct ext2_fs *fs, uint32_t ino, bool whole_dir)
{
    struct inode in;
    int err = inode_read(fs, ino, &in);
    if (err)
        return err;
    if (whole_dir || in.links <= 1)
        return destroy_inode(fs, ino, &in);
    in.links--;
    in.ctime = now(fs);
    return inode_write(fs, ino, &in, false);
}

int ext2_unlink(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len)
{
    if (fs->read_only)
        return -EROFS;
    int err = check_name(name, len);
    if (err)
        return err;
    struct inode parent, target;
    if ((err = dir_inode(fs, dir, &parent)))
        return err;
    struct dirslot s;
    if ((err = find_entry(fs, dir, &parent, name, len, &s)))
        return err;
    if ((err = inode_read(fs, s.ino, &target)) || S_ISDIR(target.mode)) {
        bcache_release(&fs->cache, s.b);
        return err ? err : -EISDIR;
    }
    if ((err = remove_entry(fs, dir, &s)))
        return err;
    return drop_link(fs, s.ino, false);
}

int ext2_rmdir(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len)
{
    if (fs->read_only)
        return -EROFS;
    int err = check_name(name, len);
    if (err)
        return err;
    if (len == 1 && name[0] == '.')
        return -EINVAL;
    if (len == 2 && name[0] == '.' && name[1] == '.')
        return -ENOTEMPTY;
    struct inode parent, target;
    if ((err = dir_inode(fs, dir, &parent)))
        return err;
    struct dirslot s;
    if ((err = find_entry(fs, dir, &parent, name, len, &s)))
        return err;
    uint32_t ino = s.ino;
    bcache_release(&fs->cache, s.b);
    if ((err = dir_inode(fs, ino, &target)))
        return err;
    if ((err = dir_is_empty(fs, ino, &target)) <= 0)
        return err < 0 ? err : -ENOTEMPTY;
    /* Find again: dir_is_empty used the cache, the slot must be fresh. */
    if ((err = find_entry(fs, dir, &parent, name, len, &s)))
        return err;
    if ((err = remove_entry(fs, dir, &s)))
        return err;
    if ((err = drop_link(fs, ino, true)))
        return err;
    return adjust_links(fs, dir, -1);
}

/* Is ancestor on the ".." chain from dir up to the root? */
static int is_ancestor(struct ext2_fs *fs, uint32_t ancestor, uint32_t dir)
{
    for (uint32_t steps = 0; steps < fs->inodes_count; steps++) {
        if (dir == ancestor)
            return 1;
        if (dir == EXT2_ROOT_INO)
            return 0;
        int err = ext2_lookup(fs, dir, "..", 2, &dir);
        if (err)
            return err;
    }
    LOG(fs, "ext2: directory loop through inode %u\n", dir);
    return -EUCLEAN;
}

/* Points the ".." of directory ino at new_parent. */
static int set_dotdot(struct ext2_fs *fs, uint32_t ino, uint32_t new_parent)
{
    struct inode in;
    int err = dir_inode(fs, ino, &in);
    if (err)
        return err;
    struct dirslot s;
    if ((err = find_entry(fs, ino, &in, "..", 2, &s)))
        return err == -ENOENT ? -EUCLEAN : err;
    wr32(s.b->data + s.off, new_parent);
    bcache_mark_dirty_order(&fs->cache, s.b, BCACHE_DIRENT);
    bcache_release(&fs->cache, s.b);
    drop_index(&in);
    in.ctime = now(fs);
    return inode_write(fs, ino, &in, false);
}

int ext2_rename(struct ext2_fs *fs, uint32_t olddir, const char *oldname, size_t oldlen,
                uint32_t newdir, const char *newname, size_t newlen)
{
    if (fs->read_only)
        return -EROFS;
    int err;
    if ((err = check_name(oldname, oldlen)) || (err = check_name(newname, newlen)))
        return err;
    if (is_dot_or_dotdot(oldname, oldlen) || is_dot_or_dotdot(newname, newlen))
        return -EINVAL;
    struct inode od, nd, src;
    if ((err = dir_inode(fs, olddir, &od)) || (err = dir_inode(fs, newdir, &nd)))
        return err;
    struct dirslot s;
    if ((err = find_entry(fs, olddir, &od, oldname, oldlen, &s)))
        return err;
    uint32_t ino = s.ino;
    bcache_release(&fs->cache, s.b);
    if ((err = inode_read(fs, ino, &src)))
        return err;
    bool src_dir = S_ISDIR(src.mode);
    bool moving_dir = src_dir && olddir != newdir;
    if (moving_dir) {
        /* A directory may not move below itself. */
        int r = is_ancestor(fs, ino, newdir);
        if (r)
            return r < 0 ? r : -EINVAL;
        if (nd.links >= LINK_MAX_COUNT)
            return -EMLINK;
    }

    err = find_entry(fs, newdir, &nd, newname, newlen, &s);
    if (err && err != -ENOENT)
        return err;
    if (err == 0) {
        /* Replacing an existing entry. */
        uint32_t victim = s.ino;
        struct inode vin;
        if (victim == ino) {
            bcache_release(&fs->cache, s.b);
            return 0;
        }
        if ((err = inode_read(fs, victim, &vin))) {
            bcache_release(&fs->cache, s.b);
            return err;
        }
        bool victim_dir = S_ISDIR(vin.mode);
        if (victim_dir != src_dir) {
            bcache_release(&fs->cache, s.b);
            return victim_dir ? -EISDIR : -ENOTDIR;
        }
        if (victim_dir) {
            bcache_release(&fs->cache, s.b);
            int r = dir_is_empty(fs, victim, &vin);
            if (r <= 0)
                return r < 0 ? r : -ENOTEMPTY;
            if ((err = find_entry(fs, newdir, &nd, newname, newlen, &s)))
                return err;
        }
        wr32(s.b->data + s.off, ino);
        if (fs->feature_incompat & INCOMPAT_FILETYPE)
            s.b->data[s.off + 7] = file_type_of(src.mode);
        bcache_mark_dirty_order(&fs->cache, s.b, BCACHE_DIRENT);
        bcache_release(&fs->cache, s.b);
        if ((err = drop_link(fs, victim, victim_dir)))
            return err;
        if (victim_dir && (err = adjust_links(fs, newdir, -1)))
            return err;
        if ((err = inode_read(fs, newdir, &nd)))
            return err;
        drop_index(&nd);
        nd.mtime = nd.ctime = now(fs);
        if ((err = inode_write(fs, newdir, &nd, false)))
            return err;
    } else {
        if ((err = add_entry(fs, newdir, newname, newlen, ino, file_type_of(src.mode))))
            return err;
    }

    /* Remove the old name (looked up again: adding may have moved nothing,
     * but the directory inode may have changed). */
    if ((err = dir_inode(fs, olddir, &od)))
        return err;
    if ((err = find_entry(fs, olddir, &od, oldname, oldlen, &s)))
        return err == -ENOENT ? -EUCLEAN : err;
    if ((err = remove_entry(fs, olddir, &s)))
        return err;
    if (moving_dir) {
        if ((err = set_dotdot(fs, ino, newdir)))
            return err;
        if ((err = adjust_links(fs, olddir, -1)) || (err = adjust_links(fs, newdir, 1)))
            return err;
    }
    return adjust_links(fs, ino, 0); /* ctime */
}

int ext2_stat(struct ext2_fs *fs, uint32_t ino, struct ext2_stat *st)
{
    struct inode in;
    int err = inode_read(fs, ino, &in);
    if (err)
        return err;
    st->ino = ino;
    st->mode = in.mode;
    st->nlink = in.links;
    st->uid = in.uid;
    st->gid = in.gid;
    st->size = in.size;
    st->atime = in.atime;
    st->mtime = in.mtime;
    st->ctime = in.ctime;
    st->blocks = in.blocks;
    st->blksize = fs->block_size;
    return 0;
}

/* ---- mount and sync ------------------------------------------------------ */

static const struct {
    uint32_t bit;
    const char *name;
} incompat_names[] = {
    {0x0001, "compression"}, {0x0004, "needs_recovery"}, {0x0008, "journal_dev"},
    {0x0010, "meta_bg"}, {0x0040, "extent"}, {0x0080, "64bit"}, {0x0100, "mmp"},
    {0x0200, "flex_bg"}, {0x0400, "ea_inode"}, {0x1000, "dirdata"},
    {0x2000, "metadata_csum_seed"}, {0x4000, "large_dir"}, {0x8000, "inline_data"},
    {0x10000, "encrypt"}, {0x20000, "casefold"},
}, ro_compat_names[] = {
    {0x0004, "btree_dir"}, {0x0008, "huge_file"}, {0x0010, "uninit_bg"},
    {0x0020, "dir_nlink"}, {0x0040, "extra_isize"}, {0x0100, "quota"},
    {0x0200, "bigalloc"}, {0x0400, "metadata_csum"}, {0x1000, "readonly"},
    {0x2000, "project"}, {0x8000, "verity"},
};

static void log_features(struct ext2_fs *fs, const char *what, uint32_t bits, bool incompat)
{
    for (uint32_t bit = 1; bit; bit <<= 1) {
        if (!(bits & bit))
            continue;
        const char *name = "unknown";
        size_t n = incompat ? sizeof(incompat_names) / sizeof(incompat_names[0])
                            : sizeof(ro_compat_names) / sizeof(ro_compat_names[0]);
        for (size_t i = 0; i < n; i++) {
            uint32_t b = incompat ? incompat_names[i].bit : ro_compat_names[i].bit;
            if (b == bit)
                name = incompat ? incompat_names[i].name : ro_compat_names[i].name;
        }
        LOG(fs, "ext2: %s feature %s (0x%x)\n", what, name, bit);
    }
}

static int refuse(struct ext2_fs *fs, const char *why, uint32_t value)
{
    LOG(fs, "ext2: not mounting: %s (%u)\n", why, value);
    return -EUCLEAN;
}

size_t ext2_cache_storage_size(uint32_t nbufs)
{
    return bcache_storage_size(4096, nbufs, 32);
}

/* Checks every group descriptor against the superblock's geometry. */
static int check_groups(struct ext2_fs *fs)
{
    uint64_t free_blocks = 0, free_inodes = 0;
    for (uint32_t g = 0; g < fs->ngroups; g++) {
        struct buf *b;
        uint8_t *gd;
        int err = gd_get(fs, g, &b, &gd);
        if (err)
            return err;
        uint32_t bb = rd32(gd + GD_BLOCK_BITMAP), ib = rd32(gd + GD_INODE_BITMAP);
        uint32_t it = rd32(gd + GD_INODE_TABLE);
        uint32_t fb = rd16(gd + GD_FREE_BLOCKS), fi = rd16(gd + GD_FREE_INODES);
        uint32_t dirs = rd16(gd + GD_USED_DIRS);
        bcache_release(&fs->cache, b);
        const char *what = NULL;
        uint32_t value = 0;
        if (!block_in_fs(fs, bb))
            what = "block bitmap outside the file system", value = bb;
        else if (!block_in_fs(fs, ib))
            what = "inode bitmap outside the file system", value = ib;
        else if (!block_in_fs(fs, it) ||
                 (uint64_t)it + fs->inode_table_blocks > fs->blocks_count)
            what = "inode table outside the file system", value = it;
        else if (fb > blocks_in_group(fs, g))
            what = "free block count too large", value = fb;
        else if (fi > fs->inodes_per_group)
            what = "free inode count too large", value = fi;
        else if (dirs > fs->inodes_per_group)
            what = "used directory count too large", value = dirs;
        if (what) {
            LOG(fs, "ext2: not mounting: group %u: %s (%u)\n", g, what, value);
            return -EUCLEAN;
        }
        free_blocks += fb;
        free_inodes += fi;
    }
    /* The descriptors are authoritative; the superblock's totals follow. */
    fs->free_blocks = (uint32_t)free_blocks;
    fs->free_inodes = (uint32_t)free_inodes;
    return 0;
}

int ext2_mount(struct ext2_fs *fs, struct blockdev *dev, void *cache_storage,
               size_t cache_size, const struct ext2_mount_opts *opts)
{
    memset(fs, 0, sizeof(*fs));
    if (opts)
        fs->opts = *opts;
    if (fs->opts.readahead == 0)
        fs->opts.readahead = 32;

    uint8_t sb[1024];
    if (dev->nsectors < (SUPERBLOCK_OFFSET + sizeof(sb)) / BLOCKDEV_SECTOR_SIZE)
        return refuse(fs, "device smaller than a superblock, sectors", (uint32_t)dev->nsectors);
    if (dev->read(dev, SUPERBLOCK_OFFSET / BLOCKDEV_SECTOR_SIZE, sb,
                  sizeof(sb) / BLOCKDEV_SECTOR_SIZE))
        return -EIO;

    if (rd16(sb + SB_MAGIC) != EXT2_MAGIC)
        return refuse(fs, "bad magic number", rd16(sb + SB_MAGIC));
    fs->rev_level = rd32(sb + SB_REV_LEVEL);
    if (fs->rev_level > 1)
        return refuse(fs, "unknown revision", fs->rev_level);
    fs->log_block_size = rd32(sb + SB_LOG_BLOCK_SIZE);
    if (fs->log_block_size > 2)
        return refuse(fs, "block size not 1, 2 or 4 KiB; log2(size/1024) is",
                      fs->log_block_size);
    if (rd32(sb + SB_LOG_FRAG_SIZE) != fs->log_block_size)
        return refuse(fs, "fragment size differs from the block size",
                      rd32(sb + SB_LOG_FRAG_SIZE));
    fs->block_size = 1024u << fs->log_block_size;
    fs->ptrs_per_block = fs->block_size / 4;
    fs->inodes_count = rd32(sb + SB_INODES_COUNT);
    fs->blocks_count = rd32(sb + SB_BLOCKS_COUNT);
    fs->first_data_block = rd32(sb + SB_FIRST_DATA_BLOCK);
    fs->blocks_per_group = rd32(sb + SB_BLOCKS_PER_GROUP);
    fs->inodes_per_group = rd32(sb + SB_INODES_PER_GROUP);
    if (fs->rev_level == 0) {
        fs->inode_size = INODE_BASE_SIZE;
        fs->first_ino = 11;
    } else {
        fs->inode_size = rd16(sb + SB_INODE_SIZE);
        fs->first_ino = rd32(sb + SB_FIRST_INO);
        fs->feature_compat = rd32(sb + SB_FEATURE_COMPAT);
        fs->feature_incompat = rd32(sb + SB_FEATURE_INCOMPAT);
        fs->feature_ro_compat = rd32(sb + SB_FEATURE_RO_COMPAT);
    }

    uint32_t unknown = fs->feature_incompat & ~KNOWN_INCOMPAT;
    if (unknown) {
        log_features(fs, "not mounting: unsupported incompatible", unknown, true);
        return -EINVAL;
    }
    fs->read_only = fs->opts.read_only;
    unknown = fs->feature_ro_compat & ~KNOWN_RO_COMPAT;
    if (unknown) {
        log_features(fs, "mounting read-only: unsupported", unknown, false);
        fs->read_only = true;
    }

    if (fs->first_data_block != (fs->block_size == 1024 ? 1u : 0u))
        return refuse(fs, "first data block does not match the block size",
                      fs->first_data_block);
    if (fs->blocks_count <= fs->first_data_block + 1)
        return refuse(fs, "block count too small", fs->blocks_count);
    if ((uint64_t)fs->blocks_count * (fs->block_size / BLOCKDEV_SECTOR_SIZE) > dev->nsectors)
        return refuse(fs, "file system larger than the device, blocks", fs->blocks_count);
    if (fs->blocks_per_group == 0 || fs->blocks_per_group > 8 * fs->block_size)
        return refuse(fs, "bad blocks per group", fs->blocks_per_group);
    if (fs->inodes_per_group == 0 || fs->inodes_per_group > 8 * fs->block_size)
        return refuse(fs, "bad inodes per group", fs->inodes_per_group);
    if (fs->inode_size < INODE_BASE_SIZE || fs->inode_size > fs->block_size ||
        (fs->inode_size & (fs->inode_size - 1)))
        return refuse(fs, "bad inode size", fs->inode_size);
    fs->ngroups = (fs->blocks_count - fs->first_data_block + fs->blocks_per_group - 1) /
                  fs->blocks_per_group;
    if ((uint64_t)fs->ngroups * fs->inodes_per_group != fs->inodes_count)
        return refuse(fs, "inode count is not groups x inodes per group", fs->inodes_count);
    if (fs->first_ino <= EXT2_ROOT_INO || fs->first_ino >= fs->inodes_count)
        return refuse(fs, "bad first inode", fs->first_ino);
    fs->inode_table_blocks =
        (uint32_t)(((uint64_t)fs->inodes_per_group * fs->inode_size + fs->block_size - 1) /
                   fs->block_size);
    fs->gdt_block = fs->first_data_block + 1;
    uint64_t gdt_blocks = ((uint64_t)fs->ngroups * GROUP_DESC_SIZE + fs->block_size - 1) /
                          fs->block_size;
    if (fs->gdt_block + gdt_blocks > fs->blocks_count)
        return refuse(fs, "group descriptors past the end, groups", fs->ngroups);
    fs->sb_block = SUPERBLOCK_OFFSET / fs->block_size;
    fs->sb_offset = SUPERBLOCK_OFFSET % fs->block_size;
    uint16_t state = rd16(sb + SB_STATE);
    if (state != 1)
        LOG(fs, "ext2: warning: file system not cleanly unmounted or has errors (state %u); "
                "run e2fsck\n", state);

    int err = bcache_init(&fs->cache, dev, fs->block_size, fs->opts.readahead,
                          cache_storage, cache_size);
    if (err) {
        LOG(fs, "ext2: not mounting: cache memory too small for %u-byte blocks\n",
            fs->block_size);
        return err;
    }
    if ((err = check_groups(fs)))
        return err;
    struct inode root;
    if ((err = inode_read(fs, EXT2_ROOT_INO, &root)))
        return err;
    if (!S_ISDIR(root.mode) || root.links < 2)
        return refuse(fs, "root inode is not a directory, mode", root.mode);
    return 0;
}

int ext2_sync(struct ext2_fs *fs)
{
    if (fs->read_only)
        return 0;
    if (fs->dirty_super) {
        struct buf *b;
        int err = bcache_get(&fs->cache, fs->sb_block, &b);
        if (err)
            return err;
        uint8_t *sb = b->data + fs->sb_offset;
        wr32(sb + SB_FREE_BLOCKS, fs->free_blocks);
        wr32(sb + SB_FREE_INODES, fs->free_inodes);
        wr32(sb + SB_WTIME, now(fs));
        if (fs->rev_level >= 1)
            wr32(sb + SB_FEATURE_RO_COMPAT, fs->feature_ro_compat);
        bcache_mark_dirty(&fs->cache, b);
        bcache_release(&fs->cache, b);
        fs->dirty_super = false;
    }
    return bcache_sync(&fs->cache);
}
