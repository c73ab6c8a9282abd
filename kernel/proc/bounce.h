/*
 * kernel/proc/bounce.h — moving file data to and from user memory through a
 * kernel bounce buffer (the VFS works on kernel memory), for read(2) and
 * write(2).
 *
 * A transfer goes in pieces of at most BOUNCE_MAX bytes through one kmalloc'd
 * buffer. It stops at the first short piece (end of file, a device or pipe
 * with nothing more now, a full disk) and returns the bytes moved; an error
 * is returned only when nothing moved (else the count so far). A read
 * from anything but a file on disk takes one piece: what is there now.
 * Invariant: a file's offset moves only past bytes that reached the caller.
 */
#ifndef KERNEL_BOUNCE_H
#define KERNEL_BOUNCE_H

#include <stdint.h>

#include "fs/vfs.h"

#define BOUNCE_MAX (64 * 1024)

/* Reads up to n bytes of f into user memory at ubuf: bytes read, or -errno
 * (-EFAULT for a bad ubuf, -ENOMEM without a bounce buffer). */
long bounce_read(struct file *f, uint64_t ubuf, uint64_t n);
/* Writes up to n bytes from user memory at ubuf to f: bytes written, or -errno. */
long bounce_write(struct file *f, uint64_t ubuf, uint64_t n);

#endif
