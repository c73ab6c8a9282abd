/*
 * kernel/proc/usertrap.c — traps from user mode (trap_user, entered from
 * kernel/arch/trapvec.S): system calls, interrupts (a periodic tick may
 * preempt), and faults — a store to a copy-on-write page gets its own
 * copy, a fault just below the stack grows it, anything else raises a
 * signal (kernel/proc/signal.h). Pending signals are acted on last, just
 * before the return to user mode.
 */
#include "kernel/arch/trap.h"

#include "kernel/abi/abi.h"
#include "kernel/arch/console.h"
#include "kernel/arch/memlayout.h"
#include "kernel/arch/plic.h"
#include "kernel/arch/riscv.h"
#include "kernel/arch/timer.h"
#include "kernel/hooks/sched.h"
#include "kernel/mm/kalloc.h"
#include "kernel/mm/uvm.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/signal.h"
#include "kernel/syscall/syscall.h"

/* A page fault just below the stack grows it, down to USER_STACK_MAX. */
bool proc_grow_stack(struct proc *p, uint64_t addr)
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
    case SCAUSE_ILLEGAL_INST: return SIGILL;
    case SCAUSE_BREAKPOINT: return SIGTRAP;
    case SCAUSE_INST_MISALIGNED: case SCAUSE_LOAD_MISALIGNED: case SCAUSE_STORE_MISALIGNED:
        return SIGBUS;
    default: return SIGSEGV;
    }
}

/* A fault the process did not recover from: a handler, or death. */
static void user_fault(struct proc *p, struct trap_frame *tf, uint64_t code)
{
    int sig = signal_for_exception(code);
    if (signal_fault(p, sig))
        return; /* the handler runs on the way out */
    const char *what = (code == SCAUSE_LOAD_PAGE_FAULT || code == SCAUSE_STORE_PAGE_FAULT) &&
                               tf->stval < USER_TOP &&
                               tf->stval >= USER_STACK_TOP - USER_STACK_MAX - PAGE_SIZE &&
                               tf->stval < USER_STACK_TOP - USER_STACK_MAX
                           ? " (stack overflow)"
                           : "";
    klog("pid %d (%s): %s%s at address %lx, pc %lx: killed\n", p->pid, p->task.name,
         trap_cause_name(tf->scause), what, tf->stval, tf->sepc);
    proc_exit(W_EXITCODE(0, sig));
}

void trap_user(struct trap_frame *tf)
{
    struct proc *p = proc_current();
    uint64_t code = tf->scause & ~SCAUSE_INTERRUPT;
    uint64_t syscall_nr = 0, orig_a0 = 0;
    bool yield = false;
    if (tf->scause & SCAUSE_INTERRUPT) {
        if (code == IRQ_S_TIMER) {
            if (timer_interrupt()) {
                sched_tick(true);
                yield = true;
            }
        } else if (code == IRQ_S_EXT) {
            plic_dispatch();
        }
    } else if (code == SCAUSE_ECALL_U) {
        /* ecall: interrupts on while the kernel works for the process. */
        syscall_nr = tf->regs[17];
        orig_a0 = tf->regs[10];
        tf->sepc += 4;
        csr_set(sstatus, SSTATUS_SIE);
        tf->regs[10] = (uint64_t)syscall_dispatch(tf);
        csr_clear(sstatus, SSTATUS_SIE);
    } else if (code == SCAUSE_STORE_PAGE_FAULT && tf->stval < USER_TOP &&
               uvm_cow_fault(p->pagetable, tf->stval, PAGE_OWNER_PROC(p->pid)) == 0) {
        /* copy-on-write: resumed with its own copy */
    } else if (scause_is_page_fault(code) && proc_grow_stack(p, tf->stval)) {
        /* resumed */
    } else {
        user_fault(p, tf, code);
    }
    signal_deliver(tf, syscall_nr, orig_a0);
    if (yield)
        proc_yield();
}
