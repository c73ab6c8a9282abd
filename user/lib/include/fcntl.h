/*
 * <fcntl.h> — open() and its flags (values from kernel/abi/abi.h).
 * The mode argument is read only with O_CREAT.
 */
#ifndef _FCNTL_H
#define _FCNTL_H

#include <sys/types.h>
#include "kernel/abi/abi.h"

int open(const char *path, int flags, ...);
int creat(const char *path, mode_t mode);

#endif
