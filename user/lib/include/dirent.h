/*
 * <dirent.h> — reading directories: opendir/readdir/closedir over the
 * getdents() system call (user/lib/dirent.c). struct dirent is the kernel's
 * record (kernel/abi/abi.h): d_ino, d_reclen, d_type, d_name. The entry readdir()
 * returns stays valid until the next readdir()/closedir() on that stream.
 */
#ifndef _DIRENT_H
#define _DIRENT_H

#include <stddef.h>
#include "kernel/abi/abi.h"

typedef struct libc_dir DIR;    /* opaque */

DIR *opendir(const char *path);
struct dirent *readdir(DIR *d);
int closedir(DIR *d);
int dirfd(DIR *d);
void rewinddir(DIR *d);

/* The system call: fills buf with records; bytes used, 0 at the end. */
long getdents(int fd, void *buf, size_t size);

#endif
