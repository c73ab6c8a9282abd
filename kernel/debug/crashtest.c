/*
 * kernel/debug/crashtest.c — see crashtest.h. The crash happens a few calls deep
 * (noinline, each with a frame) so the backtrace has names to show.
 */
#include "kernel/debug/crashtest.h"

#include <stdint.h>

#include "kernel/arch/console.h"
#include "kernel/arch/memlayout.h"
#include "kernel/arch/panic.h"
#include "kernel/arch/riscv.h"
#include "kernel/hooks/sched.h"
#include "kernel/lib/string.h"
#include "kernel/task/task.h"

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

/* Unbounded recursion with a real frame per call (the volatile buffer
 * keeps the compiler from turning it into a loop). */
static volatile uint64_t recursion_limit = UINT64_MAX; /* never reached */

__attribute__((noinline)) static uint64_t recurse_deeply(uint64_t depth)
{
    volatile uint8_t frame[256];
    frame[depth % sizeof frame] = (uint8_t)depth;
    if (depth == recursion_limit)
        return frame[0];
    return recurse_deeply(depth + 1) + frame[0];
}

static void overflow_stack(void *arg)
{
    (void)arg;
    klog("crashtest: recursing on a %lu-byte kernel stack\n", (uint64_t)KSTACK_SIZE);
    recurse_deeply(0);
}

/* Breaks sched_sleep's rule (interrupts off, so no wakeup is lost). */
__attribute__((noinline)) static void sleep_with_interrupts_on(void)
{
    static int chan;
    klog("crashtest: sched_sleep with interrupts on\n");
    csr_set(sstatus, SSTATUS_SIE);
    sched_sleep(&chan);
    csr_clear(sstatus, SSTATUS_SIE);
    panic("crashtest: sleeping with interrupts on was not caught "
          "(KASSERT_DEBUG is compiled out: DEBUG=0)");
}

void crashtest_run(const char *name)
{
    if (strcmp(name, "fault") == 0) {
        crash_fault_via(2);
    } else if (strcmp(name, "panic") == 0) {
        panic("crashtest: deliberate panic");
    } else if (strcmp(name, "kstack") == 0) {
        static struct task victim;
        task_set_name(&victim, "kstack-crasher");
        if (kstack_alloc(&victim.stack) < 0)
            panic("crashtest: no kernel stack");
        task_run_on_own_stack(&victim, overflow_stack, NULL);
    } else if (strcmp(name, "irqsleep") == 0) {
        sleep_with_interrupts_on();
    } else {
        kprintf("crashtest: unknown test '%s' (known: fault, panic, kstack, irqsleep)\n", name);
    }
}
