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
    [SCAUSE_INST_MISALIGNED] = "instruction address misaligned",
    [SCAUSE_INST_ACCESS_FAULT] = "instruction access fault",
    [SCAUSE_ILLEGAL_INST] = "illegal instruction",
    [SCAUSE_BREAKPOINT] = "breakpoint",
    [SCAUSE_LOAD_MISALIGNED] = "load address misaligned",
    [SCAUSE_LOAD_ACCESS_FAULT] = "load access fault",
    [SCAUSE_STORE_MISALIGNED] = "store/AMO address misaligned",
    [SCAUSE_STORE_ACCESS_FAULT] = "store/AMO access fault",
    [SCAUSE_ECALL_U] = "environment call from U-mode",
    [SCAUSE_ECALL_S] = "environment call from S-mode",
    [SCAUSE_INST_PAGE_FAULT] = "instruction page fault",
    [SCAUSE_LOAD_PAGE_FAULT] = "load page fault",
    [SCAUSE_STORE_PAGE_FAULT] = "store/AMO page fault",
    [SCAUSE_SOFTWARE_CHECK] = "software check",
    [SCAUSE_HARDWARE_ERROR] = "hardware error",
};

static const char *const interrupt_names[] = {
    [IRQ_S_SOFT] = "supervisor software interrupt",
    [IRQ_S_TIMER] = "supervisor timer interrupt",
    [IRQ_S_EXT] = "supervisor external interrupt",
    [IRQ_COUNTER_OVERFLOW] = "counter overflow interrupt",
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
    bool page_fault = scause_is_page_fault(code);
    bool access_fault = scause_is_access_fault(code);
    if ((page_fault || access_fault) && extable_fixup(tf))
        return;
    if (page_fault && (kstack_is_guard(tf->stval) || kstack_is_guard(tf->regs[2])))
        panic_stack_overflow(tf);
    panic_trap(tf);
}
