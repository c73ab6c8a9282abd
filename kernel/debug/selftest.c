/*
 * kernel/debug/selftest.c — tests that need the real machine: the page pool and
 * heap as the kernel set them up, the live kernel page table (mapping,
 * translation, W^X of every kernel region), fault probes, and guard pages.
 * Each test leaves the allocators as it found them (checked).
 */
#include "kernel/debug/selftest.h"

#include "kernel/arch/console.h"
#include "kernel/abi/errno.h"
#include "kernel/arch/extable.h"
#include "kernel/mm/kalloc.h"
#include "kernel/mm/kheap.h"
#include "kernel/mm/kstack.h"
#include "kernel/arch/memlayout.h"
#include "kernel/arch/platform.h"
#include "kernel/lib/string.h"
#include "kernel/task/task.h"
#include "kernel/mm/vm.h"

extern char __text_start[], __rodata_start[], __data_start[], __bss_start[], kmain[];

static int failures_in_test;

#define ST_CHECK(cond)                                                        \
    do {                                                                      \
        if (!(cond)) {                                                        \
            kprintf("    %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            failures_in_test++;                                               \
        }                                                                     \
    } while (0)

/* A scratch virtual address in the (otherwise unused) low half. */
#define SCRATCH_VA 0x0000003000000000UL

static void test_page_pool(void)
{
    const struct page_pool *pool = kalloc_pool();
    size_t free0 = page_pool_free_pages(pool);
    void *one = kpages_alloc(1, 1, PAGE_OWNER_TEST);
    void *run = kpages_alloc(16, 16, PAGE_OWNER_TEST);
    ST_CHECK(one && run);
    ST_CHECK((kva_to_pa(run) & (16 * PAGE_SIZE - 1)) == 0);
    ST_CHECK(page_pool_free_pages(pool) == free0 - 17);
    ST_CHECK(page_owner_of(pool, kva_to_pa(run)) == PAGE_OWNER_TEST);
    /* Memory is usable and zeroed. */
    uint8_t *b = run;
    bool zero = true;
    for (size_t i = 0; i < 16 * PAGE_SIZE; i++)
        zero &= b[i] == 0;
    ST_CHECK(zero);
    memset(run, 0xa5, 16 * PAGE_SIZE);
    kpages_free(one);
    kpages_free(run);
    ST_CHECK(page_pool_free_pages(pool) == free0);
    /* More than there is: NULL, not a panic. */
    ST_CHECK(kpages_alloc(page_pool_total_pages(pool) + 1, 1, PAGE_OWNER_TEST) == NULL);
    /* The firmware, the kernel and the FDT are never handed out. */
    ST_CHECK(page_owner_of(pool, kva_to_pa(__text_start)) == PAGE_OWNER_RESERVED);
    ST_CHECK(page_owner_of(pool, platform.fdt_pa) == PAGE_OWNER_RESERVED);
    kalloc_check();
}

static void test_heap(void)
{
    struct kheap_stats before, after;
    kalloc_heap_stats(&before);
    void *p[64];
    for (int i = 0; i < 64; i++) {
        size_t size = (size_t)(i * 97 % 5000) + 1;
        p[i] = kmalloc(size);
        ST_CHECK(p[i] != NULL && ((uint64_t)p[i] & 15) == 0);
        if (p[i])
            memset(p[i], i, size);
    }
    void *grown = krealloc(p[3], 10000);
    ST_CHECK(grown && ((uint8_t *)grown)[0] == 3);
    p[3] = grown;
    for (int i = 0; i < 64; i++)
        kfree(p[i]);
    kalloc_heap_stats(&after);
    for (int c = 0; c < KHEAP_NCLASSES; c++)
        ST_CHECK(after.classes[c].live == before.classes[c].live);
    ST_CHECK(after.large_live == before.large_live);
    kalloc_check();
}

static void test_map_translate_unmap(void)
{
    uint64_t tables0 = vm_table_pages();
    void *page = kpages_alloc(1, 1, PAGE_OWNER_TEST);
    ST_CHECK(page != NULL);
    uint64_t pa = kva_to_pa(page);
    ST_CHECK(vm_map(kernel_pagetable, SCRATCH_VA, pa, PAGE_SIZE, VM_R | VM_W) == 0);
    uint64_t got_pa = 0, perm = 0;
    ST_CHECK(vm_translate(kernel_pagetable, SCRATCH_VA + 123, &got_pa, &perm));
    ST_CHECK(got_pa == pa + 123);
    ST_CHECK((perm & (VM_R | VM_W | VM_X)) == (VM_R | VM_W));
    /* The same page seen through two mappings. */
    ST_CHECK(probe_write_u64((void *)(SCRATCH_VA + 64), 0x1122334455667788UL) == 0);
    ST_CHECK(((uint64_t *)page)[8] == 0x1122334455667788UL);
    /* Mapping over an existing mapping is refused. */
    ST_CHECK(vm_map(kernel_pagetable, SCRATCH_VA, pa, PAGE_SIZE, VM_R) == -EEXIST);
    vm_unmap(kernel_pagetable, SCRATCH_VA, PAGE_SIZE);
    ST_CHECK(!vm_translate(kernel_pagetable, SCRATCH_VA, NULL, NULL));
    uint64_t v;
    ST_CHECK(probe_read_u64((void *)SCRATCH_VA, &v) == -EFAULT);
    kpages_free(page);
    /* An address space: private low half, shared kernel half; destroy frees
     * every table it created. */
    pte_t *as = vm_create();
    ST_CHECK(as != NULL);
    if (as) {
        void *upage = kpages_alloc(1, 1, PAGE_OWNER_TEST);
        ST_CHECK(vm_map(as, 0x10000, kva_to_pa(upage), PAGE_SIZE, VM_R | VM_U) == 0);
        ST_CHECK(vm_translate(as, (uint64_t)kmain, NULL, NULL));
        ST_CHECK(!vm_translate(kernel_pagetable, 0x10000, NULL, NULL));
        vm_destroy(as);
        kpages_free(upage);
    }
    /* Intermediate tables made for SCRATCH_VA stay (harmless); none leak
     * beyond those two. */
    ST_CHECK(vm_table_pages() <= tables0 + 2);
}

static void test_w_xor_x(void)
{
    uint64_t perm;
    /* The mapping code refuses writable+executable. */
    ST_CHECK(vm_map(kernel_pagetable, SCRATCH_VA, 0x80000000UL, PAGE_SIZE,
                    VM_R | VM_W | VM_X) == -EINVAL);
    /* Every kernel region has the permissions it should. */
    ST_CHECK(vm_translate(kernel_pagetable, (uint64_t)__text_start, NULL, &perm) &&
             (perm & (VM_R | VM_W | VM_X)) == (VM_R | VM_X));
    ST_CHECK(vm_translate(kernel_pagetable, (uint64_t)__rodata_start, NULL, &perm) &&
             (perm & (VM_R | VM_W | VM_X)) == VM_R);
    ST_CHECK(vm_translate(kernel_pagetable, (uint64_t)__data_start, NULL, &perm) &&
             (perm & (VM_R | VM_W | VM_X)) == (VM_R | VM_W));
    ST_CHECK(vm_translate(kernel_pagetable, (uint64_t)__bss_start, NULL, &perm) &&
             (perm & (VM_R | VM_W | VM_X)) == (VM_R | VM_W));
    /* The direct map never executes; its alias of kernel text is read-only. */
    ST_CHECK(vm_translate(kernel_pagetable, (uint64_t)pa_to_kva(kva_to_pa(kmain)), NULL, &perm) &&
             (perm & (VM_R | VM_W | VM_X)) == VM_R);
    ST_CHECK(vm_translate(kernel_pagetable, (uint64_t)pa_to_kva(platform.fdt_pa), NULL, &perm) &&
             !(perm & VM_X));
    /* And the hardware enforces it: stores to text and rodata fault. */
    ST_CHECK(probe_write_u64((void *)((uint64_t)kmain & ~7UL), 0) == -EFAULT);
    ST_CHECK(probe_write_u64((void *)__rodata_start, 0) == -EFAULT);
    ST_CHECK(probe_write_u64(pa_to_kva(kva_to_pa(kmain) & ~7UL), 0) == -EFAULT);
    /* The boot identity map is gone. */
    uint64_t v;
    ST_CHECK(probe_read_u64((void *)kva_to_pa(kmain), &v) == -EFAULT);
}

static void test_kernel_stacks_and_guard(void)
{
    uint64_t used0 = kstack_in_use();
    struct kstack a, b;
    ST_CHECK(kstack_alloc(&a) == 0 && kstack_alloc(&b) == 0);
    ST_CHECK(a.hi - a.lo == KSTACK_SIZE && b.lo != a.lo);
    /* Usable stack, then an unmapped guard right below it. */
    ST_CHECK(probe_write_u64((void *)(a.hi - 8), 42) == 0);
    ST_CHECK(probe_write_u64((void *)a.lo, 42) == 0);
    ST_CHECK(probe_write_u64((void *)(a.lo - 8), 42) == -EFAULT);
    ST_CHECK(kstack_is_guard(a.lo - 8) && !kstack_is_guard(a.lo));
    kstack_free(&b);
    kstack_free(&a);
    ST_CHECK(kstack_in_use() == used0);
    ST_CHECK(!vm_translate(kernel_pagetable, a.lo, NULL, NULL));
}

static void on_other_stack(void *arg)
{
    uint64_t sp;
    __asm__ volatile("mv %0, sp" : "=r"(sp));
    *(uint64_t *)arg = sp;
}

static void test_run_on_task_stack(void)
{
    struct task t;
    task_set_name(&t, "selftest-task");
    ST_CHECK(kstack_alloc(&t.stack) == 0);
    uint64_t sp = 0;
    task_run_on_own_stack(&t, on_other_stack, &sp);
    ST_CHECK(sp > t.stack.lo && sp <= t.stack.hi);
    kstack_free(&t.stack);
}

static const struct {
    const char *name;
    void (*fn)(void);
} tests[] = {
    { "page_pool", test_page_pool },
    { "heap", test_heap },
    { "map_translate_unmap", test_map_translate_unmap },
    { "w_xor_x", test_w_xor_x },
    { "kernel_stacks_and_guard", test_kernel_stacks_and_guard },
    { "run_on_task_stack", test_run_on_task_stack },
};

int selftest_run(void)
{
    int passed = 0, failed = 0;
    for (size_t i = 0; i < sizeof tests / sizeof *tests; i++) {
        failures_in_test = 0;
        tests[i].fn();
        kprintf("%s selftest %s\n", failures_in_test ? "FAIL" : "ok  ", tests[i].name);
        if (failures_in_test)
            failed++;
        else
            passed++;
    }
    kprintf("selftest: %d passed, %d failed\n", passed, failed);
    return failed;
}
