/*
 * fs/ext2/inode.c — inodes: their slots in the inode tables, the map from
 * file blocks to device blocks (12 direct pointers, then single, double and
 * triple indirect blocks), and giving blocks back when a file shrinks or
 * its inode dies.
 *
 * Interface (ext2_internal.h): ext2_inode_read/write, ext2_bmap,
 * ext2_alloc_zeroed, ext2_goal_for, ext2_free_blocks_from,
 * ext2_destroy_inode, ext2_is_fast_symlink; public ext2_stat.
 *
 * Invariants: i_blocks counts (in 512-byte units) every block the inode
 * owns: data, indirect and its extended-attribute block, and moves with
 * each allocation and free here; a block pointer is followed only after
 * block_in_fs() accepted it (else -EUCLEAN, logged); a fast symlink's
 * target is in i_block, so its pointers are never followed or freed.
 */
#include "fs/ext2/ext2_internal.h"

/* ---- inodes -------------------------------------------------------------- */

static int inode_locate(struct ext2_fs *fs, uint32_t ino, struct buf **b, uint8_t **raw)
{
    if (ino < 1 || ino > fs->inodes_count) {
        LOG(fs, "ext2: inode number %u out of range\n", ino);
        return -EUCLEAN;
    }
    uint32_t g = (ino - 1) / fs->inodes_per_group;
    uint32_t index = (ino - 1) % fs->inodes_per_group;
    uint8_t gd[GROUP_DESC_SIZE];
    int err = ext2_gd_read(fs, g, gd);
    if (err)
        return err;
    uint32_t table = rd32(gd + GD_INODE_TABLE);
    uint64_t byte = (uint64_t)index * fs->inode_size;
    err = bcache_get(&fs->cache, table + byte / fs->block_size, b);
    if (err)
        return err;
    *raw = (*b)->data + byte % fs->block_size;
    return 0;
}

int ext2_inode_read(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in)
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

/* Writes the fields of struct ext2_inode; fresh = zero the whole slot first. */
int ext2_inode_write(struct ext2_fs *fs, uint32_t ino, const struct ext2_inode *in, bool fresh)
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

bool ext2_is_fast_symlink(struct ext2_fs *fs, const struct ext2_inode *in)
{
    uint32_t xattr_sectors = in->file_acl ? fs->block_size / 512 : 0;
    return S_ISLNK(in->mode) && in->size < FAST_SYMLINK_MAX && in->blocks == xattr_sectors;
}

/* ---- block mapping ------------------------------------------------------- */

/* A zero-filled new block (an indirect block or a new data block). */
int ext2_alloc_zeroed(struct ext2_fs *fs, struct ext2_inode *in, uint32_t *goal, uint32_t *blk)
{
    int err = ext2_alloc_block(fs, *goal, blk);
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
 * The way to file block fb: the i_block slot it starts from (*root) and the
 * index into each indirect block below it (offsets); returns the number of
 * indirect levels (0 for a direct block), or -EFBIG past the triple
 * indirect block's reach.
 */
static int bmap_path(struct ext2_fs *fs, uint64_t fb, int *root, uint32_t offsets[3])
{
    uint64_t p = fs->ptrs_per_block;
    if (fb < N_DIRECT) {
        *root = (int)fb;
        return 0;
    }
    if ((fb -= N_DIRECT) < p) {
        *root = IND_BLOCK;
        offsets[0] = (uint32_t)fb;
        return 1;
    }
    if ((fb -= p) < p * p) {
        *root = DIND_BLOCK;
        offsets[0] = (uint32_t)(fb / p);
        offsets[1] = (uint32_t)(fb % p);
        return 2;
    }
    if ((fb -= p * p) < p * p * p) {
        *root = TIND_BLOCK;
        offsets[0] = (uint32_t)(fb / (p * p));
        offsets[1] = (uint32_t)(fb / p % p);
        offsets[2] = (uint32_t)(fb % p);
        return 3;
    }
    return -EFBIG;
}

/*
 * The device block holding file block fb. *phys = 0 for a hole unless alloc,
 * which fills holes (indirect blocks too) with zeroed blocks near *goal; the
 * caller writes the inode back afterwards.
 */
int ext2_bmap(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint64_t fb, bool alloc,
              uint32_t *goal, uint32_t *phys)
{
    uint32_t offsets[3];
    int root, depth = bmap_path(fs, fb, &root, offsets);
    if (depth < 0)
        return depth;
    *phys = 0;
    uint32_t cur = in->block[root];
    int err;
    if (cur == 0) {
        if (!alloc)
            return 0;
        if ((err = ext2_alloc_zeroed(fs, in, goal, &cur)))
            return err;
        in->block[root] = cur;
    } else if (!block_in_fs(fs, cur)) {
        return ext2_bad_block_ptr(fs, ino, cur);
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
            if ((err = ext2_alloc_zeroed(fs, in, goal, &next))) {
                bcache_release(&fs->cache, b);
                return err;
            }
            wr32(slot, next);
            bcache_mark_dirty(&fs->cache, b);
        } else if (!block_in_fs(fs, next)) {
            bcache_release(&fs->cache, b);
            return ext2_bad_block_ptr(fs, ino, next);
        }
        bcache_release(&fs->cache, b);
        cur = next;
    }
    *phys = cur;
    return 0;
}

