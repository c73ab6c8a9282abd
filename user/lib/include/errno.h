/*
 * <errno.h> — errno and the error numbers. The numbers are the kernel's
 * (kernel/abi/errno.h, Linux's values). errno is one plain int: user processes
 * have a single thread. System call wrappers set it only on failure.
 */
#ifndef _ERRNO_H
#define _ERRNO_H

#include "kernel/abi/errno.h"

extern int errno;

#endif
