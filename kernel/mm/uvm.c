/*
 * kernel/mm/uvm.c — see uvm.h.
 *
 * Copy-on-write: fork maps each private page of the parent into the child
 * instead of copying it, takes a reference on the page (kpage_ref_get), and
 * makes a writable page read-only in both spaces with PTE_COW set. The
 * first store to such a page faults (uvm_cow_fault): if this space holds
 * the only reference left, the page simply becomes writable again and
 * joins this space (owner); otherwise the space gets a private copy and
 * drops its reference to the shared one. Unmapping drops a reference
 * (kpage_put_pa frees at zero). Read-only private pages (program text) are
 * shared the same way but never get PTE_COW: a store to them is a fault.
 */
#include "kernel/mm/uvm.h"

#include "kernel/abi/errno.h"
#include "kernel/mm/kalloc.h"
#include "kernel/arch/memlayout.h"
#include "kernel/arch/riscv.h"
#include "kernel/lib/string.h"

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
    /* Time in proportion to what is mapped, not to size: absent tables
     * are skipped whole (vm_skip_absent). */
    uint64_t end = va + size;
    for (uint64_t v = va; v < end;) {
        uint64_t pa, perm;
        if (!vm_translate(pt, v, &pa, &perm)) {
            v = vm_skip_absent(pt, v);
            continue;
        }
        vm_unmap(pt, v, PAGE_SIZE);
        if (!(perm & PTE_SHARED))
            kpage_put_pa(pa);
        v += PAGE_SIZE;
    }
}

bool uvm_cow_enabled = true;

struct copy_ctx {
    pte_t *dst;
    uint16_t owner;
    int err;
};

/* The old way, kept for comparison (bootarg nocow): a private copy now. */
static int copy_page_now(struct copy_ctx *c, uint64_t va, pte_t pte)
{
    uint64_t perm = pte & (PTE_R | PTE_W | PTE_X | PTE_U);
    if (pte & PTE_COW)
        perm |= PTE_W; /* a page still shared from an earlier fork */
    uint64_t pa = kpage_alloc_pa(c->owner);
    if (!pa)
        return -ENOMEM;
    memcpy(pa_to_kva(pa), pa_to_kva(pte_to_pa(pte)), PAGE_SIZE);
    int err = vm_map(c->dst, va, pa, PAGE_SIZE, perm);
    if (err)
        kpage_free_pa(pa);
    return err;
}

static void copy_one(void *arg, uint64_t va, pte_t *pte)
{
    struct copy_ctx *c = arg;
    if (c->err)
        return;
    uint64_t perm = *pte & (PTE_R | PTE_W | PTE_X | PTE_U | PTE_SHARED | PTE_COW);
    uint64_t src_pa = pte_to_pa(*pte);
    if (*pte & PTE_SHARED) {
        c->err = vm_map(c->dst, va, src_pa, PAGE_SIZE, perm);
        return;
    }
    if (!uvm_cow_enabled) {
        c->err = copy_page_now(c, va, *pte);
        return;
    }
    if (perm & PTE_W) {
        /* Both spaces lose write access until their first store. The
         * caller flushes the TLB once for the whole parent. */
        perm = (perm & ~PTE_W) | PTE_COW;
        *pte = (*pte & ~PTE_W) | PTE_COW;
    }
    c->err = vm_map(c->dst, va, src_pa, PAGE_SIZE, perm);
    if (!c->err)
        kpage_ref_get(src_pa);
}

int uvm_copy(pte_t *src, pte_t *dst, uint16_t owner)
{
    struct copy_ctx c = { dst, owner, 0 };
    vm_for_each_user_leaf(src, copy_one, &c);
    sfence_vma_all(); /* the source's writable entries became read-only */
    return c.err;
}

int uvm_cow_fault(pte_t *pt, uint64_t va, uint16_t owner)
{
    va &= ~(PAGE_SIZE - 1);
    pte_t *slot = vm_leaf_pte(pt, va);
    if (!slot || !(*slot & PTE_COW) || !(*slot & PTE_U))
        return -EFAULT;
    uint64_t old_pa = pte_to_pa(*slot);
    uint64_t flags = *slot & ((1UL << 10) - 1);
    flags = (flags & ~PTE_COW) | PTE_W;
    if (kpage_ref_count(old_pa) == 1) {
        /* Everyone else let go: the page is ours alone again. */
        kpage_set_owner(old_pa, owner);
        *slot = (*slot & ~((1UL << 10) - 1)) | flags;
    } else {
        uint64_t pa = kpage_alloc_pa(owner);
        if (!pa)
            return -ENOMEM;
        memcpy(pa_to_kva(pa), pa_to_kva(old_pa), PAGE_SIZE);
        *slot = ((pa >> 12) << 10) | flags;
        kpage_put_pa(old_pa);
    }
    vm_flush_page(va);
    return 0;
}

int uvm_prepare_write(pte_t *pt, uint64_t va, uint64_t n, uint16_t owner)
{
    if (n == 0)
        return 0;
    for (uint64_t page = va & ~(PAGE_SIZE - 1); page < va + n; page += PAGE_SIZE) {
        pte_t *slot = vm_leaf_pte(pt, page);
        if (slot && (*slot & PTE_COW) && (*slot & PTE_U)) {
            int err = uvm_cow_fault(pt, page, owner);
            if (err)
                return err;
        }
    }
    return 0;
}

static void free_one(void *arg, uint64_t va, pte_t *pte)
{
    (void)arg;
    (void)va;
    if (!(*pte & PTE_SHARED))
        kpage_put_pa(pte_to_pa(*pte));
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