/* Where new blocks for file block fb should go: after block fb-1, else at
 * the start of the inode's group. */
int ext2_goal_for(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint64_t fb,
                  uint32_t *goal)
{
    *goal = ext2_group_goal(fs, ino);
    if (fb == 0)
        return 0;
    uint32_t prev;
    int err = ext2_bmap(fs, ino, in, fb - 1, false, NULL, &prev);
    if (!err && prev)
        *goal = prev + 1;
    return err;
}

/* ---- giving blocks back -------------------------------------------------- */

/* One block fewer in i_blocks (never below zero: a wrong count stays e2fsck's). */
static void uncount_block(struct ext2_fs *fs, struct ext2_inode *in)
{
    uint32_t sectors = fs->block_size / 512;
    in->blocks = in->blocks >= sectors ? in->blocks - sectors : 0;
}

/*
 * Frees the blocks of the subtree in *slot (level 0: a data block, 1..3:
 * indirect) that map file blocks >= keep; base is the first file block the
 * subtree maps. Clears *slot when the whole subtree went.
 */
static int trunc_tree(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint32_t *slot,
                      int level, uint64_t base, uint64_t keep)
{
    if (*slot == 0)
        return 0;
    if (!block_in_fs(fs, *slot))
        return ext2_bad_block_ptr(fs, ino, *slot);
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
        if ((err = ext2_free_block(fs, ino, *slot)))
            return err;
        *slot = 0;
        uncount_block(fs, in);
    }
    return 0;
}

/* Frees every block mapping file block keep and beyond. */
int ext2_free_blocks_from(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in,
                          uint64_t keep)
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
static int release_xattr_block(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in)
{
    uint32_t blk = in->file_acl;
    if (!blk)
        return 0;
    if (!block_in_fs(fs, blk))
        return ext2_bad_block_ptr(fs, ino, blk);
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
    if (last && (err = ext2_free_block(fs, ino, blk)))
        return err;
    in->file_acl = 0;
    uncount_block(fs, in);
    return 0;
}

/* Link count reached zero: give back blocks and the inode itself. */
int ext2_destroy_inode(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in)
{
    bool is_dir = S_ISDIR(in->mode);
    int err = 0;
    if (!ext2_is_fast_symlink(fs, in))
        err = ext2_free_blocks_from(fs, ino, in, 0);
    if (!err)
        err = release_xattr_block(fs, ino, in);
    in->links = 0;
    in->dtime = now(fs) ? now(fs) : 1;  /* e2fsck wants a deleted inode's dtime set */
    int werr = ext2_inode_write(fs, ino, in, false);
    if (err || werr)
        return err ? err : werr;
    return ext2_free_inode(fs, ino, is_dir);
}

/* ---- stat ---------------------------------------------------------------- */

int ext2_stat(struct ext2_fs *fs, uint32_t ino, struct ext2_stat *st)
{
    struct ext2_inode in;
    int err = ext2_inode_read(fs, ino, &in);
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

