/*
 * <sys/reboot.h> — reboot(cmd, arg) with the REBOOT_CMD_* commands of
 * kernel/abi/abi.h, and poweroff(status): turn the machine off, handing status
 * to QEMU as its exit status (docs/boot.md). Both return only on failure.
 */
#ifndef _SYS_REBOOT_H
#define _SYS_REBOOT_H

#include "kernel/abi/abi.h"

int reboot(unsigned cmd, int arg);
int poweroff(int status);

#endif
