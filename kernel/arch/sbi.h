/*
 * kernel/arch/sbi.h — calls into the SBI firmware (OpenSBI) below the kernel.
 * Only what the kernel uses: timer, system reset, the debug console for the
 * earliest messages (before the UART is known), and extension probing.
 */
#ifndef KERNEL_SBI_H
#define KERNEL_SBI_H

#include <stdbool.h>
#include <stdint.h>

struct sbiret {
    long error;
    long value;
};

struct sbiret sbi_call(uint64_t ext, uint64_t fid, uint64_t a0, uint64_t a1, uint64_t a2);
bool sbi_probe(uint64_t ext);
void sbi_set_timer(uint64_t stime_value);
void sbi_debug_putchar(char c);
/* SRST: type 0 = shutdown; reason 0 = none, 1 = system failure. Returns only
 * if the firmware has no SRST. */
void sbi_system_reset(uint32_t type, uint32_t reason);

#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494D45
#define SBI_EXT_SRST 0x53525354
#define SBI_EXT_DBCN 0x4442434E
#define SBI_EXT_HSM  0x48534D

#endif
