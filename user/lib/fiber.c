/*
 * user/lib/fiber.c — see <fiber.h>. The scheduler is its own context
 * (sched_ctx): each fiber runs until it yields back there, and a fiber
 * whose function returns goes there through uc_link. Invariant: `current`
 * is the running fiber's slot while a fiber runs, -1 in the scheduler.
 */
#include <fiber.h>
#include <stdint.h>
#include <stdlib.h>
#include <ucontext.h>

struct fiber {
    ucontext_t ctx;
    void (*fn)(void *);
    void *arg;
    void *stack;
    int live;                   /* spawned and not yet returned */
};

static struct fiber fibers[FIBER_MAX];
static ucontext_t sched_ctx;
static int current = -1;

static void fiber_main(void)
{
    struct fiber *f = &fibers[current];
    f->fn(f->arg);
    f->live = 0; /* returning resumes uc_link: the scheduler */
}

/* Apart from fiber_spawn's loop: the compiler treats getcontext like
 * setjmp (it "returns twice") and would worry about the loop counter. */
static void make_fiber_context(struct fiber *f)
{
    getcontext(&f->ctx);
    f->ctx.uc_stack.ss_sp = f->stack;
    f->ctx.uc_stack.ss_size = FIBER_STACK_SIZE;
    f->ctx.uc_link = &sched_ctx;
    makecontext(&f->ctx, fiber_main, 0);
}

int fiber_spawn(void (*fn)(void *), void *arg)
{
    for (int i = 0; i < FIBER_MAX; i++) {
        struct fiber *f = &fibers[i];
        if (f->live)
            continue;
        free(f->stack);
        f->stack = malloc(FIBER_STACK_SIZE);
        if (!f->stack)
            return -1;
        make_fiber_context(f);
        f->fn = fn;
        f->arg = arg;
        f->live = 1;
        return i;
    }
    return -1;
}

void fiber_run(void)
{
    for (;;) {
        int ran = 0;
        for (int i = 0; i < FIBER_MAX; i++) {
            if (!fibers[i].live)
                continue;
            current = i;
            swapcontext(&sched_ctx, &fibers[i].ctx);
            current = -1;
            ran = 1;
        }
        if (!ran)
            break;
    }
    for (int i = 0; i < FIBER_MAX; i++) {
        free(fibers[i].stack);
        fibers[i].stack = NULL;
    }
}

void fiber_yield(void)
{
    if (current >= 0)
        swapcontext(&fibers[current].ctx, &sched_ctx);
}

int fiber_self(void)
{
    return current;
}
