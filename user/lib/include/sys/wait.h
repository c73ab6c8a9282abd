/*
 * <sys/wait.h> — waiting for children; the status macros (WIFEXITED, ...)
 * decode the kernel's encoding from kernel/abi/abi.h.
 */
#ifndef _SYS_WAIT_H
#define _SYS_WAIT_H

#include <sys/types.h>
#include "kernel/abi/abi.h"

pid_t wait(int *status);
pid_t waitpid(pid_t pid, int *status, int options);
pid_t wait4(pid_t pid, int *status, int options, void *rusage);

#endif
