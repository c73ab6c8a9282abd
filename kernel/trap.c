/*
 * kernel/trap.c — dispatch of interrupts and exceptions taken in the kernel.
 * Timer and external interrupts go to their drivers; any exception in kernel
 * mode is a bug and panics with the decoded cause (panic_trap).
 */
#include "kernel/trap.h"

#include <stddef.h>

#include "kernel/abi.h"
#include "kernel/console.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uvm.h"
#include "kernel/extable.h"
#include "kernel/kalloc.h"
#include "kernel/kstack.h"
#include "kernel/panic.h"
#include "kernel/panic_trap.h"
#include "kernel/plic.h"
#include "kernel/riscv.h"
#include "kernel/timer.h"

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
            timer_interrupt();
            proc_tick(false);
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

/* A page fault just below the stack grows it, down to USER_STACK_MAX. */
static bool grow_user_stack(struct proc *p, uint64_t addr)
{
    uint64_t floor = USER_STACK_TOP - USER_STACK_MAX;
    if (addr < floor || addr >= p->stack_lo)
        return false;
    uint64_t lo = addr & ~(PAGE_SIZE - 1);
    if (uvm_alloc(p->pagetable, lo, p->stack_lo - lo, VM_R | VM_W, PAGE_OWNER_PROC(p->pid)) < 0)
        return false;
    p->stack_lo = lo;
    return true;
}

static int signal_for_exception(uint64_t code)
{
    switch (code) {
    case 2: return SIGILL;
    case 3: return SIGTRAP;
    case 0: case 4: case 6: return SIGBUS;
    default: return SIGSEGV;
    }
}

void trap_user(struct trap_frame *tf)
{
    struct proc *p = proc_current();
    uint64_t code = tf->scause & ~SCAUSE_INTERRUPT;
    bool yield = false;
    if (tf->scause & SCAUSE_INTERRUPT) {
        if (code == IRQ_S_TIMER) {
            timer_interrupt();
            proc_tick(true);
            yield = true;
        } else if (code == IRQ_S_EXT) {
            plic_dispatch();
        }
    } else if (code == 8) {
        /* ecall: interrupts on while the kernel works for the process. */
        tf->sepc += 4;
        csr_set(sstatus, SSTATUS_SIE);
        tf->regs[10] = (uint64_t)syscall_dispatch(tf);
        csr_clear(sstatus, SSTATUS_SIE);
    } else if ((code == 12 || code == 13 || code == 15) && grow_user_stack(p, tf->stval)) {
        /* resumed */
    } else {
        int sig = signal_for_exception(code);
        const char *what = (code == 13 || code == 15) && tf->stval < USER_TOP &&
                                   tf->stval >= USER_STACK_TOP - USER_STACK_MAX - PAGE_SIZE &&
                                   tf->stval < USER_STACK_TOP - USER_STACK_MAX
                               ? " (stack overflow)"
                               : "";
        klog("pid %d (%s): %s%s at address %lx, pc %lx: killed\n", p->pid, p->task.name,
             trap_cause_name(tf->scause), what, tf->stval, tf->sepc);
        proc_exit(W_EXITCODE(0, sig));
    }
    if (p->killed)
        proc_exit(W_EXITCODE(0, p->killed));
    if (yield)
        proc_yield();
}
