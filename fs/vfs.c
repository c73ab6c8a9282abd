/*
 * fs/vfs.c — see vfs.h.
 *
 * Tables: vnodes (one per ext2 inode in use by an open file or as a working
 * directory, counted) are a fixed array of NVNODE small entries; files
 * (open-file descriptions, counted) are allocated from the kernel heap on
 * demand, at most NFILE at once, so an idle system spends nothing on them;
 * devices are a fixed array. Exhaustion is -ENFILE, never a crash. The root
 * file system's block cache gets VFS_CACHE_BLOCKS blocks of memory at mount.
 *
 * Lookup: walk_to_last() follows every component but the last from the
 * start directory (ext2_lookup, so "." and ".." are the directories' own
 * entries), and walk_final() the last one. The device directory /dev is not
 * on disk: "dev" in the root leads to it (DEVDIR_INO), its ".." is the root,
 * and what follows it is one device name, slashes included ("input/kbd").
 */
#include "fs/vfs.h"

#include <stdarg.h>

#include "fs/ext2.h"
#include "fs/path.h"
#include "kernel/arch/console.h"
#include "kernel/abi/errno.h"
#include "kernel/mm/kalloc.h"
#include "kernel/arch/panic.h"
#include "kernel/arch/riscv.h"
#include "kernel/arch/rtc.h"
#include "kernel/task/sleeplock.h"
#include "kernel/lib/string.h"

#define NDEVICE 16
#define VFS_CACHE_BLOCKS 512
#define VFS_READAHEAD 32

struct vnode {
    uint32_t ino;
    int refs;
};

static struct ext2_fs rootfs;
static bool have_root;
static struct sleeplock fs_lock;
static struct vnode vnodes[NVNODE];
static int nfiles;              /* files allocated (<= NFILE) */
/* The /dev directory as a working directory: never in vnodes[]. */
#define DEVDIR_INO 0
static struct vnode devdir_vnode = { .ino = DEVDIR_INO, .refs = 1 };
static const struct device *devices[NDEVICE];
static int ndevices;

/* ---- mounting ---------------------------------------------------------- */

static void ext2_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kprintf("ext2: ");
    kvprintf(fmt, ap);
    kprintf("\n");
    va_end(ap);
}

static uint64_t ext2_now(void)
{
    return rtc_seconds();
}

int vfs_mount_root(struct blockdev *dev)
{
    size_t size = ext2_cache_storage_size(VFS_CACHE_BLOCKS);
    void *storage = kpages_alloc((size + PAGE_SIZE - 1) / PAGE_SIZE, 1, PAGE_OWNER_FS);
    if (!storage) {
        klog("vfs: no memory for the block cache\n");
        return -ENOMEM;
    }
    struct ext2_mount_opts opts = {
        .read_only = false, .now = ext2_now, .log = ext2_log, .readahead = VFS_READAHEAD,
    };
    sleeplock_acquire(&fs_lock);
    int err = ext2_mount(&rootfs, dev, storage, size, &opts);
    sleeplock_release(&fs_lock);
    if (err < 0) {
        klog("vfs: cannot mount the root file system from %s (error %d)\n", dev->name, err);
        kpages_free(storage);
        return err;
    }
    have_root = true;
    klog("vfs: mounted ext2 from %s: %u-byte blocks, %u of %u blocks free, %u-block cache%s\n",
         dev->name, rootfs.block_size, rootfs.free_blocks, rootfs.blocks_count,
         VFS_CACHE_BLOCKS, rootfs.read_only ? ", read-only" : "");
    return 0;
}

bool vfs_have_root(void)
{
    return have_root;
}

int vfs_sync(void)
{
    if (!have_root)
        return 0;
    sleeplock_acquire(&fs_lock);
    int err = ext2_sync(&rootfs);
    sleeplock_release(&fs_lock);
    return err;
}

void vfs_set_dirty_hook(uint64_t (*clock)(void), void (*hook)(void *arg), void *arg)
{
    sleeplock_acquire(&fs_lock);
    bcache_set_dirty_hook(&rootfs.cache, clock, hook, arg);
    sleeplock_release(&fs_lock);
}

