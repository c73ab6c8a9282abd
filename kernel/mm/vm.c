/*
 * kernel/mm/vm.c — Sv39 page tables (see vm.h) and the kernel's own table:
 *
 *   kernel image   text RX, rodata R, data+bss RW   (4 KiB pages)
 *   direct map     RAM RW, except the kernel image's alias R; MMIO RW
 *   kernel stacks  mapped per stack by kstack.c (region reserved here)
 *
 * Nothing is both writable and executable. The boot table's identity map is
 * gone once vm_kernel_init() has switched to this table.
 */
#include "kernel/mm/vm.h"

#include "kernel/arch/console.h"
#include "kernel/abi/errno.h"
#include "kernel/mm/kalloc.h"
#include "kernel/arch/memlayout.h"
#include "kernel/arch/panic.h"
#include "kernel/arch/platform.h"
#include "kernel/arch/riscv.h"
#include "kernel/lib/string.h"

#define LEVELS 3
#define MEGA (1UL << 21)

pte_t *kernel_pagetable;
static uint64_t table_pages;
/* After vm_kernel_init() no new root entry may appear in the kernel half:
 * address spaces copy those entries when they are created. */
static bool kernel_half_sealed;

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __kernel_end[];

static inline uint64_t vpn(uint64_t va, int level)
{
    return (va >> (12 + 9 * level)) & 0x1ff;
}

static inline uint64_t pte_pa(pte_t pte)
{
    return (pte >> 10) << 12;
}

static inline pte_t pa_pte(uint64_t pa, uint64_t flags)
{
    return ((pa >> 12) << 10) | flags;
}

static inline bool pte_leaf(pte_t pte)
{
    return pte & (PTE_R | PTE_W | PTE_X);
}

static pte_t *alloc_table(void)
{
    pte_t *t = kpages_alloc(1, 1, PAGE_OWNER_PAGETABLE);
    if (t)
        table_pages++;
    return t;
}

/* The PTE slot for va at `level`, creating intermediate tables if asked.
 * NULL if a table is missing (and !create), allocation failed, or a larger
 * leaf already covers va. */
static pte_t *walk(pte_t *root, uint64_t va, int level, bool create)
{
    pte_t *table = root;
    for (int l = LEVELS - 1; l > level; l--) {
        pte_t *slot = &table[vpn(va, l)];
        if (*slot & PTE_V) {
            if (pte_leaf(*slot))
                return NULL;
            table = pa_to_kva(pte_pa(*slot));
        } else {
            if (!create)
                return NULL;
            if (l == LEVELS - 1 && vpn(va, l) >= 256 && kernel_half_sealed)
                panic("vm: kernel mapping at %lx outside the pre-created regions", va);
            pte_t *next = alloc_table();
            if (!next)
                return NULL;
            *slot = pa_pte(kva_to_pa(next), PTE_V);
            table = next;
        }
    }
    return &table[vpn(va, level)];
}

int vm_map(pte_t *root, uint64_t va, uint64_t pa, uint64_t size, uint64_t perm)
{
    if ((perm & VM_W) && (perm & VM_X))
        return -EINVAL; /* W^X */
    if (!(perm & (VM_R | VM_W | VM_X)) || ((va | pa | size) & (PAGE_SIZE - 1)))
        return -EINVAL;
    bool huge = perm & VM_HUGE;
    /* A and D preset: no hardware updates needed, no faults to set them. */
    uint64_t flags = (perm & (PTE_R | PTE_W | PTE_X | PTE_U | PTE_G | PTE_SHARED | PTE_COW)) |
                     PTE_V | PTE_A | PTE_D;
    uint64_t done = 0;
    while (done < size) {
        uint64_t v = va + done, p = pa + done, left = size - done;
        int level = 0;
        uint64_t step = PAGE_SIZE;
        if (huge && !(v & (MEGA - 1)) && !(p & (MEGA - 1)) && left >= MEGA) {
            level = 1;
            step = MEGA;
        }
        pte_t *slot = walk(root, v, level, true);
        if (!slot || (*slot & PTE_V)) {
            int err = slot ? -EEXIST : -ENOMEM;
            vm_unmap(root, va, done); /* all or nothing */
            return err;
        }
        *slot = pa_pte(p, flags);
        done += step;
    }
    return 0;
}

