/*
 * kernel/hooks/sched_hooks.h — what panic and the trap code ask about the task
 * that is running: its name and the bounds of its kernel stack. Before the
 * scheduler exists this is the boot task on the boot stack. Implemented
 * by kernel/task/task.c (current_task, which the scheduler switches).
 */
#ifndef KERNEL_SCHED_HOOKS_H
#define KERNEL_SCHED_HOOKS_H

#include <stdint.h>

const char *sched_current_name(void);
void sched_current_stack(uint64_t *lo, uint64_t *hi);

#endif
