/*
 * fs/ext2/file.c — the bytes of regular files (and symlink targets): read,
 * write, truncate.
 *
 * Interface: public ext2_read, ext2_write, ext2_truncate (fs/ext2.h);
 * ext2_write_data for namei.c's long symlink targets.
 *
 * Invariants: i_size is the file's length; a hole (a zero block pointer)
 * below it reads as zeros, and so do the bytes of the last block past
 * i_size (truncate zeroes them); a block is allocated only when written;
 * a write that runs out of space returns the bytes it did write, with
 * i_size and mtime covering them; a file over 2 GiB sets the large_file
 * feature. Only regular files are written or truncated (-EISDIR, -EINVAL).
 */
#include "fs/ext2/ext2_internal.h"

/* The largest size: what the block pointers reach, at most MAX_FILE_SIZE. */
static uint64_t max_file_size(struct ext2_fs *fs)
{
    uint64_t p = fs->ptrs_per_block;
    uint64_t reach = (N_DIRECT + p + p * p + p * p * p) * fs->block_size;
    return reach < MAX_FILE_SIZE ? reach : MAX_FILE_SIZE;
}

/* Files over 2 GiB need RO_COMPAT large_file in the superblock (set on the
 * first one). */
static void note_large_file(struct ext2_fs *fs, uint64_t size)
{
    if (size > 0x7fffffffu && !(fs->feature_ro_compat & RO_COMPAT_LARGE_FILE)) {
        fs->feature_ro_compat |= RO_COMPAT_LARGE_FILE;
        fs->dirty_super = true;
    }
}

/* The bytes from pos up to the end of its block, at most left; *in_block is
 * where pos lies in that block. */
static uint64_t block_chunk(struct ext2_fs *fs, uint64_t pos, uint64_t left, uint32_t *in_block)
{
    *in_block = (uint32_t)(pos % fs->block_size);
    uint64_t chunk = fs->block_size - *in_block;
    return chunk < left ? chunk : left;
}

int64_t ext2_read(struct ext2_fs *fs, uint32_t ino, uint64_t off, void *buf, uint64_t n)
{
    struct ext2_inode in;
    int err = ext2_inode_read(fs, ino, &in);
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
    if (ext2_is_fast_symlink(fs, &in)) {
        uint8_t raw[FAST_SYMLINK_MAX];
        for (int i = 0; i < 15; i++)
            wr32(raw + 4 * i, in.block[i]);
        memcpy(dst, raw + off, n);
        return (int64_t)n;
    }
    uint64_t done = 0;
    while (done < n) {
        uint64_t pos = off + done;
        uint32_t in_block;
        uint64_t chunk = block_chunk(fs, pos, n - done, &in_block);
        uint32_t phys;
        if ((err = ext2_bmap(fs, ino, &in, pos / fs->block_size, false, NULL, &phys)))
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

/*
 * Writes n bytes at off into the inode (in memory in *in, written back
 * here), allocating blocks as needed. Bytes written, or negative errno.
 */
int64_t ext2_write_data(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint64_t off,
                        const void *buf, uint64_t n)
{
    uint32_t goal;
    int err = ext2_goal_for(fs, ino, in, off / fs->block_size, &goal);
    if (err)
        return err;
    const uint8_t *src = buf;
    uint64_t done = 0;
    while (done < n) {
        uint64_t pos = off + done;
        uint32_t in_block;
        uint64_t chunk = block_chunk(fs, pos, n - done, &in_block);
        uint32_t before = in->blocks, phys;
        if ((err = ext2_bmap(fs, ino, in, pos / fs->block_size, true, &goal, &phys)))
            break;
        /* A block ext2_bmap just allocated is zeroed in the cache already. */
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
    int werr = ext2_inode_write(fs, ino, in, false);
    if (done && (err == 0 || err == -ENOSPC))
        return werr ? werr : (int64_t)done;
    return err ? err : werr;
}

/* The inode of a regular file about to be written or truncated. */
static int regular_to_change(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in)
{
    if (fs->read_only)
        return -EROFS;
    int err = ext2_inode_read(fs, ino, in);
    if (err)
        return err;
    if (S_ISDIR(in->mode))
        return -EISDIR;
    return S_ISREG(in->mode) ? 0 : -EINVAL;
}

int64_t ext2_write(struct ext2_fs *fs, uint32_t ino, uint64_t off, const void *buf, uint64_t n)
{
    struct ext2_inode in;
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
    return ext2_write_data(fs, ino, &in, off, buf, n);
}

/* Zeroes the last block past size, so that growing the file later reads
 * zeros there. */
static int zero_tail(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint64_t size)
{
    uint32_t tail = (uint32_t)(size % fs->block_size), phys;
    if (!tail)
        return 0;
    int err = ext2_bmap(fs, ino, in, size / fs->block_size, false, NULL, &phys);
    if (err || !phys)
        return err;
    struct buf *b;
    if ((err = bcache_get(&fs->cache, phys, &b)))
        return err;
    memset(b->data + tail, 0, fs->block_size - tail);
    bcache_mark_dirty(&fs->cache, b);
    bcache_release(&fs->cache, b);
    return 0;
}

int ext2_truncate(struct ext2_fs *fs, uint32_t ino, uint64_t size)
{
    struct ext2_inode in;
    int err = regular_to_change(fs, ino, &in);
    if (err)
        return err;
    if (size > max_file_size(fs))
        return -EFBIG;
    if (size < in.size) {
        uint64_t keep = (size + fs->block_size - 1) / fs->block_size;
        err = ext2_free_blocks_from(fs, ino, &in, keep);
        if (!err)
            err = zero_tail(fs, ino, &in, size);
    }
    if (!err) {
        in.size = size;
        note_large_file(fs, size);
    }
    in.mtime = in.ctime = now(fs);
    int werr = ext2_inode_write(fs, ino, &in, false);
    return err ? err : werr;
}

