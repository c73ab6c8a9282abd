/*
 * fs/vfs.h — files as the system calls see them.
 *
 * One root file system (ext2 on the first disk) plus device files under
 * /dev, served from a device table (dev_register) rather than from disk.
 * Paths given to vfs_* are as the user wrote them: an absolute path starts
 * at the root, a relative one at `at` (a counted directory reference, a
 * process's working directory; NULL means the root). They are resolved one
 * component at a time through the real directories (fs/path.h): "." and
 * ".." are directory entries ("/"'s ".." is "/"), a missing or
 * non-directory component is ENOENT / ENOTDIR wherever it is, and a
 * trailing slash demands a directory (ENOTDIR otherwise). An open file
 * (struct file) is shared by every descriptor that refers to it (dup, fork)
 * and counts them; its offset is shared too. Descriptor tables (struct
 * fdtable) belong to tasks.
 *
 * Limits (docs/syscalls.md): NOFILE descriptors per process, NFILE open
 * files in the whole system (allocated on demand), NVNODE distinct inodes
 * in use (open files and working directories). Exhaustion is EMFILE /
 * ENFILE, never a crash.
 *
 * Buffers passed to vfs_read/vfs_write/vfs_getdents are kernel memory; the
 * system-call layer copies to and from user space. Every ext2 operation
 * runs under one sleeping lock (the kernel is not preemptive, but disk I/O
 * sleeps). Errors are negative errno values. Unlinking a file that is open
 * fails with -EBUSY: ext2 would free its blocks while they are in use; so
 * does removing a directory that is open or some process's working
 * directory.
 */
#ifndef FS_VFS_H
#define FS_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/blockdev.h"
#include "kernel/abi/abi.h"

#define NOFILE 64           /* descriptors per process */
#define NFILE 1024          /* open files (descriptions) in the system */
#define NVNODE 1024         /* inodes in use: open files, working directories */

struct file;

struct file_ops {
    int64_t (*read)(struct file *f, void *buf, uint64_t n);
    int64_t (*write)(struct file *f, const void *buf, uint64_t n);
    /* arg is passed as given by the caller (a user pointer for ioctls that
     * take one: the device copies with copyin/copyout). */
    int (*ioctl)(struct file *f, unsigned long cmd, uint64_t arg);
    void (*release)(struct file *f);
    /* Device memory for mmap: the physical address of `len` contiguous
     * bytes at `offset` (page-aligned), mapped shared, never freed. */
    int (*mmap)(struct file *f, uint64_t offset, uint64_t len, uint64_t *pa);
};

struct device {
    const char *name;           /* under /dev, e.g. "null", "input/kbd" */
    uint32_t rdev;              /* st_rdev */
    const struct file_ops *ops;
    int (*open)(struct file *f); /* optional: set f->priv, refuse (-EBUSY) */
};

enum file_kind { FILE_INODE, FILE_DEVICE, FILE_PIPE, FILE_DEVDIR };

struct vnode;

struct file {
    int refs;
    enum file_kind kind;
    int flags;                  /* O_ACCMODE | O_APPEND | O_NONBLOCK */
    uint64_t off;
    struct vnode *vn;           /* FILE_INODE */
    const struct device *dev;   /* FILE_DEVICE */
    const struct file_ops *ops; /* FILE_DEVICE, FILE_PIPE */
    void *priv;                 /* the device's or pipe's state */
};

struct fdtable {
    struct file *fd[NOFILE];
};

/* Mount ext2 from dev as the root. 0, or an error after a message. */
int vfs_mount_root(struct blockdev *dev);
bool vfs_have_root(void);
int vfs_sync(void);
/* The root cache's dirty-age tracking (fs/bcache.h): hook(arg) runs, under
 * the file-system lock, when its first block becomes dirty; clock stamps
 * that moment. vfs_dirty_since(): that stamp, 0 when nothing is dirty. */
void vfs_set_dirty_hook(uint64_t (*clock)(void), void (*hook)(void *arg), void *arg);
uint64_t vfs_dirty_since(void);
int dev_register(const struct device *dev);

int vfs_open(struct vnode *at, const char *path, int flags, uint32_t mode, struct file **out);
/* A file that is not in the name space (pipes): refs = 1. NULL when NFILE
 * files are open or memory ran out. */
struct file *file_alloc(enum file_kind kind, int flags, const struct file_ops *ops, void *priv);
/* Frees a file from file_alloc whose setup failed, without its release. */
void file_abandon(struct file *f);
void file_get(struct file *f);
void file_put(struct file *f);

int64_t vfs_read(struct file *f, void *buf, uint64_t n);
int64_t vfs_write(struct file *f, const void *buf, uint64_t n);
int64_t vfs_lseek(struct file *f, int64_t off, int whence);
int vfs_fstat(struct file *f, struct stat *st);
int vfs_ftruncate(struct file *f, uint64_t size);
int vfs_ioctl(struct file *f, unsigned long cmd, uint64_t arg);
/* Fills buf with struct dirent records; bytes filled, 0 at the end. */
int64_t vfs_getdents(struct file *f, void *buf, uint64_t n);

int vfs_stat(struct vnode *at, const char *path, struct stat *st);
int vfs_mkdir(struct vnode *at, const char *path, uint32_t mode);
int vfs_unlink(struct vnode *at, const char *path);
int vfs_rmdir(struct vnode *at, const char *path);
int vfs_rename(struct vnode *at, const char *from, const char *to);
int vfs_truncate(struct vnode *at, const char *path, uint64_t size);

/* Working directories: a counted reference to the directory path names
 * (chdir; -ENOTDIR / -ENOENT / -ENFILE), another reference to the same
 * one (fork), and dropping one (NULL, the root, is never counted). */
int vfs_dir_get(struct vnode *at, const char *path, struct vnode **out);
struct vnode *vnode_dup(struct vnode *vn);
void vnode_put(struct vnode *vn);
/* dir's absolute path into buf, found by walking ".." up to the root and
 * looking up each directory's name in its parent. The length with the NUL,
 * or -ERANGE when it needs more than size bytes. */
int vfs_getcwd(struct vnode *dir, char *buf, size_t size);

/* Descriptor tables. */
int fd_install(struct fdtable *t, struct file *f);      /* lowest free fd or -EMFILE */
struct file *fd_get(struct fdtable *t, int fd);         /* NULL if not open */
int fd_close(struct fdtable *t, int fd);
int fd_dup(struct fdtable *t, int fd);
int fd_dup2(struct fdtable *t, int oldfd, int newfd);
void fdtable_copy(struct fdtable *dst, const struct fdtable *src);
void fdtable_close_all(struct fdtable *t);

struct vfs_stats {
    uint64_t cache_hits, cache_misses, readahead_blocks, device_reads, device_writes;
    uint32_t block_size, cache_blocks;
};
void vfs_get_stats(struct vfs_stats *out);

#endif
