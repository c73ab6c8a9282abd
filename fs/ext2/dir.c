/*
 * fs/ext2/dir.c — directories: the entries in their blocks, looked up,
 * listed, added, pointed elsewhere and removed.
 *
 * Interface: public ext2_lookup, ext2_resolve, ext2_readdir (fs/ext2.h);
 * for namei.c the entry operations in ext2_internal.h (ext2_named_dir,
 * ext2_find_entry, ext2_add_entry, ext2_remove_entry, ...).
 *
 * A directory is a file of whole blocks, each a chain of records (inode,
 * rec_len, name_len, file type, name) whose rec_lens sum to the block size;
 * an unused record has inode 0. Invariants: every record is checked
 * (dirent_check) before it is used, so a malformed block gives -EUCLEAN and
 * never an access outside it; an entry is removed by merging its record
 * into the one before it (or zeroing the inode of the first), so records
 * never cross blocks; a directory's size is a multiple of the block size
 * with no holes. dir_index (htree) directories are read as linear
 * directories, which is valid because their leaf blocks hold ordinary
 * entries and index blocks look like empty entries; the first change to
 * such a directory clears its EXT2_INDEX_FL, turning it back into a plain
 * linear directory (e2fsck -D can index it again).
 */
#include "fs/ext2/ext2_internal.h"

/* ---- reading entries ----------------------------------------------------- */

static uint32_t dirent_size(uint32_t name_len)
{
    return (8 + name_len + 3) & ~3u;
}

uint8_t ext2_file_type_of(uint16_t mode)
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

/*
 * Checks the entry at off of directory block b; fills rec_len and name_len.
 * On failure b is released: every walk over a block stops at a bad entry.
 */
static int dirent_check(struct ext2_fs *fs, uint32_t dir, struct buf *b, uint32_t off,
                        uint32_t *rec_len, uint32_t *name_len)
{
    const uint8_t *block = b->data;
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
        bcache_release(&fs->cache, b);
        return -EUCLEAN;
    }
    *rec_len = rec;
    *name_len = nl;
    return 0;
}

