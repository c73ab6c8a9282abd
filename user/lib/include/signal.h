/*
 * <signal.h> — signal numbers (kernel/abi.h, Linux's values) and kill().
 * Handlers (sigaction, signal) come when the kernel delivers signals.
 */
#ifndef _SIGNAL_H
#define _SIGNAL_H

#include <sys/types.h>
#include "kernel/abi.h"

int kill(pid_t pid, int sig);
int raise(int sig);

#endif
