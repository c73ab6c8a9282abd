/*
 * kernel/arch/swtch.S — switching kernel contexts, and the FP register file.
 *
 *   void swtch(struct context *old, struct context *new)
 *     saves ra, sp, s0..s11 into *old, loads them from *new, returns on the
 *     new stack (to wherever *new last called swtch, or to its first ra).
 *   void fp_save(struct fpstate *), void fp_restore(const struct fpstate *)
 *     user programs use the F and D extensions; the kernel itself never
 *     touches FP registers (it is built without them), so they need saving
 *     only when the hart switches from one process to another.
 * Offsets match struct context / struct fpstate in kernel/proc/proc.h.
 */
    .text
    .globl swtch
swtch:
    sd      ra, 0(a0)
    sd      sp, 8(a0)
    sd      s0, 16(a0)
    sd      s1, 24(a0)
    sd      s2, 32(a0)
    sd      s3, 40(a0)
    sd      s4, 48(a0)
    sd      s5, 56(a0)
    sd      s6, 64(a0)
    sd      s7, 72(a0)
    sd      s8, 80(a0)
    sd      s9, 88(a0)
    sd      s10, 96(a0)
    sd      s11, 104(a0)
    ld      ra, 0(a1)
    ld      sp, 8(a1)
    ld      s0, 16(a1)
    ld      s1, 24(a1)
    ld      s2, 32(a1)
    ld      s3, 40(a1)
    ld      s4, 48(a1)
    ld      s5, 56(a1)
    ld      s6, 64(a1)
    ld      s7, 72(a1)
    ld      s8, 80(a1)
    ld      s9, 88(a1)
    ld      s10, 96(a1)
    ld      s11, 104(a1)
    ret

    /* The D extension for these two: kernel.mk assembles this file with
     * -march=...fd (`.option arch` would do it here, but clang 14 lacks it). */
    .altmacro
    .macro FSAVE n
    fsd     f\n, (\n * 8)(a0)
    .endm
    .macro FLOAD n
    fld     f\n, (\n * 8)(a0)
    .endm

    .globl fp_save
fp_save:
    .set n, 0
    .rept 32
    FSAVE %n
    .set n, n + 1
    .endr
    frcsr   t0
    sd      t0, 256(a0)
    ret

    .globl fp_restore
fp_restore:
    .set n, 0
    .rept 32
    FLOAD %n
    .set n, n + 1
    .endr
    ld      t0, 256(a0)
    fscsr   t0
    ret
