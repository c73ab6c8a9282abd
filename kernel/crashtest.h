/*
 * kernel/crashtest.h — deliberate kernel crashes, chosen with the bootarg
 * crashtest=NAME, to prove that faults are caught and reported:
 *   fault  store to an unmapped address (page fault, decoded, backtrace)
 *   panic  an explicit panic() call
 */
#ifndef KERNEL_CRASHTEST_H
#define KERNEL_CRASHTEST_H

/* Never returns for a known NAME; returns for an unknown one after saying so. */
void crashtest_run(const char *name);

#endif
