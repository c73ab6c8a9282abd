/*
 * kernel/dev/devices.h — the simple character devices under /dev: null, zero,
 * console (the serial console: reads come through the line discipline
 * later; for now raw bytes, writes go to the console output).
 */
#ifndef KERNEL_DEVICES_H
#define KERNEL_DEVICES_H

void devices_init(void);

#endif
