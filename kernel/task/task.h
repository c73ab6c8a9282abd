/*
 * kernel/task/task.h — what the kernel knows about a thread of execution so far:
 * a name (shown in panics) and its kernel stack. The scheduler (processes)
 * builds on this. `current_task` is the task running on the hart.
 */
#ifndef KERNEL_TASK_H
#define KERNEL_TASK_H

#include "kernel/mm/kstack.h"

struct task {
    char name[16];
    struct kstack stack;
};

extern struct task *current_task;

void task_set_name(struct task *t, const char *name);
/* Runs fn(arg) as task t on t's own stack, then returns to the caller's
 * task and stack. */
void task_run_on_own_stack(struct task *t, void (*fn)(void *), void *arg);

/* Assembly helper: calls fn(arg) with sp = stack_top; returns after. */
void call_on_stack(void *arg, void (*fn)(void *), uint64_t stack_top);

#endif
