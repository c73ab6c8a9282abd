/*
 * kernel/dev/infodev.h — /dev/meminfo and /dev/ps (see infodev.c).
 */
#ifndef KERNEL_INFODEV_H
#define KERNEL_INFODEV_H

void infodev_init(void);

#endif
