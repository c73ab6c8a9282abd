/*
 * kernel/arch/plic.h — the platform-level interrupt controller.
 *
 * Drivers register a handler for their interrupt source (from the device
 * tree); plic_register() also gives the source priority 1 and enables it for
 * the boot hart's supervisor context. plic_dispatch() is called by the trap
 * handler on a supervisor external interrupt: it claims, runs the handler,
 * completes, until nothing is pending.
 */
#ifndef KERNEL_PLIC_H
#define KERNEL_PLIC_H

#include <stdint.h>

typedef void (*irq_handler_fn)(void *arg);

void plic_init(uint64_t base_pa, uint32_t ndev, int context);
void plic_register(uint32_t irq, irq_handler_fn fn, void *arg);
void plic_dispatch(void);

#endif
