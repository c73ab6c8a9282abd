/*
 * user/lib/ucontext.S — getcontext, setcontext, swapcontext and the start
 * of a makecontext context (layout and contract: include/ucontext.h).
 * makecontext itself is C (ucontext.c); it leaves fn in s0, uc_link in s1
 * and the arguments in s2..s7 for __start_context.
 */
#include <ucontext.h>

    /* fsd/fld: user code is built for rv64gc, which includes D. */
    .altmacro
    .macro SAVE_S n
    sd      s\n, (UC_S0 + \n * 8)(a0)
    fsd     fs\n, (UC_FS0 + \n * 8)(a0)
    .endm
    .macro LOAD_S n
    ld      s\n, (UC_S0 + \n * 8)(a0)
    fld     fs\n, (UC_FS0 + \n * 8)(a0)
    .endm

    /* The caller's callee-saved state into *a0, resuming at ra. */
    .macro SAVE_CONTEXT
    sd      ra, UC_PC(a0)
    sd      sp, UC_SP(a0)
    .set n, 0
    .rept 12
    SAVE_S  %n
    .set n, n + 1
    .endr
    frcsr   t0
    sd      t0, UC_FCSR(a0)
    .endm

    .text
/* Saves the callee-saved state of the caller into *a0; resumes at ra. */
    .globl getcontext
    .type getcontext, @function
getcontext:
    SAVE_CONTEXT
    li      a0, 0
    ret
    .size getcontext, . - getcontext

    .globl setcontext
    .type setcontext, @function
setcontext:
    ld      t0, UC_FCSR(a0)
    fscsr   t0
    .set n, 0
    .rept 12
    LOAD_S  %n
    .set n, n + 1
    .endr
    ld      sp, UC_SP(a0)
    ld      ra, UC_PC(a0)
    li      a0, 0                   /* getcontext/swapcontext "return" 0 */
    jr      ra
    .size setcontext, . - setcontext

/* swapcontext(old, uc): getcontext(old) resuming at our caller, then
 * setcontext(uc). */
    .globl swapcontext
    .type swapcontext, @function
swapcontext:
    SAVE_CONTEXT
    mv      a0, a1
    j       setcontext
    .size swapcontext, . - swapcontext

/* First code of a makecontext context: fn(args), then uc_link or exit. */
    .globl __start_context
    .type __start_context, @function
__start_context:
    mv      a0, s2
    mv      a1, s3
    mv      a2, s4
    mv      a3, s5
    mv      a4, s6
    mv      a5, s7
    mv      t0, s0
    li      s0, 0                   /* frame pointer: backtraces stop here */
    jalr    t0
    beqz    s1, 1f
    mv      a0, s1
    j       setcontext
1:  li      a0, 0
    call    exit
    unimp
    .size __start_context, . - __start_context

    .section .note.GNU-stack, "", @progbits
