/*
 * user/lib/signal.S — __sigreturn_stub: where a signal handler returns.
 * The kernel pointed ra here and left sp at the signal frame it pushed;
 * SYS_sigreturn restores everything the signal interrupted and does not
 * come back here.
 */
#include "kernel/abi/syscall_numbers.h"

    .text
    .globl __sigreturn_stub
    .type __sigreturn_stub, @function
__sigreturn_stub:
    li      a7, SYS_sigreturn
    ecall
    unimp                           /* not reached */
    .size __sigreturn_stub, . - __sigreturn_stub

    .section .note.GNU-stack, "", @progbits
