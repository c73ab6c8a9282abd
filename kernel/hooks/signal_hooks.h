/*
 * kernel/hooks/signal_hooks.h — what the console needs from process management:
 * send a signal to a process (^C), and "should the current task stop
 * waiting" (a signal is pending for it). Before processes exist these do
 * nothing / say no. Implemented by kernel/proc/proc.c.
 */
#ifndef KERNEL_SIGNAL_HOOKS_H
#define KERNEL_SIGNAL_HOOKS_H

#include <stdbool.h>

void signal_send_from_console(int pid, int sig);
bool signal_pending_for_current(void);

#endif
