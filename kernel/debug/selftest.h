/*
 * kernel/debug/selftest.h — in-kernel tests run with the bootarg `selftest`.
 * Prints one line per test and "selftest: N passed, M failed"; returns M.
 */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

int selftest_run(void);

#endif
