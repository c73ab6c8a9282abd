/*
 * kernel/uvm.c — see uvm.h.
 */
#include "kernel/uvm.h"

#include "kernel/errno.h"
#include "kernel/kalloc.h"
#include "kernel/memlayout.h"
#include "kernel/string.h"

int uvm_alloc(pte_t *pt, uint64_t va, uint64_t size, uint64_t perm, uint16_t owner)
{
    for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
        uint64_t pa = kpage_alloc_pa(owner);
        int err = pa ? 0 : -ENOMEM;
        if (!err) {
            memset(pa_to_kva(pa), 0, PAGE_SIZE);
            err = vm_map(pt, va + off, pa, PAGE_SIZE, perm | VM_U);
            if (err)
                kpage_free_pa(pa);
        }
        if (err) {
            uvm_release(pt, va, off);
            return err;
        }
    }
    return 0;
}

void uvm_release(pte_t *pt, uint64_t va, uint64_t size)
{
    for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
        uint64_t pa, perm;
        if (!vm_translate(pt, va + off, &pa, &perm))
            continue;
        vm_unmap(pt, va + off, PAGE_SIZE);
        if (!(perm & PTE_SHARED))
            kpage_free_pa(pa);
    }
}

struct copy_ctx {
    pte_t *dst;
    uint16_t owner;
    int err;
};

static void copy_one(void *arg, uint64_t va, pte_t *pte)
{
    struct copy_ctx *c = arg;
    if (c->err)
        return;
    uint64_t perm = *pte & (PTE_R | PTE_W | PTE_X | PTE_U | PTE_SHARED);
    uint64_t src_pa = pte_to_pa(*pte);
    if (*pte & PTE_SHARED) {
        c->err = vm_map(c->dst, va, src_pa, PAGE_SIZE, perm);
        return;
    }
    uint64_t pa = kpage_alloc_pa(c->owner);
    if (!pa) {
        c->err = -ENOMEM;
        return;
    }
    memcpy(pa_to_kva(pa), pa_to_kva(src_pa), PAGE_SIZE);
    c->err = vm_map(c->dst, va, pa, PAGE_SIZE, perm);
    if (c->err)
        kpage_free_pa(pa);
}

int uvm_copy(pte_t *src, pte_t *dst, uint16_t owner)
{
    struct copy_ctx c = { dst, owner, 0 };
    vm_for_each_user_leaf(src, copy_one, &c);
    return c.err;
}

static void free_one(void *arg, uint64_t va, pte_t *pte)
{
    (void)arg;
    (void)va;
    if (!(*pte & PTE_SHARED))
        kpage_free_pa(pte_to_pa(*pte));
    *pte = 0;
}

void uvm_destroy(pte_t *pt)
{
    vm_for_each_user_leaf(pt, free_one, NULL);
    vm_destroy(pt);
}

int uvm_write(pte_t *pt, uint64_t va, const void *src, uint64_t n)
{
    const uint8_t *s = src;
    while (n > 0) {
        uint64_t pa;
        if (!vm_translate(pt, va, &pa, NULL))
            return -EFAULT;
        uint64_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (chunk > n)
            chunk = n;
        memcpy(pa_to_kva(pa), s, chunk);
        s += chunk;
        va += chunk;
        n -= chunk;
    }
    return 0;
}

static void count_one(void *arg, uint64_t va, pte_t *pte)
{
    (void)va;
    if (!(*pte & PTE_SHARED))
        (*(uint64_t *)arg)++;
}

uint64_t uvm_count_pages(pte_t *pt)
{
    uint64_t n = 0;
    vm_for_each_user_leaf(pt, count_one, &n);
    return n;
}
