/*
 * kernel/arch/panic.c — panic(), the trap panic, backtraces and symbol lookup.
 *
 * Backtraces follow the frame-pointer chain the kernel is compiled for
 * (-fno-omit-frame-pointer): in a function with a frame, s0 points just above
 * the saved return address (s0 - 8) and the caller's s0 (s0 - 16). A leaf
 * function saves only s0 (at s0 - 8) and keeps ra in its register, which the
 * walker recognizes because the word at s0 - 8 is then not a text address.
 * Names come from the table tools/ksyms.py generates at link time (.ksyms).
 * A panic inside a panic powers off at once.
 */
#include "kernel/arch/panic.h"

#include <stdbool.h>

#include "kernel/arch/console.h"
#include "kernel/arch/panic_trap.h"
#include "kernel/arch/power.h"
#include "kernel/arch/riscv.h"
#include "kernel/hooks/sched_hooks.h"

extern const uint64_t ksyms_count;
extern const uint64_t ksyms_addrs[];
extern const uint32_t ksyms_name_offsets[];
extern const char ksyms_names[];
extern const char __text_start[], __text_end[];

static int panic_depth;

static bool is_text(uint64_t addr)
{
    return addr >= (uint64_t)__text_start && addr < (uint64_t)__text_end;
}

const char *ksym_name(uint64_t addr, uint64_t *offset)
{
    if (!is_text(addr) || ksyms_count == 0 || addr < ksyms_addrs[0])
        return NULL;
    uint64_t lo = 0, hi = ksyms_count; /* find the last symbol <= addr */
    while (hi - lo > 1) {
        uint64_t mid = (lo + hi) / 2;
        if (ksyms_addrs[mid] <= addr)
            lo = mid;
        else
            hi = mid;
    }
    *offset = addr - ksyms_addrs[lo];
    return ksyms_names + ksyms_name_offsets[lo];
}

static void print_location(const char *label, uint64_t addr)
{
    uint64_t off;
    const char *name = ksym_name(addr, &off);
    if (name)
        kprintf("%s%016lx  %s+0x%lx\n", label, addr, name, off);
    else
        kprintf("%s%016lx\n", label, addr);
}

static bool plausible_fp(uint64_t fp, uint64_t lo, uint64_t hi)
{
    return (fp & 7) == 0 && fp > lo + 16 && fp <= hi;
}

/* Walks from (pc, fp) with `ra` the live return-address register value (used
 * when the innermost function is a leaf). */
static void backtrace(uint64_t pc, uint64_t fp, uint64_t ra)
{
    uint64_t lo, hi;
    sched_current_stack(&lo, &hi);
    kprintf("backtrace:\n");
    print_location("  ", pc);
    uint64_t last = pc, repeats = 0;
    for (int depth = 0; depth < 4096 && plausible_fp(fp, lo, hi); depth++) {
        uint64_t *frame = (uint64_t *)fp;
        uint64_t saved_ra = frame[-1], prev_fp = frame[-2];
        if (depth == 0 && !is_text(saved_ra) && is_text(ra)) {
            saved_ra = ra;       /* leaf: only s0 was saved, at s0 - 8 */
            prev_fp = frame[-1];
        }
        if (!is_text(saved_ra))
            break;
        /* Deep recursion: print a repeated frame once, then a count. */
        if (saved_ra - 4 == last) {
            repeats++;
        } else {
            if (repeats)
                kprintf("  ... the frame above %lu more times\n", repeats);
            repeats = 0;
            last = saved_ra - 4;
            print_location("  ", last); /* the call, not the return point */
        }
        if (prev_fp <= fp)
            break;               /* frames grow upward as we walk out */
        fp = prev_fp;
    }
    if (repeats)
        kprintf("  ... the frame above %lu more times\n", repeats);
}

static void panic_begin(void)
{
    csr_clear(sstatus, SSTATUS_SIE);
    if (panic_depth++) {
        kprintf("\npanic while panicking; powering off\n");
        power_off_now(PANIC_EXIT_STATUS);
    }
}

void panic(const char *fmt, ...)
{
    panic_begin();
    kprintf("\npanic: ");
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
    kprintf("\ntask: %s\n", sched_current_name());
    uint64_t fp = (uint64_t)__builtin_frame_address(0);
    uint64_t ra = (uint64_t)__builtin_return_address(0);
    backtrace(ra - 4, ((uint64_t *)fp)[-2], 0);
    power_off_now(PANIC_EXIT_STATUS);
}

static const char *const reg_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
    "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
    "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

/* Everything after the headline: cause, task, CSRs, registers, backtrace. */
static void print_trap(struct trap_frame *tf)
{
    kprintf("cause: %s (scause %lu)\ntask: %s\n", trap_cause_name(tf->scause),
            tf->scause & ~SCAUSE_INTERRUPT, sched_current_name());
    print_location("sepc   ", tf->sepc);
    kprintf("stval  %016lx\nsstatus %016lx\n", tf->stval, tf->sstatus);
    for (int i = 1; i < 32; i++)
        kprintf("%4s %016lx%s", reg_names[i], tf->regs[i], i % 4 == 3 ? "\n" : "  ");
    kprintf("\n");
    backtrace(tf->sepc, tf->regs[8], tf->regs[1]);
}

void panic_trap(struct trap_frame *tf)
{
    panic_begin();
    kprintf("\npanic: unexpected %s in kernel: %s (scause %lu)\n",
            (tf->scause & SCAUSE_INTERRUPT) ? "interrupt" : "exception",
            trap_cause_name(tf->scause), tf->scause & ~SCAUSE_INTERRUPT);
    print_trap(tf);
    power_off_now(PANIC_EXIT_STATUS);
}

void panic_stack_overflow(struct trap_frame *tf)
{
    panic_begin();
    kprintf("\npanic: kernel stack overflow in task %s (sp %016lx, fault at %016lx)\n",
            sched_current_name(), tf->regs[2], tf->stval);
    print_trap(tf);
    power_off_now(PANIC_EXIT_STATUS);
}
