/*
 * kernel/arch/plic.c — PLIC driver (RISC-V PLIC specification 1.0.0 register map:
 * priorities at 4*source, enable bits at 0x2000 + 0x80*context, threshold
 * and claim/complete at 0x200000 + 0x1000*context).
 */
#include "kernel/arch/plic.h"

#include "kernel/arch/console.h"
#include "kernel/arch/memlayout.h"
#include "kernel/arch/panic.h"

#define PLIC_MAX_SOURCES 1024

static volatile uint32_t *plic;
static uint32_t plic_ndev;
static int plic_ctx;

static struct {
    irq_handler_fn fn;
    void *arg;
} handlers[PLIC_MAX_SOURCES];

static volatile uint32_t *reg(uint64_t offset)
{
    return (volatile uint32_t *)((volatile uint8_t *)plic + offset);
}

void plic_init(uint64_t base_pa, uint32_t ndev, int context)
{
    plic = pa_to_kva(base_pa);
    plic_ndev = ndev < PLIC_MAX_SOURCES ? ndev : PLIC_MAX_SOURCES - 1;
    plic_ctx = context;
    for (uint32_t i = 1; i <= plic_ndev; i++)
        *reg(4 * i) = 0;
    for (uint32_t w = 0; w < (plic_ndev + 32) / 32; w++)
        *reg(0x2000 + 0x80 * (uint64_t)plic_ctx + 4 * w) = 0;
    *reg(0x200000 + 0x1000 * (uint64_t)plic_ctx) = 0; /* threshold: accept all */
}

void plic_register(uint32_t irq, irq_handler_fn fn, void *arg)
{
    if (irq == 0 || irq > plic_ndev)
        panic("plic: interrupt source %u out of range (1..%u)", irq, plic_ndev);
    if (handlers[irq].fn)
        panic("plic: interrupt source %u registered twice", irq);
    handlers[irq].fn = fn;
    handlers[irq].arg = arg;
    *reg(4 * (uint64_t)irq) = 1;
    *reg(0x2000 + 0x80 * (uint64_t)plic_ctx + 4 * (irq / 32)) |= 1u << (irq % 32);
}

void plic_dispatch(void)
{
    volatile uint32_t *claim = reg(0x200004 + 0x1000 * (uint64_t)plic_ctx);
    uint32_t irq;
    while ((irq = *claim) != 0) {
        /* A source without a handler is claimed and completed, i.e. ignored. */
        if (irq <= plic_ndev && handlers[irq].fn)
            handlers[irq].fn(handlers[irq].arg);
        *claim = irq;
    }
}
