/*
 * kernel/arch/panic_trap.h — panic for an unexpected trap: prints the decoded
 * cause, sepc and stval with symbol names, all registers and a backtrace
 * starting at the faulting instruction, then powers off with a failure.
 */
#ifndef KERNEL_PANIC_TRAP_H
#define KERNEL_PANIC_TRAP_H

#include "kernel/arch/trap.h"

__attribute__((noreturn)) void panic_trap(struct trap_frame *tf);
/* The same, headed "kernel stack overflow in task NAME". */
__attribute__((noreturn)) void panic_stack_overflow(struct trap_frame *tf);

/* "name+0x1c" for a kernel text address, or NULL when it is not one. */
const char *ksym_name(uint64_t addr, uint64_t *offset);

/* Exit status QEMU reports when the kernel panics (see power.h). */
#define PANIC_EXIT_STATUS 101

#endif
