/*
 * kernel/arch/entry.S — the first instructions, entered from OpenSBI.
 *
 * In: a0 = this hart's id, a1 = physical address of the device tree, paging
 * off, running at the physical load address. One hart wins the boot lottery;
 * any other hart that arrives here parks in wfi forever (OpenSBI normally
 * keeps the others stopped in its hart state manager, so this is a guard).
 * The boot page table (boot_pagetable.c) maps the image at its high link
 * address and RAM/MMIO through the direct map, using 1 GiB pages; the kernel
 * replaces it with a fine-grained one once its page allocator is up.
 * Out: kmain(hartid, fdt_pa) on the boot stack, bss zeroed, fp = 0 so the
 * backtrace stops there.
 */
#include "kernel/arch/memlayout.h"

    .section .text.entry, "ax"
    .globl _start
_start:
    /* Boot lottery: the first hart to increment the counter boots. */
    lla     t0, boot_lottery
    li      t1, 1
    amoadd.w t1, t1, (t0)
    bnez    t1, park

    /* Paging on with the boot page table (addresses still physical here). */
    lla     t0, boot_pagetable
    srli    t0, t0, 12
    li      t1, 8               /* satp.MODE = Sv39 */
    slli    t1, t1, 60
    or      t0, t0, t1
    sfence.vma zero, zero
    csrw    satp, t0
    sfence.vma zero, zero

    /* Jump to the high (linked) address of the rest of the boot code. */
    ld      t0, high_entry_addr
    jr      t0

park:
    csrw    sie, zero
1:  wfi
    j       1b

    .balign 8
high_entry_addr:
    .dword  high_entry

    .text
high_entry:
    la      sp, boot_stack_top
    li      fp, 0
    li      ra, 0
    /* Zero .bss (the boot page table and lottery live in .data). */
    la      t0, __bss_start
    la      t1, __bss_end
2:  bgeu    t0, t1, 3f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       2b
3:  call    kmain
4:  wfi                         /* kmain does not return */
    j       4b

    .data
    .balign 4
    .globl boot_lottery
boot_lottery:
    .word 0

    .section .bss.stack, "aw", @nobits
    .balign 4096
    .globl boot_stack, boot_stack_top
boot_stack:
    .space 16384
boot_stack_top:
