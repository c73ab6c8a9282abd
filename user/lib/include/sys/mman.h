/*
 * <sys/mman.h> — mmap/munmap; PROT_ and MAP_ flags from kernel/abi/abi.h.
 */
#ifndef _SYS_MMAN_H
#define _SYS_MMAN_H

#include <sys/types.h>
#include "kernel/abi/abi.h"

#define MAP_FAILED ((void *)-1)

void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);
int munmap(void *addr, size_t length);

#endif
