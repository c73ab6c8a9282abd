/*
 * kernel/crashtest.c — see crashtest.h. The crash happens a few calls deep
 * (noinline, each with a frame) so the backtrace has names to show.
 */
#include "kernel/crashtest.h"

#include <stdint.h>

#include "kernel/console.h"
#include "kernel/panic.h"
#include "kernel/string.h"

/* Low half, outside anything the kernel maps: a guaranteed page fault. */
#define UNMAPPED_ADDRESS 0xdeadb000UL

__attribute__((noinline)) static void crash_store_unmapped(volatile uint64_t *p)
{
    klog("crashtest: storing to %p\n", (void *)p);
    *p = 0x0badc0de;
    klog("crashtest: the store did not fault\n");
}

__attribute__((noinline)) static void crash_fault_via(int depth)
{
    if (depth > 0)
        crash_fault_via(depth - 1);
    else
        crash_store_unmapped((volatile uint64_t *)UNMAPPED_ADDRESS);
    __asm__ volatile("" ::: "memory"); /* keep the recursion a real call */
}

void crashtest_run(const char *name)
{
    if (strcmp(name, "fault") == 0)
        crash_fault_via(2);
    else if (strcmp(name, "panic") == 0)
        panic("crashtest: deliberate panic");
    else
        kprintf("crashtest: unknown test '%s' (known: fault, panic)\n", name);
}