uint64_t vfs_dirty_since(void)
{
    return have_root ? bcache_dirty_since(&rootfs.cache) : 0;
}

int dev_register(const struct device *dev)
{
    if (ndevices == NDEVICE)
        return -ENFILE;
    devices[ndevices++] = dev;
    return 0;
}

static const struct device *dev_lookup(const char *name, size_t len)
{
    for (int i = 0; i < ndevices; i++)
        if (strlen(devices[i]->name) == len && memcmp(devices[i]->name, name, len) == 0)
            return devices[i];
    return NULL;
}

/* ---- tables ------------------------------------------------------------ */

static struct vnode *vnode_get(uint32_t ino)
{
    KASSERT_DEBUG(sleeplock_held(&fs_lock));
    struct vnode *free_slot = NULL;
    for (int i = 0; i < NVNODE; i++) {
        if (vnodes[i].refs && vnodes[i].ino == ino) {
            vnodes[i].refs++;
            return &vnodes[i];
        }
        if (!vnodes[i].refs && !free_slot)
            free_slot = &vnodes[i];
    }
    if (free_slot) {
        free_slot->ino = ino;
        free_slot->refs = 1;
    }
    return free_slot;
}

struct vnode *vnode_dup(struct vnode *vn)
{
    if (vn)
        vn->refs++;
    return vn;
}

void vnode_put(struct vnode *vn)
{
    if (!vn)
        return;
    KASSERT(vn->refs > 0);
    vn->refs--;
}

static bool ino_is_open(uint32_t ino)
{
    for (int i = 0; i < NVNODE; i++)
        if (vnodes[i].refs && vnodes[i].ino == ino)
            return true;
    return false;
}

/* Files are made and freed only by system calls (never by interrupt
 * handlers), and the kernel is not preemptive: nfiles needs no lock. */
struct file *file_alloc(enum file_kind kind, int flags, const struct file_ops *ops, void *priv)
{
    KASSERT_DEBUG(nfiles >= 0 && nfiles <= NFILE);
    if (nfiles == NFILE)
        return NULL;
    struct file *f = kmalloc(sizeof *f);
    if (!f)
        return NULL;
    nfiles++;
    *f = (struct file){ .refs = 1, .kind = kind, .flags = flags, .ops = ops, .priv = priv };
    return f;
}

void file_abandon(struct file *f)
{
    KASSERT(f && nfiles > 0);
    kfree(f);
    nfiles--;
}

void file_get(struct file *f)
{
    uint64_t irq = irq_save();
    f->refs++;
    irq_restore(irq);
}

/* The last put tears the file down. Each open file is its own allocation
 * (file_alloc), freed only after its release has returned: a release may
 * sleep (/dev/audio's waits for the sound to play) while other opens get
 * other memory, so none can be handed this one mid-teardown (the bug
 * sysfuzz found in the old fixed table: usertest file_slot_reuse_during_close). */
void file_put(struct file *f)
{
    uint64_t irq = irq_save();
    int left = --f->refs;
    KASSERT(left >= 0); /* a put without its get */
    irq_restore(irq);
    if (left > 0)
        return;
    if (f->ops && f->ops->release)
        f->ops->release(f);
    vnode_put(f->vn);
    file_abandon(f);
}

/* ---- helpers ----------------------------------------------------------- */

static bool readable(const struct file *f)
{
    return (f->flags & O_ACCMODE) != O_WRONLY;
}

static bool writable(const struct file *f)
{
    return (f->flags & O_ACCMODE) != O_RDONLY;
}

static void fill_stat_from_ext2(const struct ext2_stat *es, struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_dev = 1;
    st->st_ino = es->ino;
    st->st_mode = es->mode;
    st->st_nlink = es->nlink;
    st->st_uid = es->uid;
    st->st_gid = es->gid;
    st->st_size = (int64_t)es->size;
    st->st_blocks = (int64_t)es->blocks;
    st->st_blksize = es->blksize;
    st->st_atim.tv_sec = es->atime;
    st->st_mtim.tv_sec = es->mtime;
    st->st_ctim.tv_sec = es->ctime;
}

