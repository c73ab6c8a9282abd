/*
 * fs/ext2/super.c — mounting (reading and checking the superblock and the
 * group descriptors) and ext2_sync, which writes the superblock's counts
 * and every changed block.
 *
 * Features. Accepted: revision 0 and 1, 1/2/4 KiB blocks, INCOMPAT filetype;
 * RO_COMPAT sparse_super and large_file; any COMPAT feature (ext_attr:
 * xattr blocks are reference-counted and freed with their inode; the
 * resize_inode's reserved GDT blocks are never touched; dir_index: see
 * dir.c). Any other INCOMPAT feature (extents, 64bit, flex_bg, meta_bg,
 * journal recovery, inline data, ...) refuses the mount, naming it. An
 * unknown RO_COMPAT feature (huge_file, metadata_csum, ...) mounts the file
 * system read-only with a message; every change then returns -EROFS.
 *
 * Not done: access times (never updated: noatime), the root-reserved block
 * count (the kernel may use every free block), fragments, immutable/append
 * flags, device nodes' numbers (mknod), ACLs and xattr contents.
 * ext2_mount leaves s_state alone; ext2_sync writes the free counts.
 *
 * Invariants: a mounted ext2_fs has passed every check here, so the rest of
 * the driver may rely on its geometry (block size 1-4 KiB, groups x inodes
 * per group = inodes, descriptors and inode tables inside the file system,
 * a root directory); a refused mount returns -EUCLEAN (-EINVAL for an
 * unsupported feature, -EIO if the device failed) with the reason logged.
 */
#include "fs/ext2/ext2_internal.h"

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

/* What is wrong with group g's descriptor gd, or NULL; *value is the
 * number at fault. */
static const char *group_problem(struct ext2_fs *fs, uint32_t g, const uint8_t *gd,
                                 uint32_t *value)
{
    uint32_t bb = rd32(gd + GD_BLOCK_BITMAP), ib = rd32(gd + GD_INODE_BITMAP);
    uint32_t it = rd32(gd + GD_INODE_TABLE);
    uint32_t fb = rd16(gd + GD_FREE_BLOCKS), fi = rd16(gd + GD_FREE_INODES);
    uint32_t dirs = rd16(gd + GD_USED_DIRS);
    if (!block_in_fs(fs, bb))
        return *value = bb, "block bitmap outside the file system";
    if (!block_in_fs(fs, ib))
        return *value = ib, "inode bitmap outside the file system";
    if (!block_in_fs(fs, it) || (uint64_t)it + fs->inode_table_blocks > fs->blocks_count)
        return *value = it, "inode table outside the file system";
    if (fb > ext2_blocks_in_group(fs, g))
        return *value = fb, "free block count too large";
    if (fi > fs->inodes_per_group)
        return *value = fi, "free inode count too large";
    if (dirs > fs->inodes_per_group)
        return *value = dirs, "used directory count too large";
    return NULL;
}

/* Checks every group descriptor against the superblock's geometry. */
static int check_groups(struct ext2_fs *fs)
{
    uint64_t free_blocks = 0, free_inodes = 0;
    for (uint32_t g = 0; g < fs->ngroups; g++) {
        uint8_t gd[GROUP_DESC_SIZE];
        int err = ext2_gd_read(fs, g, gd);
        if (err)
            return err;
        uint32_t value = 0;
        const char *what = group_problem(fs, g, gd, &value);
        if (what) {
            LOG(fs, "ext2: not mounting: group %u: %s (%u)\n", g, what, value);
            return -EUCLEAN;
        }
        free_blocks += rd16(gd + GD_FREE_BLOCKS);
        free_inodes += rd16(gd + GD_FREE_INODES);
    }
    /* The descriptors are authoritative; the superblock's totals follow. */
    fs->free_blocks = (uint32_t)free_blocks;
    fs->free_inodes = (uint32_t)free_inodes;
    return 0;
}

/*
 * Reads the superblock at byte 1024 of dev into sb (the caller's 1 KiB),
 * checking first that the device holds one.
 */
static int read_superblock(struct ext2_fs *fs, struct blockdev *dev, uint8_t sb[1024])
{
    if (dev->nsectors < (SUPERBLOCK_OFFSET + 1024) / BLOCKDEV_SECTOR_SIZE)
        return refuse(fs, "device smaller than a superblock, sectors", (uint32_t)dev->nsectors);
    if (dev->read(dev, SUPERBLOCK_OFFSET / BLOCKDEV_SECTOR_SIZE, sb,
                  1024 / BLOCKDEV_SECTOR_SIZE))
        return -EIO;
    return 0;
}

/* The magic number, revision and block size, then the raw geometry and
 * features copied into *fs (checked by check_geometry). */
static int parse_superblock(struct ext2_fs *fs, const uint8_t *sb)
{
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
    return 0;
}

/* Refuses unknown incompatible features; unknown read-only-compatible ones
 * make the mount read-only. */
static int check_features(struct ext2_fs *fs)
{
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
    return 0;
}

/* The geometry agrees with itself and fits the device of nsectors; sets the
 * numbers derived from it (groups, inode table size, where the descriptor
 * table and the superblock are). */
static int check_geometry(struct ext2_fs *fs, uint64_t nsectors)
{
    if (fs->first_data_block != (fs->block_size == 1024 ? 1u : 0u))
        return refuse(fs, "first data block does not match the block size",
                      fs->first_data_block);
    if (fs->blocks_count <= fs->first_data_block + 1)
        return refuse(fs, "block count too small", fs->blocks_count);
    if ((uint64_t)fs->blocks_count * (fs->block_size / BLOCKDEV_SECTOR_SIZE) > nsectors)
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
    return 0;
}

/* The cache, then what is read through it: descriptors and the root. */
static int start_cache(struct ext2_fs *fs, struct blockdev *dev, void *cache_storage,
                       size_t cache_size)
{
    int err = bcache_init(&fs->cache, dev, fs->block_size, fs->opts.readahead,
                          cache_storage, cache_size);
    if (err) {
        LOG(fs, "ext2: not mounting: cache memory too small for %u-byte blocks\n",
            fs->block_size);
        return err;
    }
    if ((err = check_groups(fs)))
        return err;
    struct ext2_inode root;
    if ((err = ext2_inode_read(fs, EXT2_ROOT_INO, &root)))
        return err;
    if (!S_ISDIR(root.mode) || root.links < 2)
        return refuse(fs, "root inode is not a directory, mode", root.mode);
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
    int err;
    if ((err = read_superblock(fs, dev, sb)) || (err = parse_superblock(fs, sb)) ||
        (err = check_features(fs)) || (err = check_geometry(fs, dev->nsectors)))
        return err;
    uint16_t state = rd16(sb + SB_STATE);
    if (state != 1)
        LOG(fs, "ext2: warning: file system not cleanly unmounted or has errors (state %u); "
                "run e2fsck\n", state);
    return start_cache(fs, dev, cache_storage, cache_size);
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
