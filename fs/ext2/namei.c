/*
 * fs/ext2/namei.c — the namespace changes: ext2_create, ext2_mkdir,
 * ext2_symlink, ext2_link, ext2_unlink, ext2_rmdir, ext2_rename
 * (fs/ext2.h).
 *
 * Each call checks everything it can before it changes anything, in a
 * fixed order whose first failing check gives the error: the file system is
 * writable (-EROFS), each name is one valid component, each directory is
 * one, then the entries and inodes named. Invariants kept: a directory's
 * link count is 2 plus its subdirectories (its entry in the parent, its own
 * ".", each child's ".."); any other inode's link count is the number of
 * entries naming it, and the inode is freed when that reaches zero; no
 * directory moves below itself; a name is added only where it is absent.
 * A new inode whose name cannot be added is given back (make_node's undo).
 */
#include "fs/ext2/ext2_internal.h"

/* The opening of every change: the file system is writable, then name is
 * one valid component. */
static int check_change(struct ext2_fs *fs, const char *name, size_t len)
{
    return fs->read_only ? -EROFS : ext2_check_name(name, len);
}

/* check_change, then dir is a directory (read into *parent): how create,
 * mkdir, symlink and unlink begin. */
static int begin_change(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len,
                        struct ext2_inode *parent)
{
    int err = check_change(fs, name, len);
    return err ? err : ext2_dir_inode(fs, dir, parent);
}

static int adjust_links(struct ext2_fs *fs, uint32_t ino, int delta)
{
    struct ext2_inode in;
    int err = ext2_inode_read(fs, ino, &in);
    if (err)
        return err;
    in.links = (uint16_t)(in.links + delta);
    in.ctime = now(fs);
    return ext2_inode_write(fs, ino, &in, false);
}

/* ---- new inodes ---------------------------------------------------------- */

static bool is_fast_target(const char *link, size_t link_len)
{
    return link && link_len < FAST_SYMLINK_MAX;
}

/*
 * What a new inode ino in directory dir holds before it is first written:
 * a directory its first block with "." and "..", a short symlink target
 * (under 60 bytes) its bytes in i_block.
 */
static int fill_new_inode(struct ext2_fs *fs, uint32_t dir, uint32_t ino, struct ext2_inode *in,
                          const char *link, size_t link_len)
{
    if (S_ISDIR(in->mode)) {
        uint32_t goal = ext2_group_goal(fs, ino), blk;
        int err = ext2_alloc_zeroed(fs, in, &goal, &blk);
        if (err)
            return err;
        in->block[0] = blk;
        in->size = fs->block_size;
        return ext2_dir_init_block(fs, blk, ino, dir);
    }
    if (is_fast_target(link, link_len)) {
        uint8_t raw[FAST_SYMLINK_MAX];
        memset(raw, 0, sizeof(raw));
        memcpy(raw, link, link_len);
        for (int i = 0; i < 15; i++)
            in->block[i] = rd32(raw + 4 * i);
        in->size = link_len;
    }
    return 0;
}

/* A long symlink target goes into a data block, like file contents. */
static int write_long_target(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in,
                             const char *link, size_t link_len)
{
    if (!link || is_fast_target(link, link_len))
        return 0;
    int64_t n = ext2_write_data(fs, ino, in, 0, link, link_len);
    if (n != (int64_t)link_len)
        return n < 0 ? (int)n : -ENOSPC;
    return 0;
}

