/*
 * kernel/arch/probe.S — memory accesses that may fault, and call_on_stack.
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

#define SSTATUS_SUM (1 << 18)
#define ENAMETOOLONG 36

/* long user_copy_bytes(void *dst, const void *src, size_t n): 0 or -EFAULT.
 * Eight bytes at a time when both pointers are 8-aligned. The caller has
 * checked that the user side lies in the user half. */
    .globl user_copy_bytes
user_copy_bytes:
    li      t2, SSTATUS_SUM
    csrs    sstatus, t2
    or      t0, a0, a1
    andi    t0, t0, 7
    bnez    t0, 2f
1:  li      t0, 8
    bltu    a2, t0, 2f
3:  ld      t1, 0(a1)
4:  sd      t1, 0(a0)
    addi    a0, a0, 8
    addi    a1, a1, 8
    addi    a2, a2, -8
    j       1b
2:  beqz    a2, 6f
5:  lbu     t1, 0(a1)
7:  sb      t1, 0(a0)
    addi    a0, a0, 1
    addi    a1, a1, 1
    addi    a2, a2, -1
    j       2b
6:  csrc    sstatus, t2
    li      a0, 0
    ret
    EXTABLE 3b, user_fault
    EXTABLE 4b, user_fault
    EXTABLE 5b, user_fault
    EXTABLE 7b, user_fault

/* long user_copy_string(char *dst, const char *src, size_t max): length
 * without the NUL, -EFAULT, or -ENAMETOOLONG if no NUL in max bytes. */
    .globl user_copy_string
user_copy_string:
    li      t2, SSTATUS_SUM
    csrs    sstatus, t2
    li      t0, 0               /* length so far */
1:  beq     t0, a2, 3f
2:  lbu     t1, 0(a1)
    sb      t1, 0(a0)
    beqz    t1, 4f
    addi    a0, a0, 1
    addi    a1, a1, 1
    addi    t0, t0, 1
    j       1b
3:  csrc    sstatus, t2
    li      a0, -ENAMETOOLONG
    ret
4:  csrc    sstatus, t2
    mv      a0, t0
    ret
    EXTABLE 2b, user_fault

user_fault:
    li      t2, SSTATUS_SUM
    csrc    sstatus, t2
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