void vm_unmap(pte_t *root, uint64_t va, uint64_t size)
{
    for (uint64_t v = va; v < va + size;) {
        pte_t *slot = walk(root, v, 0, false);
        if (slot && (*slot & PTE_V)) {
            *slot = 0;
            __asm__ volatile("sfence.vma %0, zero" ::"r"(v) : "memory");
            v += PAGE_SIZE;
            continue;
        }
        /* Maybe a 2 MiB leaf. */
        pte_t *mslot = walk(root, v, 1, false);
        if (mslot && (*mslot & PTE_V) && pte_leaf(*mslot)) {
            *mslot = 0;
            __asm__ volatile("sfence.vma %0, zero" ::"r"(v) : "memory");
            v = (v & ~(MEGA - 1)) + MEGA;
            continue;
        }
        uint64_t next = vm_skip_absent(root, v);
        v = next > v ? next : v + PAGE_SIZE;
    }
}

uint64_t vm_skip_absent(pte_t *root, uint64_t va)
{
    pte_t *table = root;
    for (int l = LEVELS - 1; l >= 0; l--) {
        pte_t pte = table[vpn(va, l)];
        if (!(pte & PTE_V)) {
            /* Nothing in the whole span this entry would cover. */
            uint64_t span = 1UL << (12 + 9 * l);
            uint64_t next = (va & ~(span - 1)) + span;
            return next > va ? next : UINT64_MAX;
        }
        if (pte_leaf(pte))
            return va;
        table = pa_to_kva(pte_pa(pte));
    }
    return va; /* not reached: a valid level-0 entry is a leaf */
}

pte_t *vm_leaf_pte(pte_t *root, uint64_t va)
{
    pte_t *slot = walk(root, va, 0, false);
    return slot && (*slot & PTE_V) ? slot : NULL;
}

void vm_flush_page(uint64_t va)
{
    __asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
}

bool vm_translate(pte_t *root, uint64_t va, uint64_t *pa, uint64_t *perm)
{
    pte_t *table = root;
    for (int l = LEVELS - 1; l >= 0; l--) {
        pte_t pte = table[vpn(va, l)];
        if (!(pte & PTE_V))
            return false;
        if (pte_leaf(pte)) {
            uint64_t span = 1UL << (12 + 9 * l);
            if (pa)
                *pa = pte_pa(pte) + (va & (span - 1));
            if (perm)
                *perm = pte & (PTE_R | PTE_W | PTE_X | PTE_U | PTE_G | PTE_SHARED | PTE_COW);
            return true;
        }
        table = pa_to_kva(pte_pa(pte));
    }
    return false;
}

static void map_or_panic(uint64_t va, uint64_t pa, uint64_t size, uint64_t perm, const char *what)
{
    int err = vm_map(kernel_pagetable, va, pa, size, perm);
    if (err)
        panic("vm: cannot map %s (%lx+%lx): error %d", what, va, size, err);
}

