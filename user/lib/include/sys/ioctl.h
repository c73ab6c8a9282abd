/*
 * <sys/ioctl.h> — ioctl(); request numbers and their structures are in
 * kernel/abi/abi.h, added by the owners of each device.
 */
#ifndef _SYS_IOCTL_H
#define _SYS_IOCTL_H

#include "kernel/abi/abi.h"

int ioctl(int fd, unsigned long request, ...);

#endif