/* Gives back what a half-made inode took and leaves its slot looking deleted. */
static void undo_node(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, bool fast_link)
{
    if (!fast_link)
        ext2_free_blocks_from(fs, ino, in, 0);
    bool is_dir = S_ISDIR(in->mode);
    in->links = 0;
    in->dtime = now(fs) ? now(fs) : 1;
    ext2_inode_write(fs, ino, in, true);
    ext2_free_inode(fs, ino, is_dir);
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
    struct ext2_inode parent;
    int err = begin_change(fs, dir, name, len, &parent);
    if (err || (err = ext2_check_absent(fs, dir, &parent, name, len)))
        return err;
    bool is_dir = S_ISDIR(mode);
    if (is_dir && parent.links >= LINK_MAX_COUNT)
        return -EMLINK;

    uint32_t ino;
    if ((err = ext2_alloc_inode(fs, dir, is_dir, &ino)))
        return err;
    struct ext2_inode in;
    memset(&in, 0, sizeof(in));
    in.mode = mode;
    in.links = is_dir ? 2 : 1;
    in.atime = in.ctime = in.mtime = now(fs);
    if ((err = fill_new_inode(fs, dir, ino, &in, link, link_len)) ||
        (err = ext2_inode_write(fs, ino, &in, true)) ||
        (err = write_long_target(fs, ino, &in, link, link_len)) ||
        (err = ext2_add_entry(fs, dir, name, len, ino, ext2_file_type_of(mode)))) {
        undo_node(fs, ino, &in, is_fast_target(link, link_len));
        return err;
    }
    if (is_dir && (err = adjust_links(fs, dir, 1)))
        return err;
    *out = ino;
    return 0;
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

/* ---- more names, fewer names --------------------------------------------- */

int ext2_link(struct ext2_fs *fs, uint32_t ino, uint32_t dir, const char *name, size_t len)
{
    int err = check_change(fs, name, len);
    if (err)
        return err;
    struct ext2_inode in, parent;
    if ((err = ext2_inode_read(fs, ino, &in)))
        return err;
    if (S_ISDIR(in.mode))
        return -EPERM;
    if (in.links == 0)
        return -ENOENT;
    if (in.links >= LINK_MAX_COUNT)
        return -EMLINK;
    if ((err = ext2_dir_inode(fs, dir, &parent)))
        return err;
    if ((err = ext2_check_absent(fs, dir, &parent, name, len)))
        return err;
    if ((err = ext2_add_entry(fs, dir, name, len, ino, ext2_file_type_of(in.mode))))
        return err;
    return adjust_links(fs, ino, 1);
}


/* Drops one link of ino; destroys it when none is left. */
static int drop_link(struct ext2_fs *fs, uint32_t ino, bool whole_dir)
{
    struct ext2_inode in;
    int err = ext2_inode_read(fs, ino, &in);
    if (err)
        return err;
    if (whole_dir || in.links <= 1)
        return ext2_destroy_inode(fs, ino, &in);
    in.links--;
    in.ctime = now(fs);
    return ext2_inode_write(fs, ino, &in, false);
}

int ext2_unlink(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len)
{
    struct ext2_inode parent, target;
    struct dirslot s;
    int err = begin_change(fs, dir, name, len, &parent);
    if (err || (err = ext2_find_entry(fs, dir, &parent, name, len, &s)))
        return err;
    if ((err = ext2_inode_read(fs, s.ino, &target)) || S_ISDIR(target.mode)) {
        bcache_release(&fs->cache, s.b);
        return err ? err : -EISDIR;
    }
    if ((err = ext2_remove_entry(fs, dir, &s)))
        return err;
    return drop_link(fs, s.ino, false);
}

int ext2_rmdir(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len)
{
    int err = check_change(fs, name, len);
    if (err)
        return err;
    if (len == 1 && name[0] == '.')
        return -EINVAL;
    if (len == 2 && name[0] == '.' && name[1] == '.')
        return -ENOTEMPTY;
    struct ext2_inode parent, target;
    if ((err = ext2_dir_inode(fs, dir, &parent)))
        return err;
    uint32_t ino;
    if ((err = ext2_find_ino(fs, dir, &parent, name, len, &ino)))
        return err;
    if ((err = ext2_dir_inode(fs, ino, &target)))
        return err;
    if ((err = ext2_dir_is_empty(fs, ino)) <= 0)
        return err < 0 ? err : -ENOTEMPTY;
    /* Find again: ext2_dir_is_empty used the cache, the slot must be fresh. */
    struct dirslot s;
    if ((err = ext2_find_entry(fs, dir, &parent, name, len, &s)))
        return err;
    if ((err = ext2_remove_entry(fs, dir, &s)))
        return err;
    if ((err = drop_link(fs, ino, true)))
        return err;
    return adjust_links(fs, dir, -1);
}

/* ---- rename -------------------------------------------------------------- */

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

/* May directory ino move into newdir (*nd)? Not below itself, and newdir
 * must have room for one more link (its "..").*/
static int check_dir_move(struct ext2_fs *fs, uint32_t ino, uint32_t newdir,
                          const struct ext2_inode *nd)
{
    int r = is_ancestor(fs, ino, newdir);
    if (r)
        return r < 0 ? r : -EINVAL;
    return nd->links >= LINK_MAX_COUNT ? -EMLINK : 0;
}

/*
 * The new name exists already (s, held): it is pointed at ino (*src) and
 * the inode it named, the victim, loses that link. The victim must be of
 * the same kind, and a directory empty. 1 (s released, nothing changed)
 * when the name already names ino.
 */
static int replace_entry(struct ext2_fs *fs, uint32_t newdir, struct ext2_inode *nd,
                         const char *newname, size_t newlen, struct dirslot *s, uint32_t ino,
                         const struct ext2_inode *src)
{
    uint32_t victim = s->ino;
    struct ext2_inode vin;
    int err = victim == ino ? 1 : ext2_inode_read(fs, victim, &vin);
    if (!err && S_ISDIR(vin.mode) != S_ISDIR(src->mode))
        err = S_ISDIR(vin.mode) ? -EISDIR : -ENOTDIR;
    if (err) {
        bcache_release(&fs->cache, s->b);
        return err;
    }
    bool victim_dir = S_ISDIR(vin.mode);
    if (victim_dir) {
        bcache_release(&fs->cache, s->b);
        int r = ext2_dir_is_empty(fs, victim);
        if (r <= 0)
            return r < 0 ? r : -ENOTEMPTY;
        if ((err = ext2_find_entry(fs, newdir, nd, newname, newlen, s)))
            return err;
    }
    ext2_retarget_entry(fs, s, ino, src->mode);
    if ((err = drop_link(fs, victim, victim_dir)))
        return err;
    if (victim_dir && (err = adjust_links(fs, newdir, -1)))
        return err;
    if ((err = ext2_inode_read(fs, newdir, nd)))
        return err;
    return ext2_dir_changed(fs, newdir, nd);
}

/* Removes the old name of a renamed inode ino and, for a directory that
 * moved to newdir, its ".." and both parents' link counts follow. */
static int drop_old_name(struct ext2_fs *fs, uint32_t olddir, const char *oldname,
                         size_t oldlen, uint32_t ino, uint32_t newdir, bool moving_dir)
{
    /* Looked up again: adding may have moved nothing, but the directory
     * inode may have changed. */
    struct ext2_inode od;
    struct dirslot s;
    int err = ext2_dir_inode(fs, olddir, &od);
    if (err)
        return err;
    if ((err = ext2_find_entry(fs, olddir, &od, oldname, oldlen, &s)))
        return err == -ENOENT ? -EUCLEAN : err;
    if ((err = ext2_remove_entry(fs, olddir, &s)))
        return err;
    if (moving_dir) {
        if ((err = ext2_set_dotdot(fs, ino, newdir)))
            return err;
        if ((err = adjust_links(fs, olddir, -1)) || (err = adjust_links(fs, newdir, 1)))
            return err;
    }
    return adjust_links(fs, ino, 0); /* ctime */
}

int ext2_rename(struct ext2_fs *fs, uint32_t olddir, const char *oldname, size_t oldlen,
                uint32_t newdir, const char *newname, size_t newlen)
{
    int err;
    if ((err = check_change(fs, oldname, oldlen)) || (err = check_change(fs, newname, newlen)))
        return err;
    if (ext2_is_dot_or_dotdot(oldname, oldlen) || ext2_is_dot_or_dotdot(newname, newlen))
        return -EINVAL;
    struct ext2_inode od, nd, src;
    if ((err = ext2_dir_inode(fs, olddir, &od)) || (err = ext2_dir_inode(fs, newdir, &nd)))
        return err;
    uint32_t ino;
    if ((err = ext2_find_ino(fs, olddir, &od, oldname, oldlen, &ino)) ||
        (err = ext2_inode_read(fs, ino, &src)))
        return err;
    bool moving_dir = S_ISDIR(src.mode) && olddir != newdir;
    if (moving_dir && (err = check_dir_move(fs, ino, newdir, &nd)))
        return err;

    struct dirslot s;
    err = ext2_find_entry(fs, newdir, &nd, newname, newlen, &s);
    if (err == -ENOENT)
        err = ext2_add_entry(fs, newdir, newname, newlen, ino, ext2_file_type_of(src.mode));
    else if (err == 0)
        err = replace_entry(fs, newdir, &nd, newname, newlen, &s, ino, &src);
    if (err)
        return err < 0 ? err : 0;  /* 1: the new name was the old inode's */
    return drop_old_name(fs, olddir, oldname, oldlen, ino, newdir, moving_dir);
}
