/*
 * <sched.h> — sched_yield(): give the CPU to another runnable process.
 */
#ifndef _SCHED_H
#define _SCHED_H

int sched_yield(void);

#endif
