/*
 * kernel/debug/crashtest.h — deliberate kernel crashes, chosen with the bootarg
 * crashtest=NAME, to prove that faults are caught and reported:
 *   fault  store to an unmapped address (page fault, decoded, backtrace)
 *   panic  an explicit panic() call
 *   kstack unbounded recursion on a kernel task's stack: the guard below
 *          it faults and the panic says "kernel stack overflow"
 *   irqsleep  sched_sleep with interrupts on, breaking its rule: a debug
 *          build's KASSERT_INTR_OFF stops it ("assertion failed"); a
 *          release build (DEBUG=0) has no check and panics saying so
 */
#ifndef KERNEL_CRASHTEST_H
#define KERNEL_CRASHTEST_H

/* Never returns for a known NAME; returns for an unknown one after saying so. */
void crashtest_run(const char *name);

#endif
