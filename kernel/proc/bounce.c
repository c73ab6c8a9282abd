/*
 * kernel/proc/bounce.c — see bounce.h. One loop (bounce_transfer) moves the
 * pieces; a read piece and a write piece say what one piece does.
 */
#include "kernel/proc/bounce.h"

#include "kernel/abi/errno.h"
#include "kernel/mm/kalloc.h"
#include "kernel/mm/uaccess.h"

/* Moves one piece of `want` bytes between f and user memory at uaddr via
 * buf: the bytes moved (fewer ends the transfer), or -errno. */
typedef int64_t (*bounce_piece)(struct file *f, uint8_t *buf, uint64_t uaddr, uint64_t want);

static int64_t read_piece(struct file *f, uint8_t *buf, uint64_t uaddr, uint64_t want)
{
    int64_t got = vfs_read(f, buf, want);
    if (got > 0 && copy_to_user(uaddr, buf, (size_t)got) < 0) {
        /* Nothing of this piece reached the caller: a file's offset
         * must not move past it (devices and pipes cannot un-read). */
        if (f->kind == FILE_INODE)
            f->off -= (uint64_t)got;
        return -EFAULT;
    }
    return got;
}

static int64_t write_piece(struct file *f, uint8_t *buf, uint64_t uaddr, uint64_t want)
{
    if (copy_from_user(buf, uaddr, want) < 0)
        return -EFAULT;
    return vfs_write(f, buf, want);
}

static long bounce_transfer(struct file *f, uint64_t ubuf, uint64_t n, bounce_piece piece)
{
    if (n == 0)
        return 0;
    uint64_t chunk = n < BOUNCE_MAX ? n : BOUNCE_MAX;
    uint8_t *buf = kmalloc(chunk);
    if (!buf)
        return -ENOMEM;
    int64_t total = 0;
    while ((uint64_t)total < n) {
        uint64_t want = n - (uint64_t)total < chunk ? n - (uint64_t)total : chunk;
        int64_t moved = piece(f, buf, ubuf + (uint64_t)total, want);
        if (moved < 0) {
            if (!total)
                total = moved;
            break;
        }
        total += moved;
        if ((uint64_t)moved < want)
            break;
    }
    kfree(buf);
    return total;
}

long bounce_read(struct file *f, uint64_t ubuf, uint64_t n)
{
    /* A device or pipe: one piece, what it has now. */
    if (f->kind != FILE_INODE && n > BOUNCE_MAX)
        n = BOUNCE_MAX;
    return bounce_transfer(f, ubuf, n, read_piece);
}

long bounce_write(struct file *f, uint64_t ubuf, uint64_t n)
{
    return bounce_transfer(f, ubuf, n, write_piece);
}
