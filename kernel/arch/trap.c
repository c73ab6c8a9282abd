/*
 * kernel/arch/trap.c — the names of trap causes, and dispatch of the traps
 * taken in the kernel: timer and external interrupts go to their drivers;
 * an exception is a bug and panics with the decoded cause (panic_trap),
 * unless it is a user-access fault with an extable fixup (-EFAULT).
 * Traps from user mode go to trap_user (kernel/proc/usertrap.c), the
 * process layer: trapvec.S calls it.
 */
#include "kernel/arch/trap.h"

#include <stddef.h>

#include "kernel/arch/extable.h"
#include "kernel/arch/memlayout.h"
#include "kernel/arch/panic.h"
#include "kernel/arch/panic_trap.h"
#include "kernel/arch/plic.h"
#include "kernel/arch/riscv.h"
#include "kernel/arch/timer.h"
#include "kernel/hooks/sched.h"

static const char *const exception_names[] = {
    [0] = "instruction address misaligned",
    [1] = "instruction access fault",
    [2] = "illegal instruction",
    [3] = "breakpoint",
    [4] = "load address misaligned",
    [5] = "load access fault",
    [6] = "store/AMO address misaligned",
    [7] = "store/AMO access fault",
    [8] = "environment call from U-mode",
    [9] = "environment call from S-mode",
    [12] = "instruction page fault",
    [13] = "load page fault",
    [15] = "store/AMO page fault",
    [18] = "software check",
    [19] = "hardware error",
};

static const char *const interrupt_names[] = {
    [1] = "supervisor software interrupt",
    [5] = "supervisor timer interrupt",
    [9] = "supervisor external interrupt",
    [13] = "counter overflow interrupt",
};

const char *trap_cause_name(uint64_t scause)
{
    uint64_t code = scause & ~SCAUSE_INTERRUPT;
    const char *name = NULL;
    if (scause & SCAUSE_INTERRUPT) {
        if (code < sizeof interrupt_names / sizeof *interrupt_names)
            name = interrupt_names[code];
    } else if (code < sizeof exception_names / sizeof *exception_names) {
        name = exception_names[code];
    }
    return name ? name : "unknown cause";
}

void trap_init(void)
{
    csr_write(stvec, (uint64_t)trap_vector);
    csr_write(sscratch, 0);
}

void trap_kernel(struct trap_frame *tf)
{
    if (tf->scause & SCAUSE_INTERRUPT) {
        switch (tf->scause & ~SCAUSE_INTERRUPT) {
        case IRQ_S_TIMER:
            if (timer_interrupt())
                sched_tick(false);
            return;
        case IRQ_S_EXT:
            plic_dispatch();
            return;
        default:
            break;
        }
    }
    uint64_t code = tf->scause;
    bool page_fault = code == 12 || code == 13 || code == 15;
    bool access_fault = code == 1 || code == 5 || code == 7;
    if ((page_fault || access_fault) && extable_fixup(tf))
        return;
    if (page_fault && (kstack_is_guard(tf->stval) || kstack_is_guard(tf->regs[2])))
        panic_stack_overflow(tf);
    panic_trap(tf);
}
