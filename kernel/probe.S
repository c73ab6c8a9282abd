/*
 * kernel/probe.S — memory accesses that may fault, and call_on_stack.
 *
 *   long probe_read_u64(const void *addr, uint64_t *out)   0 or -EFAULT
 *   long probe_write_u64(void *addr, uint64_t value)       0 or -EFAULT
 *
 * Each access that may fault has an entry (instruction, fixup) in the
 * __extable section; on a fault the trap handler finds sepc there and
 * resumes at the fixup, which returns -EFAULT. Copying to and from user
 * memory uses the same mechanism.
 */
#define EFAULT 14

    .macro EXTABLE insn, fixup
    .pushsection __extable, "a"
    .balign 8
    .dword \insn, \fixup
    .popsection
    .endm

    .text
    .globl probe_read_u64
probe_read_u64:
1:  ld      t0, 0(a0)
    sd      t0, 0(a1)
    li      a0, 0
    ret
    EXTABLE 1b, probe_fault

    .globl probe_write_u64
probe_write_u64:
2:  sd      a1, 0(a0)
    li      a0, 0
    ret
    EXTABLE 2b, probe_fault

probe_fault:
    li      a0, -EFAULT
    ret

/* void call_on_stack(void *arg, void (*fn)(void *), uint64_t stack_top)
 * The old sp and ra are kept in the new stack's first frame, with a frame
 * record (fp chain) so backtraces walk through the switch. */
    .globl call_on_stack
call_on_stack:
    addi    a2, a2, -32
    sd      ra, 24(a2)
    sd      fp, 16(a2)
    sd      sp, 8(a2)
    mv      sp, a2
    addi    fp, sp, 32
    jalr    a1
    ld      ra, 24(sp)
    ld      fp, 16(sp)
    ld      sp, 8(sp)
    ret
