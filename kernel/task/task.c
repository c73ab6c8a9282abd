/*
 * kernel/task/task.c — the boot task and running a function on another task's
 * stack (used by selftests and crashtests until the scheduler exists).
 */
#include "kernel/task/task.h"

#include "kernel/hooks/sched_hooks.h"

#include <stddef.h>

extern char boot_stack[], boot_stack_top[];

static struct task boot_task = {
    .name = "boot",
};
struct task *current_task = &boot_task;
struct task *boot_task_ptr = &boot_task;

void task_set_name(struct task *t, const char *name)
{
    size_t i = 0;
    for (; name[i] && i + 1 < sizeof t->name; i++)
        t->name[i] = name[i];
    t->name[i] = '\0';
}

void task_run_on_own_stack(struct task *t, void (*fn)(void *), void *arg)
{
    struct task *prev = current_task;
    current_task = t;
    call_on_stack(arg, fn, t->stack.hi);
    current_task = prev;
}

const char *sched_current_name(void)
{
    return current_task->name;
}

void sched_current_stack(uint64_t *lo, uint64_t *hi)
{
    if (current_task == &boot_task) {
        *lo = (uint64_t)boot_stack;
        *hi = (uint64_t)boot_stack_top;
    } else {
        *lo = current_task->stack.lo;
        *hi = current_task->stack.hi;
    }
}
