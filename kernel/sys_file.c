/*
 * kernel/sys_file.c — system calls on files, directories and descriptors.
 * Paths are copied in, made absolute against the process's cwd
 * (fs/path.h), then handed to the VFS. Data moves through a kernel bounce
 * buffer of at most BOUNCE bytes at a time (the VFS works on kernel memory).
 */
#include "fs/path.h"
#include "fs/vfs.h"
#include "kernel/abi.h"
#include "kernel/errno.h"
#include "kernel/kalloc.h"
#include "kernel/pipe.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "kernel/sysarg.h"
#include "kernel/uaccess.h"

#define BOUNCE (64 * 1024)

/* Does the path as written end in "." or ".." (before normalization
 * erases them)? rmdir and rename must refuse those (POSIX: EINVAL). */
static bool ends_in_dot(const char *raw, size_t len)
{
    while (len > 1 && raw[len - 1] == '/')
        len--;
    size_t start = len;
    while (start > 0 && raw[start - 1] != '/')
        start--;
    size_t n = len - start;
    return (n == 1 && raw[start] == '.') || (n == 2 && raw[start] == '.' && raw[start + 1] == '.');
}

/* A user path, copied and made absolute; caller kfree()s *out. With
 * no_dot, a path whose last component is "." or ".." is -EINVAL. */
static long user_path_checked(uint64_t upath, char **out, bool no_dot)
{
    char *raw = kmalloc(2 * PATH_MAX);
    if (!raw)
        return -ENOMEM;
    long n = copy_string_from_user(raw, upath, PATH_MAX);
    if (n >= 0 && no_dot && ends_in_dot(raw, (size_t)n))
        n = -EINVAL;
    if (n >= 0)
        n = path_resolve(proc_current()->cwd, raw, raw + PATH_MAX, PATH_MAX);
    if (n < 0) {
        kfree(raw);
        return n;
    }
    memmove(raw, raw + PATH_MAX, (size_t)n + 1);
    *out = raw;
    return 0;
}

static long user_path(uint64_t upath, char **out)
{
    return user_path_checked(upath, out, false);
}

/* The open file a descriptor register names, or NULL (-EBADF): checked at
 * full width, so 0x100000001 is not fd 1. */
static struct file *get_fd(uint64_t fd)
{
    int n;
    return sysarg_fd(fd, &n) ? NULL : fd_get(&proc_current()->files, n);
}

long sys_open(uint64_t upath, uint64_t flags, uint64_t mode, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a3, (void)a4, (void)a5;
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
    err = vfs_open(path, oflags, perm, &f);
    kfree(path);
    if (err)
        return err;
    int fd = fd_install(&proc_current()->files, f);
    if (fd < 0)
        file_put(f);
    return fd;
}

long sys_close(uint64_t fd, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
    int n;
    long err = sysarg_fd(fd, &n);
    return err ? err : fd_close(&proc_current()->files, n);
}

long sys_read(uint64_t fd, uint64_t ubuf, uint64_t n, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a3, (void)a4, (void)a5;
    struct file *f = get_fd(fd);
    if (!f)
        return -EBADF;
    if (n == 0)
        return 0;
    uint64_t chunk = n < BOUNCE ? n : BOUNCE;
    uint8_t *buf = kmalloc(chunk);
    if (!buf)
        return -ENOMEM;
    int64_t total = 0;
    while ((uint64_t)total < n) {
        uint64_t want = n - (uint64_t)total < chunk ? n - (uint64_t)total : chunk;
        int64_t got = vfs_read(f, buf, want);
        if (got < 0) {
            if (!total)
                total = got;
            break;
        }
        if (got > 0 && copy_to_user(ubuf + (uint64_t)total, buf, (size_t)got) < 0) {
            /* Nothing of this piece reached the caller: a file's offset
             * must not move past it (devices and pipes cannot un-read). */
            if (f->kind == FILE_INODE)
                f->off -= (uint64_t)got;
            total = total ? total : -EFAULT;
            break;
        }
        total += got;
        /* Short read: end of file, or a device/pipe with nothing more now. */
        if ((uint64_t)got < want || f->kind != FILE_INODE)
            break;
    }
    kfree(buf);
    return total;
}

long sys_write(uint64_t fd, uint64_t ubuf, uint64_t n, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a3, (void)a4, (void)a5;
    struct file *f = get_fd(fd);
    if (!f)
        return -EBADF;
    if (n == 0)
        return 0;
    uint64_t chunk = n < BOUNCE ? n : BOUNCE;
    uint8_t *buf = kmalloc(chunk);
    if (!buf)
        return -ENOMEM;
    int64_t total = 0;
    while ((uint64_t)total < n) {
        uint64_t want = n - (uint64_t)total < chunk ? n - (uint64_t)total : chunk;
        if (copy_from_user(buf, ubuf + (uint64_t)total, want) < 0) {
            total = total ? total : -EFAULT;
            break;
        }
        int64_t put = vfs_write(f, buf, want);
        if (put < 0) {
            if (!total)
                total = put;
            break;
        }
        total += put;
        if ((uint64_t)put < want)
            break;
    }
    kfree(buf);
    return total;
}

