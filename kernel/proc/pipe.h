/*
 * kernel/proc/pipe.h — pipes: a 4 KiB ring between a read end and a write end.
 * Readers sleep while it is empty and writers remain; read returns 0 (end
 * of file) once it is empty and every write end is closed. Writers sleep
 * while it is full; writing with no read end left fails with -EPIPE.
 * Both ends honour O_NONBLOCK (-EAGAIN) and give up with -EINTR when the
 * process is killed while waiting.
 *
 * At most NPIPE pipes exist at once (their rings are NPIPE pages, 1 MiB,
 * at most); pipe_create fails with -ENFILE beyond that or when the file
 * table is full, -ENOMEM without memory.
 */
#ifndef KERNEL_PIPE_H
#define KERNEL_PIPE_H

#include "fs/vfs.h"

#define NPIPE 256

int pipe_create(struct file **read_end, struct file **write_end);

#endif
