/*
 * <ucontext.h> — user-level context switching (getcontext, setcontext,
 * makecontext, swapcontext) for RISC-V, in user/lib/ucontext.S.
 *
 * A context is what a function call must preserve: pc, sp, s0..s11,
 * fs0..fs11 and fcsr (the RISC-V psABI's callee-saved state). Everything
 * else is dead across a call, so switching contexts costs a few dozen
 * loads and stores and no system call. The signal mask is not part of it:
 * uc_sigmask is carried but never applied (use sigprocmask yourself).
 *
 *   getcontext(uc)        saves the current context; returns 0 (again 0
 *                         when resumed through setcontext/swapcontext)
 *   setcontext(uc)        resumes uc; does not return
 *   makecontext(uc, fn, argc, ...)  makes uc (from getcontext, with
 *                         uc_stack set) start fn(args...) on that stack;
 *                         up to 6 int/pointer-sized arguments. When fn
 *                         returns, uc_link is resumed, or the process
 *                         exits with status 0 if it is NULL.
 *   swapcontext(old, uc)  saves into old and resumes uc
 */
#ifndef _UCONTEXT_H
#define _UCONTEXT_H

/* Offsets the assembly uses; checked against the structures below. */
#define UC_PC      0
#define UC_SP      8
#define UC_S0      16      /* s0..s11: 12 words */
#define UC_FS0     112     /* fs0..fs11: 12 words */
#define UC_FCSR    208
#define UC_LINK    216
#define UC_STACK_SP   224
#define UC_STACK_SIZE 232
#define UCONTEXT_MAX_ARGS 6

#ifndef __ASSEMBLER__
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    void *ss_sp;                /* lowest address of the stack */
    size_t ss_size;
    int ss_flags;               /* unused, 0 */
} stack_t;

typedef struct {
    uint64_t pc, sp;
    uint64_t s[12];
    uint64_t fs[12];            /* raw 64-bit FP registers */
    uint64_t fcsr;
} mcontext_t;

typedef struct ucontext {
    mcontext_t uc_mcontext;     /* first: the assembly's offsets */
    struct ucontext *uc_link;   /* resumed when a makecontext fn returns */
    stack_t uc_stack;
    sigset_t uc_sigmask;        /* not applied (see above) */
} ucontext_t;

_Static_assert(offsetof(ucontext_t, uc_mcontext.fcsr) == UC_FCSR, "UC_FCSR");
_Static_assert(offsetof(ucontext_t, uc_mcontext.fs) == UC_FS0, "UC_FS0");
_Static_assert(offsetof(ucontext_t, uc_link) == UC_LINK, "UC_LINK");
_Static_assert(offsetof(ucontext_t, uc_stack.ss_sp) == UC_STACK_SP, "UC_STACK_SP");
_Static_assert(offsetof(ucontext_t, uc_stack.ss_size) == UC_STACK_SIZE, "UC_STACK_SIZE");

int getcontext(ucontext_t *uc);
int setcontext(const ucontext_t *uc);
void makecontext(ucontext_t *uc, void (*fn)(), int argc, ...);
int swapcontext(ucontext_t *old, const ucontext_t *uc);

#endif
#endif
