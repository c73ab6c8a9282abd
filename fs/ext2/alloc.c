/*
 * fs/ext2/alloc.c — where blocks and inodes come from and go back to: group
 * descriptors, the per-group block and inode bitmaps, and the free counts.
 *
 * Interface (ext2_internal.h): ext2_gd_read, ext2_alloc_block/free_block,
 * ext2_alloc_inode/free_inode, ext2_group_goal, ext2_blocks_in_group,
 * ext2_bad_block_ptr.
 *
 * Invariants: a bit is set in a bitmap exactly when its block or inode is
 * in use; each group descriptor's free count is the number of clear bits
 * in its bitmaps, its used-directory count the directories among its
 * inodes; fs->free_blocks/free_inodes are the sums of the descriptors'
 * counts (written to the superblock by ext2_sync). Every change here moves
 * bitmap, descriptor and total together (take_bit + count_bits, give_bit).
 * A bitmap that disagrees with its count is reported as -EUCLEAN, never
 * trusted past.
 */
#include "fs/ext2/ext2_internal.h"

int ext2_bad_block_ptr(struct ext2_fs *fs, uint32_t ino, uint32_t blk)
{
    LOG(fs, "ext2: inode %u: block number %u outside the file system\n", ino, blk);
    return -EUCLEAN;
}

uint32_t ext2_blocks_in_group(struct ext2_fs *fs, uint32_t g)
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

int ext2_gd_read(struct ext2_fs *fs, uint32_t g, uint8_t gd[GROUP_DESC_SIZE])
{
    struct buf *b;
    uint8_t *p;
    int err = gd_get(fs, g, &b, &p);
    if (err)
        return err;
    memcpy(gd, p, GROUP_DESC_SIZE);
    bcache_release(&fs->cache, b);
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
        uint8_t gd[GROUP_DESC_SIZE];
        int err = ext2_gd_read(fs, g, gd);
        if (err)
            return err;
        uint32_t free = rd16(gd + bits_fields[kind].gd_free);
        uint32_t bitmap = rd32(gd + bits_fields[kind].gd_bitmap);
        if (free == 0)
            continue;
        uint32_t nbits = kind == BLOCK_BITS ? ext2_blocks_in_group(fs, g) : fs->inodes_per_group;
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
    uint8_t gd[GROUP_DESC_SIZE];
    int err = ext2_gd_read(fs, g, gd);
    if (err)
        return err;
    uint32_t bitmap = rd32(gd + bits_fields[kind].gd_bitmap);
    if ((err = bitmap_clear(fs, bitmap, bit)))
        return err;
    return count_bits(fs, kind, g, 1, dirs);
}

/* A free block, as near after goal as possible; counts updated. */
int ext2_alloc_block(struct ext2_fs *fs, uint32_t goal, uint32_t *blk)
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

int ext2_free_block(struct ext2_fs *fs, uint32_t ino, uint32_t blk)
{
    if (!block_in_fs(fs, blk))
        return ext2_bad_block_ptr(fs, ino, blk);
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
int ext2_alloc_inode(struct ext2_fs *fs, uint32_t parent, bool is_dir, uint32_t *ino)
{
    if (fs->read_only)
        return -EROFS;
    if (fs->free_inodes == 0)
        return -ENOSPC;
    uint32_t g0 = (parent - 1) / fs->inodes_per_group;
    if (is_dir) {
        uint32_t avg = fs->free_inodes / fs->ngroups, best_free = 0;
        for (uint32_t g = 0; g < fs->ngroups; g++) {
            uint8_t gd[GROUP_DESC_SIZE];
            int err = ext2_gd_read(fs, g, gd);
            if (err)
                return err;
            uint32_t fi = rd16(gd + GD_FREE_INODES), fb = rd16(gd + GD_FREE_BLOCKS);
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

int ext2_free_inode(struct ext2_fs *fs, uint32_t ino, bool is_dir)
{
    uint32_t g = (ino - 1) / fs->inodes_per_group;
    int err = give_bit(fs, INODE_BITS, g, (ino - 1) % fs->inodes_per_group, is_dir ? -1 : 0);
    if (err == -EUCLEAN)
        LOG(fs, "ext2: freeing inode %u, which is already free\n", ino);
    return err;
}

/* First block of the inode's group: where its data should start. */
uint32_t ext2_group_goal(struct ext2_fs *fs, uint32_t ino)
{
    return fs->first_data_block + (ino - 1) / fs->inodes_per_group * fs->blocks_per_group;
}