static void fill_stat_device(const struct device *d, struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_dev = 2;
    st->st_mode = S_IFCHR | 0666;
    st->st_nlink = 1;
    st->st_rdev = d->rdev;
    st->st_blksize = 4096;
}

static void fill_stat_devdir(struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_dev = 2;
    st->st_mode = S_IFDIR | 0755;
    st->st_nlink = 2;
}

/* ---- lookup (fs_lock held) ----------------------------------------------- */

/* A path followed up to its last component. */
struct walk {
    uint32_t dir;               /* the directory the last component is in */
    const char *name;           /* the last component; len 0: dir itself */
    size_t len;
    bool slash;                 /* a slash follows it: it must be a directory */
};

/* What a path names: an inode (or DEVDIR_INO), or a device. */
struct node {
    uint32_t ino;
    const struct device *dev;
};

static bool is_dev_entry(uint32_t dir, const char *name, size_t len)
{
    return dir == EXT2_ROOT_INO && len == 3 && memcmp(name, "dev", 3) == 0;
}

/* From directory dir through one component (not a device name). */
static int step(uint32_t dir, const char *name, size_t len, uint32_t *next)
{
    if (dir == DEVDIR_INO) {
        *next = path_is_dotdot(name, len) ? EXT2_ROOT_INO : DEVDIR_INO;
        return 0;
    }
    if (is_dev_entry(dir, name, len)) {
        *next = DEVDIR_INO;
        return 0;
    }
    if (!have_root)
        return -ENOENT;
    return ext2_lookup(&rootfs, dir, name, len, next);
}

static int walk_to_last(struct vnode *at, const char *path, struct walk *w)
{
    KASSERT_DEBUG(sleeplock_held(&fs_lock));
    if (!*path)
        return -ENOENT;
    uint32_t dir = path[0] == '/' || !at ? EXT2_ROOT_INO : at->ino;
    size_t dir_len;
    w->slash = path_last(path, strlen(path), &dir_len, &w->name, &w->len);
    const char *p = path, *name;
    size_t len;
    while (path_next(&p, path + dir_len, &name, &len)) {
        if (dir == DEVDIR_INO && !path_is_dot(name, len) && !path_is_dotdot(name, len)) {
            /* A device name holds slashes: the rest is one name. */
            w->len = (size_t)(w->name + w->len - name);
            w->name = name;
            break;
        }
        int err = step(dir, name, len, &dir);
        if (err)
            return err;
    }
    w->dir = dir;
    return 0;
}

/* 0 when ino is a directory, else -ENOTDIR (or the error reading it). */
static int check_directory(uint32_t ino)
{
    if (ino == DEVDIR_INO)
        return 0;
    struct ext2_stat es;
    int err = ext2_stat(&rootfs, ino, &es);
    return err ? err : (es.mode & S_IFMT) == S_IFDIR ? 0 : -ENOTDIR;
}

static int walk_final(const struct walk *w, struct node *out)
{
    out->dev = NULL;
    out->ino = w->dir;
    int err = 0;
    if (w->dir == DEVDIR_INO && w->len && !path_is_dot(w->name, w->len) &&
        !path_is_dotdot(w->name, w->len)) {
        out->dev = dev_lookup(w->name, w->len);
        if (!out->dev)
            return -ENOENT;
        return w->slash ? -ENOTDIR : 0;
    }
    if (w->len)
        err = step(w->dir, w->name, w->len, &out->ino);
    if (!err && w->slash)
        err = check_directory(out->ino);
    return err;
}

static int lookup(struct vnode *at, const char *path, struct node *out)
{
    struct walk w;
    int err = walk_to_last(at, path, &w);
    return err ? err : walk_final(&w, out);
}

/* ---- open and friends -------------------------------------------------- */

