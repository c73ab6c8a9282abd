/*
 * user/lib/crt0.S — _start, where every user program begins.
 *
 * The initial user stack the kernel builds for execve()/spawn() (addresses
 * grow upwards; sp is 16-byte aligned):
 *
 *     sp + 0                  argc                  (8 bytes)
 *     sp + 8                  argv[0] .. argv[argc-1]  (8-byte pointers)
 *     sp + 8 + 8*argc         NULL
 *     sp + 16 + 8*argc        envp[0] .. envp[n-1]
 *                             NULL
 *     above that              the argument and environment strings
 *
 * Registers at entry: only sp and pc matter; the kernel zeroes the rest
 * (and fcsr), so nothing here trusts them. _start sets up gp (the linker
 * relaxes data accesses against it), clears the frame pointer so the
 * backtrace ends here, and calls __libc_start(argc, argv, envp), which
 * calls main and then exit() with its result; it never returns.
 */
    .section .text._start, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    ld      a0, 0(sp)           /* argc */
    addi    a1, sp, 8           /* argv */
    slli    t0, a0, 3
    add     a2, a1, t0
    addi    a2, a2, 8           /* envp: past argv's NULL */
    li      s0, 0               /* end of the frame-pointer chain */
    li      ra, 0
    andi    sp, sp, -16
    call    __libc_start
1:  j       1b                  /* not reached */
    .size _start, . - _start

    .section .note.GNU-stack, "", @progbits
