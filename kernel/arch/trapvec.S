/*
 * kernel/arch/trapvec.S — supervisor trap entry (stvec, direct mode).
 *
 * Saves x1..x31 and the trap CSRs into a struct trap_frame (kernel/arch/trap.h)
 * on the current kernel stack, calls trap_kernel(frame), then restores all
 * registers, sepc and sstatus from the frame and returns with sret.
 * The frame's regs[2] holds sp as it was before the trap.
 *
 * From user mode: sscratch holds the top of the process's kernel stack
 * (it is 0 while in the kernel, which is how the two cases are told apart);
 * the frame goes at that top (p->tf), trap_user() runs, and the return path
 * (user_return_entry, also where a new process starts) restores the user
 * registers, puts the stack top back in sscratch and srets.
 *
 * Stack overflow: if pushing the frame would land in a kernel stack's guard
 * (memlayout.h), the stack is unusable, so the frame goes on a small
 * emergency stack instead and trap_kernel() reports the overflow. sscratch
 * (0 while in the kernel) and trap_scratch hold t0/t1 during that check.
 */
#include "kernel/arch/memlayout.h"

#define FRAME_SIZE (36 * 8)
#define OFF_SEPC    (32 * 8)
#define OFF_SSTATUS (33 * 8)
#define OFF_SCAUSE  (34 * 8)
#define OFF_STVAL   (35 * 8)

    .altmacro
    .macro SAVE_REG n
    sd      x\n, (\n * 8)(sp)
    .endm
    .macro LOAD_REG n
    ld      x\n, (\n * 8)(sp)
    .endm
    /* x1 and x3..x31 to/from regs[i] of the frame at sp (x2, sp itself, is
     * handled by each path: it differs between them). */
    .macro SAVE_GPRS
    SAVE_REG 1
    .set n, 3
    .rept 29
    SAVE_REG %n
    .set n, n + 1
    .endr
    .endm
    .macro LOAD_GPRS
    LOAD_REG 1
    .set n, 3
    .rept 29
    LOAD_REG %n
    .set n, n + 1
    .endr
    .endm
    /* The trap's CSRs into the frame (t0 is saved already). */
    .macro SAVE_CSRS
    csrr    t0, sepc
    sd      t0, OFF_SEPC(sp)
    csrr    t0, sstatus
    sd      t0, OFF_SSTATUS(sp)
    csrr    t0, scause
    sd      t0, OFF_SCAUSE(sp)
    csrr    t0, stval
    sd      t0, OFF_STVAL(sp)
    .endm

    .text
    .globl trap_vector
    .balign 4
trap_vector:
    csrrw   sp, sscratch, sp
    bnez    sp, from_user
    csrrw   sp, sscratch, sp        /* from the kernel: sp back, sscratch 0 */
    csrw    sscratch, t0
    lla     t0, trap_scratch
    sd      t1, 0(t0)
    /* t1 = offset of the new frame in the kernel-stack region */
    addi    t1, sp, -FRAME_SIZE
    li      t0, KSTACK_BASE
    sub     t1, t1, t0
    li      t0, KSTACK_REGION_SIZE
    bgeu    t1, t0, stack_ok
    srli    t1, t1, 14              /* bit 14: upper (stack) half of a slot */
    andi    t1, t1, 1
    bnez    t1, stack_ok

    /* Overflow: remember sp, continue on the emergency stack. */
    lla     t0, trap_scratch
    sd      sp, 8(t0)
    ld      t1, 0(t0)
    lla     sp, emergency_stack_top
    csrr    t0, sscratch
    csrw    sscratch, zero
    addi    sp, sp, -FRAME_SIZE
    SAVE_GPRS
    lla     t0, trap_scratch
    ld      t0, 8(t0)
    sd      t0, (2 * 8)(sp)
    j       save_csrs

stack_ok:
    lla     t0, trap_scratch
    ld      t1, 0(t0)
    csrr    t0, sscratch
    csrw    sscratch, zero
    addi    sp, sp, -FRAME_SIZE
    SAVE_GPRS
    addi    t0, sp, FRAME_SIZE
    sd      t0, (2 * 8)(sp)
save_csrs:
    SAVE_CSRS

    mv      a0, sp
    call    trap_kernel

    ld      t0, OFF_SEPC(sp)
    csrw    sepc, t0
    ld      t0, OFF_SSTATUS(sp)
    csrw    sstatus, t0
    LOAD_GPRS
    addi    sp, sp, FRAME_SIZE
    sret

/* ---- traps from user mode ---- */
from_user:
    addi    sp, sp, -FRAME_SIZE
    SAVE_GPRS
    csrr    t0, sscratch            /* the user's sp */
    sd      t0, (2 * 8)(sp)
    csrw    sscratch, zero          /* now in the kernel */
    SAVE_CSRS
    li      fp, 0                   /* backtraces stop at the user boundary */
    mv      a0, sp
    call    trap_user

/* sp = the trap frame at the top of the current process's kernel stack.
 * Interrupts are off here: sstatus from the frame (SPP = 0, SPIE = 1) makes
 * sret drop to user mode with interrupts on. */
    .globl user_return_entry
user_return_entry:
    csrc    sstatus, 2              /* SIE off until sret */
    ld      t0, OFF_SEPC(sp)
    csrw    sepc, t0
    ld      t0, OFF_SSTATUS(sp)
    csrw    sstatus, t0
    addi    t0, sp, FRAME_SIZE
    csrw    sscratch, t0
    LOAD_GPRS
    ld      sp, (2 * 8)(sp)
    sret

    .bss
    .balign 16
trap_scratch:
    .space 16
    .balign 16
emergency_stack:
    .space 8192
emergency_stack_top:
