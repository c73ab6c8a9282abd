/*
 * kernel/proc/sys_file.c — system calls on files, directories and descriptors.
 * Paths are copied in as written and handed to the VFS with the process's
 * working directory, where relative ones start; the VFS resolves them
 * through the real directories (fs/vfs.h). The working directory is a
 * counted directory reference, not a string: its depth and the length of
 * its path are unlimited, and getcwd finds the path by walking ".." up to
 * the root (vfs_getcwd), in a kernel buffer of at most GETCWD_MAX bytes.
 * read and write move data through a kernel bounce buffer (bounce.h: the
 * VFS works on kernel memory).
 */
#include "fs/vfs.h"
#include "kernel/abi/abi.h"
#include "kernel/abi/errno.h"
#include "kernel/mm/kalloc.h"
#include "kernel/proc/bounce.h"
#include "kernel/proc/pipe.h"
#include "kernel/proc/proc.h"
#include "kernel/lib/string.h"
#include "kernel/syscall/syscall.h"
#include "kernel/lib/sysarg.h"
#include "kernel/mm/uaccess.h"

#define GETCWD_MAX (64 * 1024)

/* A user path, copied as written; caller kfree()s *out. */
static long user_path(uint64_t upath, char **out)
{
    char *raw = kmalloc(PATH_MAX);
    if (!raw)
        return -ENOMEM;
    long n = copy_string_from_user(raw, upath, PATH_MAX);
    if (n < 0) {
        kfree(raw);
        return n;
    }
    *out = raw;
    return 0;
}

static struct vnode *cwd(void)
{
    return proc_current()->cwd;
}

struct file *sysarg_file(uint64_t fd)
{
    int n;
    return sysarg_fd(fd, &n) ? NULL : fd_get(&proc_current()->files, n);
}

long sys_open(uint64_t upath, uint64_t flags, uint64_t mode)
{
    int oflags;
    uint32_t perm;
    if (sysarg_int(flags, SYSARG_INT_MIN, SYSARG_INT_MAX, -EINVAL, &oflags) ||
        sysarg_u32(mode, &perm))
        return -EINVAL;
    char *path;
    long err = user_path(upath, &path);
    if (err)
        return err;
    struct file *f;
    err = vfs_open(cwd(), path, oflags, perm, &f);
    kfree(path);
    if (err)
        return err;
    int fd = fd_install(&proc_current()->files, f);
    if (fd < 0)
        file_put(f);
    return fd;
}

long sys_close(uint64_t fd)
{
    int n;
    long err = sysarg_fd(fd, &n);
    return err ? err : fd_close(&proc_current()->files, n);
}

long sys_read(uint64_t fd, uint64_t ubuf, uint64_t n)
{
    struct file *f = sysarg_file(fd);
    if (!f)
        return -EBADF;
    return bounce_read(f, ubuf, n);
}

long sys_write(uint64_t fd, uint64_t ubuf, uint64_t n)
{
    struct file *f = sysarg_file(fd);
    if (!f)
        return -EBADF;
    return bounce_write(f, ubuf, n);
}

long sys_lseek(uint64_t fd, uint64_t off, uint64_t whence)
{
    struct file *f = sysarg_file(fd);
    int how;
    if (!f)
        return -EBADF;
    if (sysarg_int(whence, SEEK_SET, SEEK_END, -EINVAL, &how))
        return -EINVAL;
    return vfs_lseek(f, (int64_t)off, how);
}

long sys_fstat(uint64_t fd, uint64_t ust)
{
    struct file *f = sysarg_file(fd);
    if (!f)
        return -EBADF;
    struct stat st;
    long err = vfs_fstat(f, &st);
    return err ? err : copy_to_user(ust, &st, sizeof st);
}

/* Path-only calls share this shape. */
static long with_path(uint64_t upath, long (*op)(const char *path, uint64_t arg), uint64_t arg)
{
    char *path;
    long err = user_path(upath, &path);
    if (err)
        return err;
    err = op(path, arg);
    kfree(path);
    return err;
}

static long op_stat(const char *path, uint64_t ust)
{
    struct stat st;
    long err = vfs_stat(cwd(), path, &st);
    return err ? err : copy_to_user(ust, &st, sizeof st);
}

static long op_mkdir(const char *path, uint64_t mode)
{
    return vfs_mkdir(cwd(), path, (uint32_t)mode);
}

static long op_unlink(const char *path, uint64_t arg) { (void)arg; return vfs_unlink(cwd(), path); }
static long op_rmdir(const char *path, uint64_t arg) { (void)arg; return vfs_rmdir(cwd(), path); }
static long op_truncate(const char *path, uint64_t len) { return vfs_truncate(cwd(), path, len); }

static long op_chdir(const char *path, uint64_t arg)
{
    (void)arg;
    struct vnode *dir;
    long err = vfs_dir_get(cwd(), path, &dir);
    if (err)
        return err;
    struct proc *p = proc_current();
    vnode_put(p->cwd);
    p->cwd = dir;
    return 0;
}

