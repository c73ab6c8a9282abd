/*
 * fs/vfs.c — see vfs.h.
 *
 * Tables: vnodes (one per ext2 inode in use by an open file, counted),
 * files (open-file descriptions, counted), devices. They are fixed-size
 * arrays: exhaustion is -ENFILE, never a crash. The root file system's
 * block cache gets VFS_CACHE_BLOCKS blocks of memory at mount.
 */
#include "fs/vfs.h"

#include <stdarg.h>

#include "fs/ext2.h"
#include "fs/path.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/kalloc.h"
#include "kernel/riscv.h"
#include "kernel/rtc.h"
#include "kernel/panic.h"
#include "kernel/sleeplock.h"
#include "kernel/string.h"

#define NVNODE 128
#define NFILE 256
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
static struct file files[NFILE];
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

int dev_register(const struct device *dev)
{
    if (ndevices == NDEVICE)
        return -ENFILE;
    devices[ndevices++] = dev;
    return 0;
}

static const struct device *dev_lookup(const char *name)
{
    for (int i = 0; i < ndevices; i++)
        if (strcmp(devices[i]->name, name) == 0)
            return devices[i];
    return NULL;
}

/* "/dev/NAME" -> "NAME"; "/dev" -> ""; anything else -> NULL. */
static const char *dev_path(const char *path)
{
    if (strncmp(path, "/dev", 4) != 0)
        return NULL;
    if (path[4] == '\0')
        return "";
    if (path[4] == '/')
        return path + 5;
    return NULL;
}

/* ---- tables ------------------------------------------------------------ */

