/*
 * kernel/arch/power.h — power the machine off with an exit status.
 *
 * QEMU's sifive,test0 device (found in the device tree) carries a status
 * out of the machine: 0x5555 means success (QEMU exits 0), (status << 16) |
 * 0x3333 means failure with that status (QEMU exits with it). Without that
 * device, SBI system reset is used and only success/failure survives.
 */
#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

__attribute__((noreturn)) void power_off(int status);
/* Without running the shutdown hooks: for panics, when the kernel's own
 * state cannot be trusted to write anything. */
__attribute__((noreturn)) void power_off_now(int status);

/* Work that must happen before the power goes: the file system registers
 * its sync here. Hooks run in registration order, with interrupts on. */
void power_register_shutdown_hook(void (*fn)(void));

#endif
