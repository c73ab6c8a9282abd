/*
 * kernel/mm/kstack.c — see kstack.h.
 */
#include "kernel/mm/kstack.h"

#include "kernel/abi/errno.h"
#include "kernel/mm/kalloc.h"
#include "kernel/arch/memlayout.h"
#include "kernel/arch/riscv.h"
#include "kernel/mm/slot_alloc.h"
#include "kernel/mm/vm.h"

static uint64_t slot_bits[SLOT_POOL_BITMAP_WORDS(KSTACK_SLOTS)];
static struct slot_pool slots;

void kstack_init(void)
{
    slot_pool_init(&slots, "kstack", KSTACK_SLOTS, slot_bits);
}

static void unmap_and_free(uint64_t lo, uint64_t hi)
{
    for (uint64_t va = lo; va < hi; va += PAGE_SIZE) {
        uint64_t pa;
        if (vm_translate(kernel_pagetable, va, &pa, NULL)) {
            vm_unmap(kernel_pagetable, va, PAGE_SIZE);
            kpage_free_pa(pa);
        }
    }
}

int kstack_alloc(struct kstack *ks)
{
    uint64_t flags = irq_save();
    size_t slot = slot_alloc(&slots);
    irq_restore(flags);
    if (slot == SLOT_NONE)
        return -ENOMEM;
    uint64_t lo = KSTACK_BASE + slot * KSTACK_SLOT_SIZE + (KSTACK_SLOT_SIZE - KSTACK_SIZE);
    for (uint64_t va = lo; va < lo + KSTACK_SIZE; va += PAGE_SIZE) {
        uint64_t pa = kpage_alloc_pa(PAGE_OWNER_STACK);
        if (!pa || vm_map(kernel_pagetable, va, pa, PAGE_SIZE, VM_R | VM_W | VM_G) < 0) {
            if (pa)
                kpage_free_pa(pa);
            unmap_and_free(lo, va);
            flags = irq_save();
            slot_free(&slots, slot);
            irq_restore(flags);
            return -ENOMEM;
        }
    }
    ks->lo = lo;
    ks->hi = lo + KSTACK_SIZE;
    ks->slot = (uint32_t)slot;
    return 0;
}

void kstack_free(struct kstack *ks)
{
    unmap_and_free(ks->lo, ks->hi);
    uint64_t flags = irq_save();
    slot_free(&slots, ks->slot);
    irq_restore(flags);
    ks->lo = ks->hi = 0;
}

uint64_t kstack_in_use(void)
{
    return slot_used_count(&slots);
}
