/*
 * <sys/stat.h> — struct stat and the S_IF* mode bits (kernel/abi/abi.h).
 */
#ifndef _SYS_STAT_H
#define _SYS_STAT_H

#include <sys/types.h>
#include "kernel/abi/abi.h"

int stat(const char *restrict path, struct stat *restrict st);
int fstat(int fd, struct stat *st);
int mkdir(const char *path, mode_t mode);

#endif
