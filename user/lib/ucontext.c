/*
 * user/lib/ucontext.c — makecontext: sets up a context made by getcontext
 * to start in __start_context (ucontext.S) on uc_stack, which calls fn with
 * the arguments parked in s2..s7 (callee-saved, so setcontext loads them).
 */
#include <stdarg.h>
#include <stdint.h>
#include <ucontext.h>

void __start_context(void);

void makecontext(ucontext_t *uc, void (*fn)(), int argc, ...)
{
    uint64_t top = ((uint64_t)(uintptr_t)uc->uc_stack.ss_sp + uc->uc_stack.ss_size) & ~15UL;
    uc->uc_mcontext.sp = top;
    uc->uc_mcontext.pc = (uint64_t)(uintptr_t)__start_context;
    uc->uc_mcontext.s[0] = (uint64_t)(uintptr_t)fn;
    uc->uc_mcontext.s[1] = (uint64_t)(uintptr_t)uc->uc_link;
    va_list ap;
    va_start(ap, argc);
    for (int i = 0; i < UCONTEXT_MAX_ARGS; i++)
        uc->uc_mcontext.s[2 + i] = i < argc ? va_arg(ap, uint64_t) : 0;
    va_end(ap);
}
