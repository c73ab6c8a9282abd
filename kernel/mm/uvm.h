/*
 * kernel/mm/uvm.h — user address spaces: layout and page management.
 *
 * Layout (low half of Sv39; docs/memory-map.md):
 *   0x10000 ..            program segments from the ELF file (user.ld)
 *   after them            the heap, grown by brk
 *   USER_MMAP_BASE ..     anonymous mmap regions, upward
 *   .. USER_STACK_TOP     the stack, grown on demand down to
 *                         USER_STACK_TOP - USER_STACK_MAX; below that
 *                         nothing is ever mapped (the guard), so an
 *                         overflowing stack faults and the process dies.
 * Pages belong to their address space (owner PAGE_OWNER_PROC(pid)) unless
 * mapped VM_SHARED (device memory such as the framebuffer), which is never
 * freed or copied as private memory.
 *
 * Copy-on-write (uvm.c): after fork, parent and child map the same private
 * pages, each holding a reference; writable ones are read-only with
 * PTE_COW until the first store (uvm_cow_fault). A shared page keeps the
 * owner that allocated it (meminfo counts each physical page once, under
 * that owner) until a write leaves one space holding it alone, which then
 * becomes its owner. uvm_count_pages counts every private mapping, shared
 * or not (like Linux's RSS).
 */
#ifndef KERNEL_UVM_H
#define KERNEL_UVM_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/mm/vm.h"

#define USER_TOP        0x4000000000UL
#define USER_MIN        0x10000UL
#define USER_MMAP_BASE  0x2000000000UL
#define USER_STACK_TOP  0x3fffff0000UL
#define USER_STACK_MAX  (1UL << 20)
#define USER_STACK_INIT (16UL << 10)

/* Fresh zeroed pages for [va, va+size) (page-aligned); all or nothing. */
int uvm_alloc(pte_t *pt, uint64_t va, uint64_t size, uint64_t perm, uint16_t owner);
/* Unmaps [va, va+size); frees the pages the space owns. */
void uvm_release(pte_t *pt, uint64_t va, uint64_t size);
/* Every user mapping of src into dst (fork): shared copy-on-write, or
 * copied at once when uvm_cow_enabled is false (bootarg nocow). */
int uvm_copy(pte_t *src, pte_t *dst, uint16_t owner);
extern bool uvm_cow_enabled;
/* Resolves a store to the copy-on-write page at va: 0, -EFAULT when va is
 * not a COW page (a real fault), -ENOMEM. The new copy gets owner. */
int uvm_cow_fault(pte_t *pt, uint64_t va, uint16_t owner);
/* Breaks copy-on-write for every COW page in [va, va+n) before the kernel
 * writes there (copy_to_user): 0 or -ENOMEM. Unmapped pages are left to
 * the copy's own fault handling. */
int uvm_prepare_write(pte_t *pt, uint64_t va, uint64_t n, uint16_t owner);
/* Frees every owned user page and the page tables. */
void uvm_destroy(pte_t *pt);
/* Writes into a (not necessarily active) space through the direct map. */
int uvm_write(pte_t *pt, uint64_t va, const void *src, uint64_t n);
/* Pages mapped in the user half (owned ones). */
uint64_t uvm_count_pages(pte_t *pt);

#endif