static int open_device(const struct device *d, int flags, struct file **out)
{
    if (!d) {
        if ((flags & O_ACCMODE) != O_RDONLY)
            return -EISDIR;
        struct file *f = file_alloc(FILE_DEVDIR, flags, NULL, NULL);
        if (!f)
            return -ENFILE;
        *out = f;
        return 0;
    }
    if (flags & O_DIRECTORY)
        return -ENOTDIR;
    struct file *f = file_alloc(FILE_DEVICE, flags & (O_ACCMODE | O_NONBLOCK | O_APPEND),
                                d->ops, NULL);
    if (!f)
        return -ENFILE;
    f->dev = d;
    if (d->open) {
        int err = d->open(f);
        if (err) {
            file_abandon(f);
            return err;
        }
    }
    *out = f;
    return 0;
}

/* open's lookup, creating the last component for O_CREAT. */
static int open_lookup(struct vnode *at, const char *path, int flags, uint32_t mode,
                       struct node *nd)
{
    struct walk w;
    int err = walk_to_last(at, path, &w);
    if (err)
        return err;
    err = walk_final(&w, nd);
    if (!(flags & O_CREAT))
        return err;
    if (!err)
        return (flags & O_EXCL) ? -EEXIST : 0;
    if (err != -ENOENT || w.dir == DEVDIR_INO)
        return err;
    if (w.slash)
        return -EISDIR; /* "new/" names a directory open cannot make */
    nd->dev = NULL;
    return ext2_create(&rootfs, w.dir, w.name, w.len, (uint16_t)(mode & 07777), &nd->ino);
}

