/*
 * kernel/trapvec.S — supervisor trap entry (stvec, direct mode).
 *
 * Saves x1..x31 and the trap CSRs into a struct trap_frame (kernel/trap.h)
 * on the current kernel stack, calls trap_kernel(frame), then restores all
 * registers, sepc and sstatus from the frame and returns with sret.
 * The frame's regs[2] holds sp as it was before the trap.
 */
#include "kernel/memlayout.h"

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

    .text
    .globl trap_vector
    .balign 4
trap_vector:
    addi    sp, sp, -FRAME_SIZE
    SAVE_REG 1
    .set n, 3
    .rept 29
    SAVE_REG %n
    .set n, n + 1
    .endr
    addi    t0, sp, FRAME_SIZE
    sd      t0, (2 * 8)(sp)
    csrr    t0, sepc
    sd      t0, OFF_SEPC(sp)
    csrr    t0, sstatus
    sd      t0, OFF_SSTATUS(sp)
    csrr    t0, scause
    sd      t0, OFF_SCAUSE(sp)
    csrr    t0, stval
    sd      t0, OFF_STVAL(sp)

    mv      a0, sp
    call    trap_kernel

    ld      t0, OFF_SEPC(sp)
    csrw    sepc, t0
    ld      t0, OFF_SSTATUS(sp)
    csrw    sstatus, t0
    LOAD_REG 1
    .set n, 3
    .rept 29
    LOAD_REG %n
    .set n, n + 1
    .endr
    addi    sp, sp, FRAME_SIZE
    sret
