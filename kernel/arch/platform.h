/*
 * kernel/arch/platform.h — the machine as the device tree describes it.
 *
 * platform_init() reads the flattened device tree OpenSBI passes in a1 once,
 * at boot, and fills `platform`: RAM regions, reserved ranges (the FDT's
 * memory reservation block and /reserved-memory children, e.g. OpenSBI's own
 * region), bootargs, the timer frequency, whether the hart has Sstc, and the
 * UART, PLIC, test (power-off) device, RTC and virtio-mmio slots with their
 * interrupts. Nothing the device tree states is hard-coded anywhere else.
 * Addresses are physical; strings point into the FDT, which stays reserved.
 */
#ifndef KERNEL_PLATFORM_H
#define KERNEL_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/arch/fdt.h"

#define PLATFORM_MAX_RAM      8
#define PLATFORM_MAX_RESERVED 16
#define PLATFORM_MAX_VIRTIO   16

struct phys_range {
    uint64_t base, size;
};

struct mmio_device {
    uint64_t base, size;
    uint32_t irq;       /* PLIC source; 0 = none */
};

struct platform {
    struct fdt fdt;
    uint64_t fdt_pa;
    uint32_t boot_hart;
    const char *bootargs;           /* "" when /chosen has none */
    const char *model;

    struct phys_range ram[PLATFORM_MAX_RAM];
    int nram;
    struct phys_range reserved[PLATFORM_MAX_RESERVED];
    int nreserved;

    uint64_t timebase_hz;
    bool has_sstc;

    struct mmio_device uart;        /* ns16550a */
    uint32_t uart_clock_hz, uart_reg_shift;
    struct mmio_device plic;
    uint32_t plic_ndev;
    int plic_context;               /* S-mode context of the boot hart */
    struct mmio_device test;        /* sifive,test0 power-off/exit device */
    bool has_test;
    struct mmio_device rtc;         /* google,goldfish-rtc */
    bool has_rtc;
    struct mmio_device virtio[PLATFORM_MAX_VIRTIO];
    int nvirtio;
};

extern struct platform platform;

/* 0 on success; otherwise an FDT error after printing what is wrong. */
int platform_init(uint64_t fdt_pa, uint32_t hartid);
void platform_print(void);

#endif