static int open_inode(uint32_t ino, int flags, struct file **out)
{
    struct ext2_stat es;
    int err = ext2_stat(&rootfs, ino, &es);
    if (!err) {
        bool is_dir = (es.mode & S_IFMT) == S_IFDIR;
        if (is_dir && (flags & O_ACCMODE) != O_RDONLY)
            err = -EISDIR;
        else if (!is_dir && (flags & O_DIRECTORY))
            err = -ENOTDIR;
        else if (!is_dir && (flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY)
            err = ext2_truncate(&rootfs, ino, 0);
    }
    if (err)
        return err;
    struct vnode *vn = vnode_get(ino);
    struct file *f = vn ? file_alloc(FILE_INODE, flags & (O_ACCMODE | O_APPEND | O_NONBLOCK),
                                     NULL, NULL)
                        : NULL;
    if (!f) {
        vnode_put(vn);
        return -ENFILE;
    }
    f->vn = vn;
    *out = f;
    return 0;
}

int vfs_open(struct vnode *at, const char *path, int flags, uint32_t mode, struct file **out)
{
    sleeplock_acquire(&fs_lock);
    struct node nd;
    int err = open_lookup(at, path, flags, mode, &nd);
    bool device = !err && (nd.dev || nd.ino == DEVDIR_INO);
    if (!err && !device)
        err = open_inode(nd.ino, flags, out);
    sleeplock_release(&fs_lock);
    /* A device's open may sleep: not under the file system's lock. */
    if (device)
        err = open_device(nd.dev, flags, out);
    return err;
}

int64_t vfs_read(struct file *f, void *buf, uint64_t n)
{
    if (!readable(f))
        return -EBADF;
    switch (f->kind) {
    case FILE_DEVICE:
    case FILE_PIPE:
        return f->ops && f->ops->read ? f->ops->read(f, buf, n) : -EINVAL;
    case FILE_DEVDIR:
        return -EISDIR;
    case FILE_INODE:
        break;
    }
    sleeplock_acquire(&fs_lock);
    struct ext2_stat es;
    int64_t got = ext2_stat(&rootfs, f->vn->ino, &es);
    if (!got && (es.mode & S_IFMT) == S_IFDIR)
        got = -EISDIR;
    if (!got) {
        got = ext2_read(&rootfs, f->vn->ino, f->off, buf, n);
        if (got > 0)
            f->off += (uint64_t)got;
    }
    sleeplock_release(&fs_lock);
    return got;
}

int64_t vfs_write(struct file *f, const void *buf, uint64_t n)
{
    if (!writable(f))
        return -EBADF;
    if (f->kind != FILE_INODE)
        return f->ops && f->ops->write ? f->ops->write(f, buf, n) : -EINVAL;
    sleeplock_acquire(&fs_lock);
    int64_t put = 0;
    if (f->flags & O_APPEND) {
        struct ext2_stat es;
        put = ext2_stat(&rootfs, f->vn->ino, &es);
        f->off = es.size;
    }
    if (!put) {
        put = ext2_write(&rootfs, f->vn->ino, f->off, buf, n);
        if (put > 0)
            f->off += (uint64_t)put;
    }
    sleeplock_release(&fs_lock);
    return put;
}

int64_t vfs_lseek(struct file *f, int64_t off, int whence)
{
    if (f->kind == FILE_PIPE || f->kind == FILE_DEVICE)
        return -ESPIPE;
    int64_t base;
    if (whence == SEEK_SET) {
        base = 0;
    } else if (whence == SEEK_CUR) {
        base = (int64_t)f->off;
    } else if (whence == SEEK_END) {
        struct stat st;
        int err = vfs_fstat(f, &st);
        if (err)
            return err;
        base = st.st_size;
    } else {
        return -EINVAL;
    }
    if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
        return -EINVAL;
    f->off = (uint64_t)(base + off);
    return (int64_t)f->off;
}

int vfs_fstat(struct file *f, struct stat *st)
{
    if (f->kind == FILE_DEVICE) {
        fill_stat_device(f->dev, st);
        return 0;
    }
    if (f->kind == FILE_PIPE) {
        memset(st, 0, sizeof *st);
        st->st_mode = S_IFIFO | 0600;
        st->st_nlink = 1;
        return 0;
    }
    if (f->kind == FILE_DEVDIR) {
        fill_stat_devdir(st);
        return 0;
    }
    sleeplock_acquire(&fs_lock);
    struct ext2_stat es;
    int err = ext2_stat(&rootfs, f->vn->ino, &es);
    sleeplock_release(&fs_lock);
    if (!err)
        fill_stat_from_ext2(&es, st);
    return err;
}

int vfs_ftruncate(struct file *f, uint64_t size)
{
    if (f->kind != FILE_INODE)
        return -EINVAL;
    if (!writable(f))
        return -EBADF;
    sleeplock_acquire(&fs_lock);
    int err = ext2_truncate(&rootfs, f->vn->ino, size);
    sleeplock_release(&fs_lock);
    return err;
}

int vfs_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
    if (f->kind == FILE_DEVICE && f->ops && f->ops->ioctl)
        return f->ops->ioctl(f, cmd, arg);
    return -ENOTTY;
}

/* Appends one record to buf if it fits; returns its length or 0. */
static uint64_t put_dirent(uint8_t *buf, uint64_t room, uint64_t ino, uint8_t type,
                           const char *name, size_t name_len)
{
    uint64_t reclen = DIRENT_RECLEN(name_len);
    if (reclen > room)
        return 0;
    struct dirent *d = (struct dirent *)buf;
    memset(buf, 0, reclen);
    d->d_ino = ino;
    d->d_reclen = (uint16_t)reclen;
    d->d_type = type;
    memcpy(buf + DIRENT_NAME_OFFSET, name, name_len);
    return reclen;
}

static const uint8_t ext2_to_dt[] = {
    [EXT2_FT_UNKNOWN] = DT_UNKNOWN, [EXT2_FT_REG_FILE] = DT_REG, [EXT2_FT_DIR] = DT_DIR,
    [EXT2_FT_CHRDEV] = DT_CHR, [EXT2_FT_BLKDEV] = DT_BLK, [EXT2_FT_FIFO] = DT_FIFO,
    [EXT2_FT_SOCK] = DT_SOCK, [EXT2_FT_SYMLINK] = DT_LNK,
};