long sys_lseek(uint64_t fd, uint64_t off, uint64_t whence, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a3, (void)a4, (void)a5;
    struct file *f = get_fd(fd);
    int how;
    if (!f)
        return -EBADF;
    if (sysarg_int(whence, SEEK_SET, SEEK_END, -EINVAL, &how))
        return -EINVAL;
    return vfs_lseek(f, (int64_t)off, how);
}

long sys_fstat(uint64_t fd, uint64_t ust, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a2, (void)a3, (void)a4, (void)a5;
    struct file *f = get_fd(fd);
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
    long err = vfs_stat(path, &st);
    return err ? err : copy_to_user(ust, &st, sizeof st);
}

static long op_mkdir(const char *path, uint64_t mode) { return vfs_mkdir(path, (uint32_t)mode); }
static long op_unlink(const char *path, uint64_t arg) { (void)arg; return vfs_unlink(path); }
static long op_rmdir(const char *path, uint64_t arg) { (void)arg; return vfs_rmdir(path); }
static long op_truncate(const char *path, uint64_t len) { return vfs_truncate(path, len); }

static long op_chdir(const char *path, uint64_t arg)
{
    (void)arg;
    long err = vfs_check_dir(path);
    if (err)
        return err;
    struct proc *p = proc_current();
    if (strlen(path) >= sizeof p->cwd)
        return -ENAMETOOLONG;
    strlcpy(p->cwd, path, sizeof p->cwd);
    return 0;
}

long sys_stat(uint64_t upath, uint64_t ust, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a2, (void)a3, (void)a4, (void)a5;
    return with_path(upath, op_stat, ust);
}

long sys_mkdir(uint64_t upath, uint64_t mode, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a2, (void)a3, (void)a4, (void)a5;
    uint32_t perm;
    if (sysarg_u32(mode, &perm))
        return -EINVAL;
    return with_path(upath, op_mkdir, perm);
}

long sys_unlink(uint64_t upath, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
    return with_path(upath, op_unlink, 0);
}

long sys_rmdir(uint64_t upath, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
    char *path;
    long err = user_path_checked(upath, &path, true);
    if (err)
        return err;
    err = op_rmdir(path, 0);
    kfree(path);
    return err;
}

long sys_truncate(uint64_t upath, uint64_t len, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a2, (void)a3, (void)a4, (void)a5;
    if ((int64_t)len < 0)
        return -EINVAL; /* off_t is signed: POSIX */
    return with_path(upath, op_truncate, len);
}

long sys_chdir(uint64_t upath, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
    return with_path(upath, op_chdir, 0);
}

long sys_rename(uint64_t ufrom, uint64_t uto, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a2, (void)a3, (void)a4, (void)a5;
    char *from, *to;
    long err = user_path_checked(ufrom, &from, true);
    if (err)
        return err;
    err = user_path_checked(uto, &to, true);
    if (!err) {
        err = vfs_rename(from, to);
        kfree(to);
    }
    kfree(from);
    return err;
}

long sys_getdents(uint64_t fd, uint64_t ubuf, uint64_t n, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a3, (void)a4, (void)a5;
    struct file *f = get_fd(fd);
    if (!f)
        return -EBADF;
    uint64_t size = n < BOUNCE ? n : BOUNCE;
    uint8_t *buf = kmalloc(size ? size : 1);
    if (!buf)
        return -ENOMEM;
    int64_t got = vfs_getdents(f, buf, size);
    if (got > 0 && copy_to_user(ubuf, buf, (size_t)got) < 0)
        got = -EFAULT;
    kfree(buf);
    return got;
}

long sys_getcwd(uint64_t ubuf, uint64_t size, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a2, (void)a3, (void)a4, (void)a5;
    struct proc *p = proc_current();
    size_t len = strlen(p->cwd) + 1;
    if (size < len)
        return -ERANGE;
    long err = copy_to_user(ubuf, p->cwd, len);
    return err ? err : (long)len;
}

long sys_dup(uint64_t fd, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
    int n;
    long err = sysarg_fd(fd, &n);
    return err ? err : fd_dup(&proc_current()->files, n);
}

long sys_dup2(uint64_t oldfd, uint64_t newfd, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a2, (void)a3, (void)a4, (void)a5;
    int from, to;
    long err = sysarg_fd(oldfd, &from);
    if (!err)
        err = sysarg_fd(newfd, &to);
    return err ? err : fd_dup2(&proc_current()->files, from, to);
}

long sys_pipe(uint64_t ufds, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
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

long sys_ioctl(uint64_t fd, uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a3, (void)a4, (void)a5;
    struct file *f = get_fd(fd);
    return f ? vfs_ioctl(f, (unsigned long)cmd, arg) : -EBADF;
}

long sys_ftruncate(uint64_t fd, uint64_t len, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a2, (void)a3, (void)a4, (void)a5;
    struct file *f = get_fd(fd);
    if (!f)
        return -EBADF;
    return (int64_t)len < 0 ? -EINVAL : vfs_ftruncate(f, len);
}
