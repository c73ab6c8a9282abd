/*
 * user/lib/syscall.S — __syscall6(number, a, b, c, d, e, f): the one place
 * user space executes ecall. Returns the kernel's raw result (-4095..-1 =
 * -errno); the C wrappers (sys.c) turn that into errno. The convention is in
 * kernel/abi/syscall_numbers.h. The stub of a call with fewer arguments
 * (<sys/syscall.h>: __sys_NAME) passes zeros for the rest, which the kernel
 * ignores.
 */
    .text
    .globl __syscall6
    .type __syscall6, @function
__syscall6:
    mv      a7, a0
    mv      a0, a1
    mv      a1, a2
    mv      a2, a3
    mv      a3, a4
    mv      a4, a5
    mv      a5, a6
    ecall
    ret
    .size __syscall6, . - __syscall6

    .section .note.GNU-stack, "", @progbits