int64_t vfs_getdents(struct file *f, void *buf, uint64_t n)
{
    uint8_t *out = buf;
    uint64_t used = 0;
    if (f->kind == FILE_DEVDIR) {
        /* ".", "..", then the device table; off counts entries given. */
        for (;;) {
            uint64_t i = f->off, len;
            if (i == 0)
                len = put_dirent(out + used, n - used, 1, DT_DIR, ".", 1);
            else if (i == 1)
                len = put_dirent(out + used, n - used, 2, DT_DIR, "..", 2);
            else if (i - 2 < (uint64_t)ndevices)
                len = put_dirent(out + used, n - used, 100 + i, DT_CHR,
                                 devices[i - 2]->name, strlen(devices[i - 2]->name));
            else
                break;
            if (!len)
                break;
            used += len;
            f->off++;
        }
        return used == 0 && f->off < (uint64_t)ndevices + 2 ? -EINVAL : (int64_t)used;
    }
    if (f->kind != FILE_INODE)
        return -ENOTDIR;
    sleeplock_acquire(&fs_lock);
    struct ext2_stat es;
    int64_t err = ext2_stat(&rootfs, f->vn->ino, &es);
    if (!err && (es.mode & S_IFMT) != S_IFDIR)
        err = -ENOTDIR;
    static struct ext2_dirent de; /* big (NAME_MAX); only used under fs_lock */
    while (!err) {
        uint64_t cookie = f->off;
        int r = ext2_readdir(&rootfs, f->vn->ino, &cookie, &de);
        if (r <= 0) {
            err = r;
            break;
        }
        uint8_t type = de.type < sizeof ext2_to_dt ? ext2_to_dt[de.type] : DT_UNKNOWN;
        uint64_t len = put_dirent(out + used, n - used, de.ino, type, de.name, de.name_len);
        if (!len) {
            if (used == 0)
                err = -EINVAL; /* buffer too small for even one entry */
            break;
        }
        used += len;
        f->off = cookie;
    }
    sleeplock_release(&fs_lock);
    return err < 0 ? err : (int64_t)used;
}

/* ---- path operations --------------------------------------------------- */

int vfs_stat(struct vnode *at, const char *path, struct stat *st)
{
    sleeplock_acquire(&fs_lock);
    struct node nd;
    struct ext2_stat es;
    int err = lookup(at, path, &nd);
    if (!err && nd.dev)
        fill_stat_device(nd.dev, st);
    else if (!err && nd.ino == DEVDIR_INO)
        fill_stat_devdir(st);
    else if (!err && !(err = ext2_stat(&rootfs, nd.ino, &es)))
        fill_stat_from_ext2(&es, st);
    sleeplock_release(&fs_lock);
    return err;
}

int vfs_dir_get(struct vnode *at, const char *path, struct vnode **out)
{
    sleeplock_acquire(&fs_lock);
    struct node nd;
    int err = lookup(at, path, &nd);
    if (!err)
        err = nd.dev ? -ENOTDIR : check_directory(nd.ino);
    if (!err) {
        *out = nd.ino == DEVDIR_INO ? vnode_dup(&devdir_vnode) : vnode_get(nd.ino);
        err = *out ? 0 : -ENFILE;
    }
    sleeplock_release(&fs_lock);
    return err;
}

/* The entry of dir that names ino, other than "." and "..". */
static int name_in_dir(uint32_t dir, uint32_t ino, struct ext2_dirent *de)
{
    uint64_t cookie = 0;
    int r;
    while ((r = ext2_readdir(&rootfs, dir, &cookie, de)) > 0)
        if (de->ino == ino && !path_is_dot(de->name, de->name_len) &&
            !path_is_dotdot(de->name, de->name_len))
            return 0;
    return r < 0 ? r : -ENOENT;
}

