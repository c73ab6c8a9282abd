/*
 * gfx/fbdev.h — /dev/fb0 (see gfx/fbdev.c and docs/display.md). The two
 * functions below are the kernel halves of the ioctls, with kernel pointers.
 */
#ifndef GFX_FBDEV_H
#define GFX_FBDEV_H

#include "kernel/abi/abi.h"

void fbdev_init(void);
/* 0 or -ENODEV. */
int fbdev_get_info(struct fb_geometry *out);
/* Present the rectangle (clipped) and wait for it: 0, -ENODEV or -EIO. */
int fbdev_present(const struct fb_present *r);

#endif
