/*
 * <signal.h> — signals (docs/signals.md): numbers and struct sigaction
 * come from kernel/abi/abi.h (Linux's values).
 *
 * struct sigaction's sa_handler is a plain uint64_t in the ABI: assign a
 * function with a cast, (uintptr_t)handler, or use SIG_DFL/SIG_IGN's
 * values. A handler is called as handler(sig, NULL, struct sigcontext *):
 * the third argument is the interrupted register state, which it may
 * change. sigaction() fills in sa_restorer (the libc's sigreturn stub)
 * when it is 0.
 */
#ifndef _SIGNAL_H
#define _SIGNAL_H

#include <stdint.h>
#include <sys/types.h>
#include "kernel/abi/abi.h"

typedef uint64_t sigset_t;      /* bit (sig - 1) */
typedef void (*sighandler_t)(int);
typedef volatile int sig_atomic_t;

#define SIG_DFL ((sighandler_t)SIG_DFL_VALUE)
#define SIG_IGN ((sighandler_t)SIG_IGN_VALUE)
#define SIG_ERR ((sighandler_t)-1)

int kill(pid_t pid, int sig);
int raise(int sig);
int sigaction(int sig, const struct sigaction *act, struct sigaction *old);
/* The handler for sig (flags SA_RESTART); returns the previous one. */
sighandler_t signal(int sig, sighandler_t handler);
int sigprocmask(int how, const sigset_t *set, sigset_t *old);

int sigemptyset(sigset_t *set);
int sigfillset(sigset_t *set);
int sigaddset(sigset_t *set, int sig);
int sigdelset(sigset_t *set, int sig);
int sigismember(const sigset_t *set, int sig);

/* The stub a handler returns into: it calls SYS_sigreturn (signal.S). */
void __sigreturn_stub(void);

#endif