int vfs_getcwd(struct vnode *dir, char *buf, size_t size)
{
    if (size < 2)
        return -ERANGE;
    size_t start = size - 1;
    buf[start] = '\0';
    uint32_t ino = dir ? dir->ino : EXT2_ROOT_INO;
    int err = 0;
    if (ino == DEVDIR_INO) {
        err = path_prepend(buf, &start, "dev", 3);
        ino = EXT2_ROOT_INO;
    }
    static struct ext2_dirent de; /* big (NAME_MAX); only used under fs_lock */
    sleeplock_acquire(&fs_lock);
    /* Each step goes one level up; more steps than inodes means a loop. */
    for (uint32_t steps = 0; ino != EXT2_ROOT_INO && !err; steps++) {
        uint32_t parent = 0;
        if (steps > rootfs.inodes_count)
            err = -EUCLEAN;
        if (!err)
            err = ext2_lookup(&rootfs, ino, "..", 2, &parent);
        if (!err)
            err = name_in_dir(parent, ino, &de);
        if (!err)
            err = path_prepend(buf, &start, de.name, de.name_len);
        ino = parent;                 /* not read again after an error */
    }
    sleeplock_release(&fs_lock);
    if (!err && start == size - 1)
        err = path_prepend(buf, &start, "", 0); /* the root */
    if (err)
        return err;
    memmove(buf, buf + start, size - start);
    return (int)(size - start);
}

/* The last component of path for an operation on a directory entry: runs
 * op on (its directory, its name) under the lock. /dev's entries are not
 * on disk: -EPERM. */
static int with_parent(struct vnode *at, const char *path,
                       int (*op)(const struct walk *w, void *arg), void *arg)
{
    sleeplock_acquire(&fs_lock);
    struct walk w;
    int err = walk_to_last(at, path, &w);
    if (!err && (w.dir == DEVDIR_INO || is_dev_entry(w.dir, w.name, w.len)))
        err = -EPERM;
    else if (!err && !have_root)
        err = -ENOENT;
    if (!err)
        err = op(&w, arg);
    sleeplock_release(&fs_lock);
    return err;
}

static bool names_dot(const struct walk *w)
{
    return path_is_dot(w->name, w->len) || path_is_dotdot(w->name, w->len);
}

static int do_mkdir(const struct walk *w, void *arg)
{
    if (w->len == 0 || names_dot(w))
        return -EEXIST; /* "/", "x/." and "x/.." exist ("x/" is a new x) */
    uint32_t ino;
    return ext2_mkdir(&rootfs, w->dir, w->name, w->len, (uint16_t)(*(uint32_t *)arg & 07777),
                      &ino);
}

int vfs_mkdir(struct vnode *at, const char *path, uint32_t mode)
{
    return with_parent(at, path, do_mkdir, &mode);
}

static int do_unlink(const struct walk *w, void *arg)
{
    (void)arg;
    struct node nd;
    int err = walk_final(w, &nd);
    if (err)
        return err;
    if (w->len == 0 || names_dot(w) || w->slash)
        return -EISDIR; /* walk_final found a directory */
    if (ino_is_open(nd.ino))
        return -EBUSY;
    return ext2_unlink(&rootfs, w->dir, w->name, w->len);
}

int vfs_unlink(struct vnode *at, const char *path)
{
    return with_parent(at, path, do_unlink, NULL);
}

static int do_rmdir(const struct walk *w, void *arg)
{
    (void)arg;
    if (w->len == 0)
        return -EBUSY; /* the root */
    if (names_dot(w))
        return -EINVAL;
    uint32_t ino;
    int err = ext2_lookup(&rootfs, w->dir, w->name, w->len, &ino);
    if (!err && ino_is_open(ino))
        err = -EBUSY; /* open, or a working directory: ext2 would free it */
    return err ? err : ext2_rmdir(&rootfs, w->dir, w->name, w->len);
}

int vfs_rmdir(struct vnode *at, const char *path)
{
    return with_parent(at, path, do_rmdir, NULL);
}

/* rename's source: w's entry, which must be a directory if either path
 * ends in a slash. */
static int rename_source(const struct walk *w, bool want_dir)
{
    if (w->len == 0)
        return -EBUSY;
    if (names_dot(w))
        return -EINVAL;
    struct node nd;
    int err = walk_final(w, &nd);
    if (!err && want_dir)
        err = check_directory(nd.ino);
    return err;
}

struct rename_to {
    struct vnode *at;
    const char *path;
};