static struct vnode *vnode_get(uint32_t ino)
{
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

static bool ino_is_open(uint32_t ino)
{
    for (int i = 0; i < NVNODE; i++)
        if (vnodes[i].refs && vnodes[i].ino == ino)
            return true;
    return false;
}

struct file *file_alloc(enum file_kind kind, int flags, const struct file_ops *ops, void *priv)
{
    uint64_t irq = irq_save();
    for (int i = 0; i < NFILE; i++) {
        if (files[i].refs == 0) {
            files[i] = (struct file){ .refs = 1, .kind = kind, .flags = flags, .ops = ops,
                                      .priv = priv };
            irq_restore(irq);
            return &files[i];
        }
    }
    irq_restore(irq);
    return NULL;
}

void file_get(struct file *f)
{
    uint64_t irq = irq_save();
    f->refs++;
    irq_restore(irq);
}

/* The last put tears the file down; its slot stays taken (refs
 * FILE_CLOSING, which file_alloc skips) until that is done: a release may
 * sleep (/dev/audio's waits for the sound to play), and a slot handed out
 * meanwhile would have its vnode dropped by this teardown. */
#define FILE_CLOSING (-1)

void file_put(struct file *f)
{
    uint64_t irq = irq_save();
    int left = --f->refs;
    KASSERT(left >= 0); /* a put without its get */
    if (left == 0)
        f->refs = FILE_CLOSING;
    irq_restore(irq);
    if (left > 0)
        return;
    if (f->ops && f->ops->release)
        f->ops->release(f);
    if (f->vn)
        f->vn->refs--;
    f->vn = NULL;
    irq = irq_save();
    f->refs = 0; /* free */
    irq_restore(irq);
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

/* Parent directory inode and the last name of path (fs_lock held). */
static int lookup_parent(const char *path, uint32_t *dir, const char **name, size_t *name_len)
{
    size_t parent_len;
    int err = path_split(path, &parent_len, name, name_len);
    if (err)
        return err;
    char parent[PATH_MAX];
    memcpy(parent, path, parent_len);
    parent[parent_len] = '\0';
    return ext2_resolve(&rootfs, parent, dir);
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

/* ---- open and friends -------------------------------------------------- */

static int open_device(const char *name, int flags, struct file **out)
{
    if (*name == '\0') {
        if ((flags & O_ACCMODE) != O_RDONLY)
            return -EISDIR;
        struct file *f = file_alloc(FILE_DEVDIR, flags, NULL, NULL);
        if (!f)
            return -ENFILE;
        *out = f;
        return 0;
    }
    const struct device *d = dev_lookup(name);
    if (!d)
        return -ENOENT;
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
            f->refs = 0;
            return err;
        }
    }
    *out = f;
    return 0;
}

int vfs_open(const char *path, int flags, uint32_t mode, struct file **out)
{
    const char *dname = dev_path(path);
    if (dname)
        return open_device(dname, flags, out);
    if (!have_root)
        return -ENOENT;

    sleeplock_acquire(&fs_lock);
    uint32_t ino;
    int err = ext2_resolve(&rootfs, path, &ino);
    if (err == -ENOENT && (flags & O_CREAT)) {
        uint32_t dir;
        const char *name;
        size_t name_len;
        err = lookup_parent(path, &dir, &name, &name_len);
        if (!err)
            err = ext2_create(&rootfs, dir, name, name_len, (uint16_t)(mode & 07777), &ino);
    } else if (!err && (flags & O_CREAT) && (flags & O_EXCL)) {
        err = -EEXIST;
    }
    struct ext2_stat es;
    if (!err)
        err = ext2_stat(&rootfs, ino, &es);
    if (!err) {
        bool is_dir = (es.mode & S_IFMT) == S_IFDIR;
        if (is_dir && (flags & O_ACCMODE) != O_RDONLY)
            err = -EISDIR;
        else if (!is_dir && (flags & O_DIRECTORY))
            err = -ENOTDIR;
        else if (!is_dir && (flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY)
            err = ext2_truncate(&rootfs, ino, 0);
    }
    struct file *f = NULL;
    if (!err) {
        struct vnode *vn = vnode_get(ino);
        f = vn ? file_alloc(FILE_INODE, flags & (O_ACCMODE | O_APPEND | O_NONBLOCK), NULL, NULL)
               : NULL;
        if (!f) {
            if (vn)
                vn->refs--;
            err = -ENFILE;
        } else {
            f->vn = vn;
        }
    }
    sleeplock_release(&fs_lock);
    if (!err)
        *out = f;
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
        memset(st, 0, sizeof *st);
        st->st_dev = 2;
        st->st_mode = S_IFDIR | 0755;
        st->st_nlink = 2;
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

int vfs_stat(const char *path, struct stat *st)
{
    const char *dname = dev_path(path);
    if (dname) {
        if (*dname == '\0') {
            memset(st, 0, sizeof *st);
            st->st_dev = 2;
            st->st_mode = S_IFDIR | 0755;
            st->st_nlink = 2;
            return 0;
        }
        const struct device *d = dev_lookup(dname);
        if (!d)
            return -ENOENT;
        fill_stat_device(d, st);
        return 0;
    }
    if (!have_root)
        return -ENOENT;
    sleeplock_acquire(&fs_lock);
    uint32_t ino;
    struct ext2_stat es;
    int err = ext2_resolve(&rootfs, path, &ino);
    if (!err)
        err = ext2_stat(&rootfs, ino, &es);
    sleeplock_release(&fs_lock);
    if (!err)
        fill_stat_from_ext2(&es, st);
    return err;
}

int vfs_check_dir(const char *path)
{
    struct stat st;
    int err = vfs_stat(path, &st);
    if (err)
        return err;
    return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

/* Runs op on (parent dir, name) of path under the lock. */
static int with_parent(const char *path, int (*op)(uint32_t dir, const char *name, size_t len,
                                                   void *arg), void *arg)
{
    if (dev_path(path))
        return -EPERM;
    if (!have_root)
        return -ENOENT;
    sleeplock_acquire(&fs_lock);
    uint32_t dir;
    const char *name;
    size_t len;
    int err = lookup_parent(path, &dir, &name, &len);
    if (!err)
        err = op(dir, name, len, arg);
    sleeplock_release(&fs_lock);
    return err;
}

static int do_mkdir(uint32_t dir, const char *name, size_t len, void *arg)
{
    uint32_t ino;
    return ext2_mkdir(&rootfs, dir, name, len, (uint16_t)(*(uint32_t *)arg & 07777), &ino);
}

int vfs_mkdir(const char *path, uint32_t mode)
{
    return with_parent(path, do_mkdir, &mode);
}

static int do_unlink(uint32_t dir, const char *name, size_t len, void *arg)
{
    (void)arg;
    uint32_t ino;
    int err = ext2_lookup(&rootfs, dir, name, len, &ino);
    if (err)
        return err;
    if (ino_is_open(ino))
        return -EBUSY;
    return ext2_unlink(&rootfs, dir, name, len);
}

int vfs_unlink(const char *path)
{
    return with_parent(path, do_unlink, NULL);
}

static int do_rmdir(uint32_t dir, const char *name, size_t len, void *arg)
{
    (void)arg;
    if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
        return -EINVAL;
    return ext2_rmdir(&rootfs, dir, name, len);
}

int vfs_rmdir(const char *path)
{
    return with_parent(path, do_rmdir, NULL);
}

int vfs_rename(const char *from, const char *to)
{
    if (dev_path(from) || dev_path(to))
        return -EPERM;
    if (!have_root)
        return -ENOENT;
    /* Moving a directory into itself would orphan it. */
    size_t flen = strlen(from);
    if (strncmp(from, to, flen) == 0 && to[flen] == '/')
        return -EINVAL;
    sleeplock_acquire(&fs_lock);
    uint32_t odir, ndir, victim;
    const char *oname, *nname;
    size_t olen, nlen;
    int err = lookup_parent(from, &odir, &oname, &olen);
    if (!err)
        err = lookup_parent(to, &ndir, &nname, &nlen);
    if (!err && ext2_lookup(&rootfs, ndir, nname, nlen, &victim) == 0 && ino_is_open(victim))
        err = -EBUSY; /* the replaced file would be freed under its users */
    if (!err)
        err = ext2_rename(&rootfs, odir, oname, olen, ndir, nname, nlen);
    sleeplock_release(&fs_lock);
    return err;
}

int vfs_truncate(const char *path, uint64_t size)
{
    if (dev_path(path))
        return -EINVAL;
    if (!have_root)
        return -ENOENT;
    sleeplock_acquire(&fs_lock);
    uint32_t ino;
    struct ext2_stat es;
    int err = ext2_resolve(&rootfs, path, &ino);
    if (!err)
        err = ext2_stat(&rootfs, ino, &es);
    if (!err && (es.mode & S_IFMT) == S_IFDIR)
        err = -EISDIR;
    if (!err)
        err = ext2_truncate(&rootfs, ino, size);
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
