/*
 * user/lib/dirent.c — opendir/readdir/closedir over getdents().
 *
 * A DIR holds the directory's file descriptor and a buffer of records from
 * the last getdents() call (format in kernel/abi/abi.h); readdir() hands out
 * pointers into that buffer, walking it by d_reclen, and refills it when
 * it is used up. A record that claims to run past the filled part ends the
 * directory with EIO rather than reading beyond the buffer.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#define DIR_BUF_SIZE 4096       /* holds at least one NAME_MAX record */

struct libc_dir {
    int fd;
    size_t pos, len;            /* next record at buf[pos]; buf[0..len) filled */
    _Alignas(8) unsigned char buf[DIR_BUF_SIZE];
};

DIR *opendir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return NULL;
    DIR *d = malloc(sizeof *d);
    if (!d) {
        close(fd);
        return NULL;
    }
    d->fd = fd;
    d->pos = d->len = 0;
    return d;
}

struct dirent *readdir(DIR *d)
{
    if (d->pos >= d->len) {
        long n = getdents(d->fd, d->buf, sizeof d->buf);
        if (n <= 0)
            return NULL;        /* end (errno untouched) or error (set) */
        d->pos = 0;
        d->len = (size_t)n;
    }
    struct dirent *e = (struct dirent *)(d->buf + d->pos);
    if (e->d_reclen < DIRENT_NAME_OFFSET + 1 || e->d_reclen > d->len - d->pos) {
        d->pos = d->len;
        errno = EIO;
        return NULL;
    }
    d->pos += e->d_reclen;
    return e;
}

int closedir(DIR *d)
{
    int r = close(d->fd);
    free(d);
    return r;
}

int dirfd(DIR *d) { return d->fd; }

void rewinddir(DIR *d)
{
    lseek(d->fd, 0, SEEK_SET);
    d->pos = d->len = 0;
}
