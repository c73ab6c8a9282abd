/*
 * tests/unit/test_libc_fakes.c — the system underneath the user libc in
 * the host tests: ulibc_read/write/lseek/open/close over memory files
 * (see test_libc_host.h), a directory for getdents, and ulibc_malloc/free
 * forwarding to the host's malloc so AddressSanitizer watches the libc's
 * own buffers.
 */
#include "tests/unit/test_libc_host.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct fake_file fake_files[FAKE_FDS];

void fake_reset(void)
{
    memset(fake_files, 0, sizeof fake_files);
    for (int i = 0; i < FAKE_FDS; i++) {
        fake_files[i].open = 1;
        fake_files[i].seekable = 1;
    }
}

void fake_set_input(int fd, const char *data, size_t n)
{
    memcpy(fake_files[fd].data, data, n);
    fake_files[fd].size = n;
    fake_files[fd].pos = 0;
}

static struct fake_file *lookup(int fd)
{
    if (fd < 0 || fd >= FAKE_FDS || !fake_files[fd].open) {
        ulibc_errno = EBADF;
        return NULL;
    }
    return &fake_files[fd];
}

/* Whether this call is one of the failing ones (counts the call). */
static int should_fail(struct fake_file *f, int calls)
{
    if (f->fail_after && calls >= f->fail_after) {
        ulibc_errno = f->fail_errno;
        return 1;
    }
    return 0;
}

ssize_t ulibc_write(int fd, const void *buf, size_t n);
ssize_t ulibc_write(int fd, const void *buf, size_t n)
{
    struct fake_file *f = lookup(fd);
    if (!f)
        return -1;
    if (should_fail(f, ++f->writes))
        return -1;
    if (f->max_io && n > f->max_io)
        n = f->max_io;
    if (n > FAKE_FILE_SIZE - f->pos)
        n = FAKE_FILE_SIZE - f->pos;
    memcpy(f->data + f->pos, buf, n);
    f->pos += n;
    if (f->pos > f->size)
        f->size = f->pos;
    return (ssize_t)n;
}

ssize_t ulibc_read(int fd, void *buf, size_t n);
ssize_t ulibc_read(int fd, void *buf, size_t n)
{
    struct fake_file *f = lookup(fd);
    if (!f)
        return -1;
    if (should_fail(f, ++f->reads))
        return -1;
    if (f->max_io && n > f->max_io)
        n = f->max_io;
    if (n > f->size - f->pos)
        n = f->size - f->pos;
    if (f->tty_line_reads) {
        unsigned char *nl = memchr(f->data + f->pos, '\n', n);
        if (nl)
            n = (size_t)(nl - (f->data + f->pos)) + 1;
    }
    memcpy(buf, f->data + f->pos, n);
    f->pos += n;
    return (ssize_t)n;
}

off_t ulibc_lseek(int fd, off_t offset, int whence);
off_t ulibc_lseek(int fd, off_t offset, int whence)
{
    struct fake_file *f = lookup(fd);
    if (!f)
        return -1;
    if (!f->seekable) {
        ulibc_errno = ESPIPE;
        return -1;
    }
    off_t base = whence == 0 ? 0 : whence == 1 ? (off_t)f->pos : (off_t)f->size;
    if (base + offset < 0 || base + offset > FAKE_FILE_SIZE) {
        ulibc_errno = EINVAL;
        return -1;
    }
    f->pos = (size_t)(base + offset);
    return (off_t)f->pos;
}

int ulibc_close(int fd);
int ulibc_close(int fd)
{
    struct fake_file *f = lookup(fd);
    if (!f)
        return -1;
    f->closes++;
    f->open = 0;
    return 0;
}

/* No file system: only "/fake-dir" opens; fopen() of anything fails, as
 * with a missing file. */
int ulibc_open(const char *path, int flags, ...);
int ulibc_open(const char *path, int flags, ...)
{
    (void)flags;
    if (strcmp(path, "/fake-dir") == 0) {
        fake_files[FAKE_DIR_FD].open = 1;
        fake_files[FAKE_DIR_FD].pos = 0;
        fake_dir_next = 0;
        return FAKE_DIR_FD;
    }
    ulibc_errno = ENOENT;
    return -1;
}

const char *fake_dir_names[FAKE_DIR_MAX];
unsigned char fake_dir_types[FAKE_DIR_MAX];
int fake_dir_count, fake_dir_next, fake_dir_calls, fake_dir_corrupt;

/* Builds records the way docs/syscalls.md tells the kernel to: an 11-byte
 * header (d_ino u64, d_reclen u16, d_type u8), the name and its NUL,
 * padding to a multiple of 8; whole records only. */
long ulibc_getdents(int fd, void *buf, size_t size);
long ulibc_getdents(int fd, void *buf, size_t size)
{
    if (fd != FAKE_DIR_FD || !fake_files[fd].open) {
        ulibc_errno = EBADF;
        return -1;
    }
    fake_dir_calls++;
    unsigned char *out = buf;
    size_t used = 0;
    while (fake_dir_next < fake_dir_count) {
        const char *name = fake_dir_names[fake_dir_next];
        size_t len = strlen(name);
        size_t reclen = (11 + len + 1 + 7) & ~(size_t)7;
        if (used + reclen > size) {
            if (used == 0) {
                ulibc_errno = EINVAL;
                return -1;
            }
            break;
        }
        uint64_t ino = 1000 + (uint64_t)fake_dir_next;
        uint16_t rl = (uint16_t)reclen;
        if (fake_dir_corrupt && fake_dir_next == 2)
            rl = 60000;
        memset(out + used, 0, reclen);
        memcpy(out + used, &ino, 8);
        memcpy(out + used + 8, &rl, 2);
        out[used + 10] = fake_dir_types[fake_dir_next];
        memcpy(out + used + 11, name, len + 1);
        used += reclen;
        fake_dir_next++;
    }
    return (long)used;
}

void *ulibc_malloc(size_t n);
void *ulibc_malloc(size_t n) { return malloc(n); }
void ulibc_free(void *p);
void ulibc_free(void *p) { free(p); }
