/*
 * kernel/dev/kbd.h — /dev/input/kbd (see kbd.c): registered by
 * kbd_dev_init() when a keyboard driver has registered the keyboard
 * (drivers/input.h; virtio_probe starts the drivers, before).
 */
#ifndef KERNEL_DEV_KBD_H
#define KERNEL_DEV_KBD_H

void kbd_dev_init(void);

#endif