static int do_rename(const struct walk *from, void *arg)
{
    const struct rename_to *dest = arg;
    struct walk to;
    int err = walk_to_last(dest->at, dest->path, &to);
    if (!err && (to.dir == DEVDIR_INO || is_dev_entry(to.dir, to.name, to.len)))
        err = -EPERM;
    if (!err)
        err = rename_source(from, from->slash || to.slash);
    if (!err && (to.len == 0 || names_dot(&to)))
        err = to.len ? -EINVAL : -EBUSY;
    uint32_t victim;
    if (!err && ext2_lookup(&rootfs, to.dir, to.name, to.len, &victim) == 0 && ino_is_open(victim))
        err = -EBUSY; /* the replaced file would be freed under its users */
    if (!err)
        err = ext2_rename(&rootfs, from->dir, from->name, from->len, to.dir, to.name, to.len);
    return err;
}

int vfs_rename(struct vnode *at, const char *from, const char *to)
{
    struct rename_to dest = { at, to };
    return with_parent(at, from, do_rename, &dest);
}

int vfs_truncate(struct vnode *at, const char *path, uint64_t size)
{
    sleeplock_acquire(&fs_lock);
    struct node nd;
    struct ext2_stat es;
    int err = lookup(at, path, &nd);
    if (!err && nd.dev)
        err = -EINVAL;
    else if (!err && nd.ino == DEVDIR_INO)
        err = -EISDIR;
    if (!err)
        err = ext2_stat(&rootfs, nd.ino, &es);
    if (!err && (es.mode & S_IFMT) == S_IFDIR)
        err = -EISDIR;
    if (!err)
        err = ext2_truncate(&rootfs, nd.ino, size);
    sleeplock_release(&fs_lock);
    return err;
}

/* ---- descriptor tables --------------------------------------------------- */

int fd_install(struct fdtable *t, struct file *f)
{
    for (int fd = 0; fd < NOFILE; fd++) {
        if (!t->fd[fd]) {
            t->fd[fd] = f;
            return fd;
        }
    }
    return -EMFILE;
}

struct file *fd_get(struct fdtable *t, int fd)
{
    if (fd < 0 || fd >= NOFILE)
        return NULL;
    return t->fd[fd];
}

int fd_close(struct fdtable *t, int fd)
{
    struct file *f = fd_get(t, fd);
    if (!f)
        return -EBADF;
    t->fd[fd] = NULL;
    file_put(f);
    return 0;
}

int fd_dup(struct fdtable *t, int fd)
{
    struct file *f = fd_get(t, fd);
    if (!f)
        return -EBADF;
    int nfd = fd_install(t, f);
    if (nfd >= 0)
        file_get(f);
    return nfd;
}

int fd_dup2(struct fdtable *t, int oldfd, int newfd)
{
    struct file *f = fd_get(t, oldfd);
    if (!f || newfd < 0 || newfd >= NOFILE)
        return -EBADF;
    if (oldfd == newfd)
        return newfd;
    file_get(f);
    if (t->fd[newfd])
        fd_close(t, newfd);
    t->fd[newfd] = f;
    return newfd;
}

void fdtable_copy(struct fdtable *dst, const struct fdtable *src)
{
    for (int fd = 0; fd < NOFILE; fd++) {
        dst->fd[fd] = src->fd[fd];
        if (dst->fd[fd])
            file_get(dst->fd[fd]);
    }
}

void fdtable_close_all(struct fdtable *t)
{
    for (int fd = 0; fd < NOFILE; fd++)
        if (t->fd[fd])
            fd_close(t, fd);
}

void vfs_get_stats(struct vfs_stats *out)
{
    memset(out, 0, sizeof *out);
    if (!have_root)
        return;
    const struct bcache_stats *s = &rootfs.cache.stats;
    out->cache_hits = s->hits;
    out->cache_misses = s->misses;
    out->readahead_blocks = s->readahead_blocks;
    out->device_reads = s->dev_reads;
    out->device_writes = s->dev_writes;
    out->block_size = rootfs.block_size;
    out->cache_blocks = rootfs.cache.nbufs;
}
