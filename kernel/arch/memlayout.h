/*
 * kernel/arch/memlayout.h — where things live in the kernel's virtual address space.
 *
 * Sv39 splits addresses into a low (user) half and a high (kernel) half.
 * The kernel image is linked at KERNEL_VBASE + (its physical load address -
 * KERNEL_PBASE_ALIGN) and the whole physical address space is reachable
 * through the direct map at DIRECT_MAP_BASE + pa. docs/memory-map.md has the
 * full picture. Invariant: every kernel pointer is a high-half address; a
 * physical address is never dereferenced without pa_to_kva().
 */
#ifndef KERNEL_MEMLAYOUT_H
#define KERNEL_MEMLAYOUT_H

/* Physical 0x80000000 (start of RAM on virt) appears at KERNEL_VBASE. */
#define KERNEL_PHYS_BASE   0x80000000UL
#define KERNEL_VBASE       0xffffffff80000000UL
/* pa -> kva for all physical memory (RAM and MMIO). 4 GiB at boot. */
#define DIRECT_MAP_BASE    0xffffffc000000000UL
#define DIRECT_MAP_BOOT_SIZE 0x100000000UL

/*
 * Kernel stacks: KSTACK_SLOTS slots of KSTACK_SLOT_SIZE. The lower half of
 * each slot is an unmapped guard, the upper half the stack, so a stack
 * overflow faults, and "is sp in a guard?" is one bit test (trapvec.S).
 */
#define KSTACK_BASE        0xffffffd000000000UL
#define KSTACK_SIZE        0x4000UL        /* 16 KiB of stack ... */
#define KSTACK_SLOT_SIZE   0x8000UL        /* ... above a 16 KiB guard */
#define KSTACK_SLOT_SHIFT  15
#define KSTACK_SLOTS       1024
#define KSTACK_REGION_SIZE (KSTACK_SLOTS * KSTACK_SLOT_SIZE)

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

#include "kernel/arch/panic.h"

static inline void *pa_to_kva(uint64_t pa)
{
    return (void *)(pa + DIRECT_MAP_BASE);
}

static inline uint64_t kva_to_pa(const void *va)
{
    uint64_t v = (uint64_t)va;
    /* Only the image and the direct map translate linearly; a kernel
     * stack (e.g. a DMA buffer on the stack) or a user address does not. */
    KASSERT_DEBUG(v >= KERNEL_VBASE || (v >= DIRECT_MAP_BASE && v < KSTACK_BASE));
    if (v >= KERNEL_VBASE)
        return v - KERNEL_VBASE + KERNEL_PHYS_BASE;
    return v - DIRECT_MAP_BASE;
}

/* Is addr inside some kernel stack's guard area (the unmapped lower half of
 * its slot)? The kernel trap handler names such a fault a stack overflow. */
static inline bool kstack_is_guard(uint64_t addr)
{
    uint64_t off = addr - KSTACK_BASE;
    return off < KSTACK_REGION_SIZE && (off & (KSTACK_SLOT_SIZE - 1)) < KSTACK_SLOT_SIZE - KSTACK_SIZE;
}
#endif

#endif