int ext2_dir_inode(struct ext2_fs *fs, uint32_t dir, struct ext2_inode *in)
{
    int err = ext2_inode_read(fs, dir, in);
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

static int dir_block(struct ext2_fs *fs, uint32_t dir, struct ext2_inode *in, uint64_t fb,
                     struct buf **b)
{
    uint32_t phys;
    int err = ext2_bmap(fs, dir, in, fb, false, NULL, &phys);
    if (err)
        return err;
    if (!phys) {
        LOG(fs, "ext2: directory %u: hole at block %llu\n", dir, (unsigned long long)fb);
        return -EUCLEAN;
    }
    return bcache_get(&fs->cache, phys, b);
}

int ext2_find_entry(struct ext2_fs *fs, uint32_t dir, struct ext2_inode *in, const char *name,
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
            if ((err = dirent_check(fs, dir, b, off, &rec, &nl)))
                return err;
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
int ext2_check_absent(struct ext2_fs *fs, uint32_t dir, struct ext2_inode *in, const char *name,
                      size_t len)
{
    struct dirslot s;
    int err = ext2_find_entry(fs, dir, in, name, len, &s);
    if (err == 0) {
        bcache_release(&fs->cache, s.b);
        return -EEXIST;
    }
    return err == -ENOENT ? 0 : err;
}

int ext2_check_name(const char *name, size_t len)
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

bool ext2_is_dot_or_dotdot(const char *name, size_t len)
{
    return (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
}

/* The opening of every call that names an entry of dir: name is one valid
 * component, then dir is a directory (read into *in), in that order. */
int ext2_named_dir(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len,
                   struct ext2_inode *in)
{
    int err = ext2_check_name(name, len);
    return err ? err : ext2_dir_inode(fs, dir, in);
}

int ext2_find_ino(struct ext2_fs *fs, uint32_t dir, struct ext2_inode *in, const char *name,
                  size_t len, uint32_t *ino)
{
    struct dirslot s;
    int err = ext2_find_entry(fs, dir, in, name, len, &s);
    if (err)
        return err;
    bcache_release(&fs->cache, s.b);
    *ino = s.ino;
    return 0;
}

int ext2_lookup(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len, uint32_t *ino)
{
    struct ext2_inode in;
    int err = ext2_named_dir(fs, dir, name, len, &in);
    return err ? err : ext2_find_ino(fs, dir, &in, name, len, ino);
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

/*
 * The first entry in use at or after byte want of directory block b (held;
 * released here): 1 with *out filled and *end just past its record, 0 if
 * the block has none, or negative errno.
 */
static int next_in_block(struct ext2_fs *fs, uint32_t dir, struct buf *b, uint32_t want,
                         struct ext2_dirent *out, uint32_t *end)
{
    bool has_type = fs->feature_incompat & INCOMPAT_FILETYPE;
    uint32_t off = 0, rec, nl;
    int err;
    /* want may point into a record an unlink merged into the one before
     * it, or anywhere lseek put it: walk the block's chain from its start
     * to the first record at or after it. */
    while (off < want) {
        if ((err = dirent_check(fs, dir, b, off, &rec, &nl)))
            return err;
        off += rec;
    }
    for (; off < fs->block_size; off += rec) {
        if ((err = dirent_check(fs, dir, b, off, &rec, &nl)))
            return err;
        uint32_t ino = rd32(b->data + off);
        if (ino) {
            out->ino = ino;
            out->type = has_type ? b->data[off + 7] : EXT2_FT_UNKNOWN;
            out->name_len = (uint8_t)nl;
            memcpy(out->name, b->data + off + 8, nl);
            out->name[nl] = '\0';
            bcache_release(&fs->cache, b);
            *end = off + rec;
            return 1;
        }
    }
    bcache_release(&fs->cache, b);
    return 0;
}

int ext2_readdir(struct ext2_fs *fs, uint32_t dir, uint64_t *cookie, struct ext2_dirent *out)
{
    struct ext2_inode in;
    int err = ext2_dir_inode(fs, dir, &in);
    if (err)
        return err;
    while (*cookie < in.size) {
        uint64_t fb = *cookie / fs->block_size;
        struct buf *b;
        uint32_t end = 0;
        if ((err = dir_block(fs, dir, &in, fb, &b)))
            return err;
        err = next_in_block(fs, dir, b, (uint32_t)(*cookie % fs->block_size), out, &end);
        if (err < 0)
            return err;
        if (err == 1) {
            *cookie = fb * fs->block_size + end;
            return 1;
        }
        *cookie = (fb + 1) * fs->block_size;
    }
    return 0;
}

/* ---- changing entries ---------------------------------------------------- */

static void dirent_fill(struct ext2_fs *fs, uint8_t *p, uint32_t ino, uint32_t rec,
                        const char *name, size_t len, uint8_t type)
{
    wr32(p, ino);
    wr16(p + 4, (uint16_t)rec);
    p[6] = (uint8_t)len;
    p[7] = (fs->feature_incompat & INCOMPAT_FILETYPE) ? type : 0;
    memcpy(p + 8, name, len);
}

/* A change to an htree directory turns it into a linear one (see the top). */
static void drop_index(struct ext2_inode *in)
{
    in->flags &= ~INDEX_FL;
}

int ext2_dir_changed(struct ext2_fs *fs, uint32_t dir, struct ext2_inode *in)
{
    drop_index(in);
    in->mtime = in->ctime = now(fs);
    return ext2_inode_write(fs, dir, in, false);
}

int ext2_dir_init_block(struct ext2_fs *fs, uint32_t blk, uint32_t ino, uint32_t parent)
{
    struct buf *b;
    int err = bcache_get(&fs->cache, blk, &b);
    if (err)
        return err;
    dirent_fill(fs, b->data, ino, 12, ".", 1, EXT2_FT_DIR);
    dirent_fill(fs, b->data + 12, parent, fs->block_size - 12, "..", 2, EXT2_FT_DIR);
    bcache_mark_dirty(&fs->cache, b);
    bcache_release(&fs->cache, b);
    return 0;
}

/*
 * Puts name -> ino into the first record of directory block b (held) with
 * room for it after its own entry (or in place of an unused one): 1 when it
 * did (b released), 0 when the block has no room (b still held), or
 * negative errno (b released).
 */
static int fit_entry(struct ext2_fs *fs, uint32_t dir, struct buf *b, const char *name,
                     size_t len, uint32_t ino, uint8_t type)
{
    uint32_t need = dirent_size((uint32_t)len);
    for (uint32_t off = 0; off < fs->block_size;) {
        uint32_t rec, nl;
        int err = dirent_check(fs, dir, b, off, &rec, &nl);
        if (err)
            return err;
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
            return 1;
        }
        off += rec;
    }
    return 0;
}

/*
 * No block had room: one more block holding just this entry. Nothing on the
 * disk points to it before the directory's inode does, so it is written
 * with the data (BCACHE_DATA), ahead of that inode; *in (the directory)
 * grows by a block near goal, written back by the caller.
 */
static int append_entry_block(struct ext2_fs *fs, uint32_t dir, struct ext2_inode *in,
                              uint32_t goal, const char *name, size_t len, uint32_t ino,
                              uint8_t type)
{
    uint32_t phys;
    int err = ext2_bmap(fs, dir, in, in->size / fs->block_size, true, &goal, &phys);
    if (err)
        return err;
    struct buf *b;
    if ((err = bcache_get(&fs->cache, phys, &b)))
        return err;
    dirent_fill(fs, b->data, ino, fs->block_size, name, len, type);
    bcache_mark_dirty(&fs->cache, b);
    bcache_release(&fs->cache, b);
    in->size += fs->block_size;
    return 0;
}

int ext2_add_entry(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len, uint32_t ino,
                   uint8_t type)
{
    struct ext2_inode in;
    int err = ext2_dir_inode(fs, dir, &in);
    if (err)
        return err;
    uint64_t nblocks = in.size / fs->block_size;
    for (uint64_t fb = 0; fb < nblocks; fb++) {
        struct buf *b;
        if ((err = dir_block(fs, dir, &in, fb, &b)))
            return err;
        if ((err = fit_entry(fs, dir, b, name, len, ino, type)) < 0)
            return err;
        if (err == 1)
            return ext2_dir_changed(fs, dir, &in);
        bcache_release(&fs->cache, b);
    }
    uint32_t goal;
    if ((err = ext2_goal_for(fs, dir, &in, nblocks, &goal)))
        return err;
    /* The directory's inode is written even when the block could not be
     * added: bmap may have taken an indirect block already. */
    err = append_entry_block(fs, dir, &in, goal, name, len, ino, type);
    int werr = ext2_dir_changed(fs, dir, &in);
    return err ? err : werr;
}

void ext2_retarget_entry(struct ext2_fs *fs, struct dirslot *s, uint32_t ino, uint16_t mode)
{
    wr32(s->b->data + s->off, ino);
    if (fs->feature_incompat & INCOMPAT_FILETYPE)
        s->b->data[s->off + 7] = ext2_file_type_of(mode);
    bcache_mark_dirty_order(&fs->cache, s->b, BCACHE_DIRENT);
    bcache_release(&fs->cache, s->b);
}

int ext2_remove_entry(struct ext2_fs *fs, uint32_t dir, struct dirslot *s)
{
    uint8_t *p = s->b->data;
    if (s->prev_off != UINT32_MAX)
        wr16(p + s->prev_off + 4, (uint16_t)(rd16(p + s->prev_off + 4) + rd16(p + s->off + 4)));
    else
        wr32(p + s->off, 0);
    bcache_mark_dirty_order(&fs->cache, s->b, BCACHE_DIRENT);
    bcache_release(&fs->cache, s->b);
    struct ext2_inode in;
    int err = ext2_inode_read(fs, dir, &in);
    if (err)
        return err;
    return ext2_dir_changed(fs, dir, &in);
}

int ext2_dir_is_empty(struct ext2_fs *fs, uint32_t dir)
{
    uint64_t cookie = 0;
    struct ext2_dirent d;
    int r;
    while ((r = ext2_readdir(fs, dir, &cookie, &d)) == 1)
        if (!ext2_is_dot_or_dotdot(d.name, d.name_len))
            return 0;
    return r < 0 ? r : 1;
}

int ext2_set_dotdot(struct ext2_fs *fs, uint32_t ino, uint32_t new_parent)
{
    struct ext2_inode in;
    int err = ext2_dir_inode(fs, ino, &in);
    if (err)
        return err;
    struct dirslot s;
    if ((err = ext2_find_entry(fs, ino, &in, "..", 2, &s)))
        return err == -ENOENT ? -EUCLEAN : err;
    wr32(s.b->data + s.off, new_parent);
    bcache_mark_dirty_order(&fs->cache, s.b, BCACHE_DIRENT);
    bcache_release(&fs->cache, s.b);
    drop_index(&in);
    in.ctime = now(fs);
    return ext2_inode_write(fs, ino, &in, false);
}
