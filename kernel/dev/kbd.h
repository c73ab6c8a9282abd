/*
 * kernel/dev/kbd.h — /dev/input/kbd (see kbd.c): registered once the
 * keyboard driver runs, i.e. after the screen started it.
 */
#ifndef KERNEL_DEV_KBD_H
#define KERNEL_DEV_KBD_H

void kbd_dev_init(void);

#endif
