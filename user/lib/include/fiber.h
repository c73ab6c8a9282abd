/*
 * <fiber.h> — cooperative fibers on top of <ucontext.h>: many flows of
 * control in one process, each with its own stack, switching only when one
 * calls fiber_yield() (or finishes). Round-robin, no preemption, no
 * locking needed.
 *
 *   fiber_spawn(fn, arg)   a new fiber that will run fn(arg); -1 if out of
 *                          slots or memory
 *   fiber_run()            runs fibers until every one has returned
 *   fiber_yield()          from a fiber: let the next one run
 *   fiber_self()           the running fiber's number (0..FIBER_MAX-1)
 */
#ifndef _FIBER_H
#define _FIBER_H

#define FIBER_MAX 16
#define FIBER_STACK_SIZE (64 * 1024)

int fiber_spawn(void (*fn)(void *), void *arg);
void fiber_run(void);
void fiber_yield(void);
int fiber_self(void);

#endif