long sys_stat(uint64_t upath, uint64_t ust)
{
    return with_path(upath, op_stat, ust);
}

long sys_mkdir(uint64_t upath, uint64_t mode)
{
    uint32_t perm;
    if (sysarg_u32(mode, &perm))
        return -EINVAL;
    return with_path(upath, op_mkdir, perm);
}

long sys_unlink(uint64_t upath)
{
    return with_path(upath, op_unlink, 0);
}

long sys_rmdir(uint64_t upath)
{
    return with_path(upath, op_rmdir, 0);
}

long sys_truncate(uint64_t upath, uint64_t len)
{
    if ((int64_t)len < 0)
        return -EINVAL; /* off_t is signed: POSIX */
    return with_path(upath, op_truncate, len);
}

long sys_chdir(uint64_t upath)
{
    return with_path(upath, op_chdir, 0);
}

long sys_rename(uint64_t ufrom, uint64_t uto)
{
    char *from, *to;
    long err = user_path(ufrom, &from);
    if (err)
        return err;
    err = user_path(uto, &to);
    if (!err) {
        err = vfs_rename(cwd(), from, to);
        kfree(to);
    }
    kfree(from);
    return err;
}

long sys_getdents(uint64_t fd, uint64_t ubuf, uint64_t n)
{
    struct file *f = sysarg_file(fd);
    if (!f)
        return -EBADF;
    uint64_t size = n < BOUNCE_MAX ? n : BOUNCE_MAX;
    uint8_t *buf = kmalloc(size ? size : 1);
    if (!buf)
        return -ENOMEM;
    int64_t got = vfs_getdents(f, buf, size);
    if (got > 0 && copy_to_user(ubuf, buf, (size_t)got) < 0)
        got = -EFAULT;
    kfree(buf);
    return got;
}

long sys_getcwd(uint64_t ubuf, uint64_t size)
{
    /* A path longer than GETCWD_MAX is ENAMETOOLONG, as Linux says for
     * one longer than a page: no buffer the caller could give would do. */
    size_t room = size < GETCWD_MAX ? size : GETCWD_MAX;
    char *buf = kmalloc(room ? room : 1);
    if (!buf)
        return -ENOMEM;
    long len = vfs_getcwd(cwd(), buf, room);
    if (len == -ERANGE && size > room)
        len = -ENAMETOOLONG;
    if (len > 0) {
        long err = copy_to_user(ubuf, buf, (size_t)len);
        len = err ? err : len;
    }
    kfree(buf);
    return len;
}

long sys_dup(uint64_t fd)
{
    int n;
    long err = sysarg_fd(fd, &n);
    return err ? err : fd_dup(&proc_current()->files, n);
}

long sys_dup2(uint64_t oldfd, uint64_t newfd)
{
    int from, to;
    long err = sysarg_fd(oldfd, &from);
    if (!err)
        err = sysarg_fd(newfd, &to);
    return err ? err : fd_dup2(&proc_current()->files, from, to);
}

long sys_pipe(uint64_t ufds)
{
    struct fdtable *t = &proc_current()->files;
    struct file *r, *w;
    long err = pipe_create(&r, &w);
    if (err)
        return err;
    int fds[2] = { fd_install(t, r), -1 };
    if (fds[0] >= 0)
        fds[1] = fd_install(t, w);
    if (fds[1] < 0) {
        if (fds[0] >= 0)
            fd_close(t, fds[0]);
        else
            file_put(r);
        file_put(w);
        return -EMFILE;
    }
    if (copy_to_user(ufds, fds, sizeof fds) < 0) {
        fd_close(t, fds[0]);
        fd_close(t, fds[1]);
        return -EFAULT;
    }
    return 0;
}

long sys_ioctl(uint64_t fd, uint64_t cmd, uint64_t arg)
{
    struct file *f = sysarg_file(fd);
    return f ? vfs_ioctl(f, (unsigned long)cmd, arg) : -EBADF;
}

long sys_ftruncate(uint64_t fd, uint64_t len)
{
    struct file *f = sysarg_file(fd);
    if (!f)
        return -EBADF;
    return (int64_t)len < 0 ? -EINVAL : vfs_ftruncate(f, len);
}

/* Everything dirty to the disk, in crash-safe order, then a device flush. */
long sys_sync(void)
{
    return vfs_sync();
}

/* The file's data and metadata on the disk: the whole cache is synced (one
 * ordered pass is cheaper than tracking which blocks are the file's).
 * Pipes and devices have nothing to sync: -EINVAL, as on Linux. */
long sys_fsync(uint64_t fd)
{
    struct file *f = sysarg_file(fd);
    if (!f)
        return -EBADF;
    if (f->kind != FILE_INODE)
        return -EINVAL;
    return vfs_sync();
}