static uint64_t round_up(uint64_t v)
{
    return (v + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

static void map_device(const struct mmio_device *dev, const char *what)
{
    uint64_t base = dev->base & ~(PAGE_SIZE - 1);
    uint64_t size = round_up(dev->base + dev->size) - base;
    map_or_panic((uint64_t)pa_to_kva(base), base, size, VM_R | VM_W | VM_G | VM_HUGE, what);
}

void vm_activate(pte_t *root)
{
    csr_write(satp, (8UL << 60) | (kva_to_pa(root) >> 12));
    sfence_vma_all();
}

void vm_kernel_init(void)
{
    kernel_pagetable = alloc_table();
    if (!kernel_pagetable)
        panic("vm: no memory for the kernel page table");
    /* The kernel-stack region is mapped later, stack by stack: create its
     * second-level table now so every address space shares it (vm.h). */
    if (!walk(kernel_pagetable, KSTACK_BASE, 1, true))
        panic("vm: no memory for the kernel-stack page tables");

    /* The kernel image, by section permissions. */
    uint64_t text = (uint64_t)__text_start, rodata = (uint64_t)__rodata_start;
    uint64_t data = (uint64_t)__data_start, end = round_up((uint64_t)__kernel_end);
    map_or_panic(text, kva_to_pa(__text_start), (uint64_t)__text_end - text,
                 VM_R | VM_X | VM_G, "kernel text");
    map_or_panic(rodata, kva_to_pa(__rodata_start), (uint64_t)__rodata_end - rodata,
                 VM_R | VM_G, "kernel rodata");
    map_or_panic(data, kva_to_pa(__data_start), end - data, VM_R | VM_W | VM_G,
                 "kernel data");

    /* Direct map of RAM: RW, but the kernel image's alias read-only so no
     * physical page is both writable and executable. Reserved firmware
     * memory below the kernel is left unmapped. */
    for (int i = 0; i < platform.nram; i++) {
        uint64_t base = platform.ram[i].base, top = base + platform.ram[i].size;
        uint64_t img_lo = kva_to_pa(__text_start), img_hi = kva_to_pa((void *)end);
        if (img_lo >= base && img_lo < top) {
            map_or_panic((uint64_t)pa_to_kva(img_lo), img_lo, img_hi - img_lo,
                         VM_R | VM_G, "direct map of the kernel image");
            map_or_panic((uint64_t)pa_to_kva(img_hi), img_hi, top - img_hi,
                         VM_R | VM_W | VM_G | VM_HUGE, "direct map of RAM");
        } else {
            map_or_panic((uint64_t)pa_to_kva(base), base, top - base,
                         VM_R | VM_W | VM_G | VM_HUGE, "direct map of RAM");
        }
    }

    /* Devices, as the device tree lists them. */
    map_device(&platform.uart, "uart");
    map_device(&platform.plic, "plic");
    if (platform.has_test)
        map_device(&platform.test, "test device");
    if (platform.has_rtc)
        map_device(&platform.rtc, "rtc");
    for (int i = 0; i < platform.nvirtio; i++)
        map_device(&platform.virtio[i], "virtio slot");

    kernel_half_sealed = true;
    vm_activate(kernel_pagetable);
    klog("vm: kernel page table active (%lu table pages)\n", table_pages);
}

pte_t *vm_create(void)
{
    pte_t *root = alloc_table();
    if (!root)
        return NULL;
    for (int i = 256; i < 512; i++)
        root[i] = kernel_pagetable[i];
    return root;
}

static void free_tables(pte_t *table, int level)
{
    for (int i = 0; i < 512; i++) {
        pte_t pte = table[i];
        if ((pte & PTE_V) && !pte_leaf(pte) && level > 0)
            free_tables(pa_to_kva(pte_pa(pte)), level - 1);
    }
    kpages_free(table);
    table_pages--;
}

void vm_destroy(pte_t *root)
{
    for (int i = 0; i < 256; i++) {
        pte_t pte = root[i];
        if ((pte & PTE_V) && !pte_leaf(pte))
            free_tables(pa_to_kva(pte_pa(pte)), 1);
    }
    kpages_free(root);
    table_pages--;
}

void vm_for_each_user_leaf(pte_t *root, void (*fn)(void *ctx, uint64_t va, pte_t *pte),
                           void *ctx)
{
    for (uint64_t i = 0; i < 256; i++) {
        if (!(root[i] & PTE_V) || pte_leaf(root[i]))
            continue;
        pte_t *l1 = pa_to_kva(pte_pa(root[i]));
        for (uint64_t j = 0; j < 512; j++) {
            if (!(l1[j] & PTE_V) || pte_leaf(l1[j]))
                continue;
            pte_t *l0 = pa_to_kva(pte_pa(l1[j]));
            for (uint64_t k = 0; k < 512; k++)
                if ((l0[k] & PTE_V) && pte_leaf(l0[k]))
                    fn(ctx, (i << 30) | (j << 21) | (k << 12), &l0[k]);
        }
    }
}

uint64_t vm_table_pages(void)
{
    return table_pages;
}
