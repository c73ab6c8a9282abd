/*
 * kernel/arch/trap.h — the register state saved on every trap, and the handler.
 *
 * trap_vector (trapvec.S) pushes a struct trap_frame on the current stack
 * (regs[i] holds register xi; regs[0] is unused), calls trap_kernel(), and
 * restores everything from the frame, so a handler may change sepc/sstatus.
 */
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H

#include <stdint.h>

struct trap_frame {
    uint64_t regs[32];
    uint64_t sepc;
    uint64_t sstatus;
    uint64_t scause;
    uint64_t stval;
};

#define TRAP_FRAME_SIZE (36 * 8)

void trap_vector(void);
void trap_init(void);
void trap_kernel(struct trap_frame *tf);
/* Traps from user mode; returns when the process may go back to user mode.
 * Implemented by the process layer, kernel/proc/usertrap.c. */
void trap_user(struct trap_frame *tf);
const char *trap_cause_name(uint64_t scause);

#endif
