/*
 * kernel/mm/vm.h — Sv39 page tables.
 *
 * A page table is named by the kernel virtual address of its root page.
 * vm_map() installs translations for a range (4 KiB pages, or 2 MiB pages
 * where va, pa and the remaining size allow and VM_HUGE is given); it refuses
 * a mapping that would be both writable and executable (W^X) and refuses to
 * replace an existing one. vm_unmap() removes translations (the mapped pages
 * themselves belong to the caller) and flushes the TLB for them.
 *
 * The kernel half (root entries 256..511) is identical in every address
 * space: vm_kernel_init() creates every root entry the kernel will ever use
 * (image, direct map, kernel-stack region), so address spaces made later by
 * vm_create() share them by copying root entries, and kernel mappings added
 * later (kernel stacks) appear everywhere. A kernel mapping that would need
 * a new root entry after that is a bug and panics.
 */
#ifndef KERNEL_VM_H
#define KERNEL_VM_H

#include <stdbool.h>
#include <stdint.h>

typedef uint64_t pte_t;

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PTE_SHARED (1UL << 8)  /* software bit: page not owned by this space */
#define PTE_COW    (1UL << 9)  /* software bit: copy-on-write; read-only now,
                                  writable once this space has its own copy */

/* vm_map permissions (PTE bits) and options. */
#define VM_R PTE_R
#define VM_W PTE_W
#define VM_X PTE_X
#define VM_U PTE_U
#define VM_G PTE_G
#define VM_SHARED PTE_SHARED  /* e.g. the framebuffer: never freed with the space */
#define VM_COW PTE_COW
#define VM_HUGE (1UL << 62) /* allow 2 MiB leaves */

/* The kernel's page table, built by vm_kernel_init(). */
extern pte_t *kernel_pagetable;

void vm_kernel_init(void);
/* Activate a page table on this hart (writes satp, flushes the TLB). */
void vm_activate(pte_t *root);

int vm_map(pte_t *root, uint64_t va, uint64_t pa, uint64_t size, uint64_t perm);
void vm_unmap(pte_t *root, uint64_t va, uint64_t size);
/* va if a leaf maps it; otherwise the start of the next span an absent
 * entry leaves empty (the next 4 KiB, 2 MiB or 1 GiB boundary, UINT64_MAX
 * past the top), so loops over big ranges skip empty tables instead of
 * probing every page (a user's munmap of 64 GiB takes microseconds). */
uint64_t vm_skip_absent(pte_t *root, uint64_t va);
/* Physical address and PTE permission bits for va; false if unmapped. */
bool vm_translate(pte_t *root, uint64_t va, uint64_t *pa, uint64_t *perm);

/* The 4 KiB leaf PTE slot mapping va, or NULL (no table, or a huge leaf). */
pte_t *vm_leaf_pte(pte_t *root, uint64_t va);
/* Flushes this hart's TLB entry for va. */
void vm_flush_page(uint64_t va);

/* A new address space: empty user half, shared kernel half. */
pte_t *vm_create(void);
/* Frees the user half's page-table pages (not the pages they map). */
void vm_destroy(pte_t *root);

/* Calls fn for every 4 KiB leaf mapping in the user half (va < 2^38). */
void vm_for_each_user_leaf(pte_t *root, void (*fn)(void *ctx, uint64_t va, pte_t *pte),
                           void *ctx);
static inline uint64_t pte_to_pa(pte_t pte)
{
    return (pte >> 10) << 12;
}

/* Page-table pages in use (for meminfo and leak tests). */
uint64_t vm_table_pages(void);

#endif
