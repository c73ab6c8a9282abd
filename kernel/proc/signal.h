/*
 * kernel/proc/signal.h — POSIX-style signals for processes (docs/signals.md).
 *
 * Sending (signal_send) marks a signal pending and wakes the process if it
 * sleeps and the signal is not blocked, so its blocking system call returns
 * -EINTR. A signal whose action is "ignore" (SIG_IGN, or a default-ignore
 * signal such as SIGCHLD) is dropped at once unless blocked. SIGKILL and
 * SIGCONT also end a stop.
 *
 * Acting (signal_deliver) happens only on the way back to user mode, for
 * the current process: SIGKILL and default-fatal signals end it with
 * W_EXITCODE(0, sig); stop signals stop it; a handler gets a struct
 * signal_frame (kernel/abi/abi.h) pushed on the user stack, with the full
 * integer and FP register state, and runs with sa_mask (and, without
 * SA_NODEFER, the signal itself) added to the blocked set; SYS_sigreturn
 * undoes all that. A frame that does not fit on the stack ends the process
 * with SIGSEGV. SIGKILL and SIGSTOP cannot be caught, blocked or ignored.
 *
 * Faults: signal_fault() decides whether a synchronous fault (SIGSEGV,
 * SIGBUS, SIGILL...) goes to a handler; if the signal is blocked or has no
 * handler the process ends with the usual one-line message.
 */
#ifndef KERNEL_SIGNAL_H
#define KERNEL_SIGNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/arch/trap.h"

struct proc;
struct timerq_entry;

/* The shortest ITIMER_REAL reload interval (1 ms; docs/syscalls.md): a
 * shorter nonzero one is rounded up to it. */
#define ITIMER_MIN_NS 1000000ULL

/* Interrupts may be on or off; safe from interrupt handlers. Does nothing
 * for a signal signal_refused() turns away. */
void signal_send(struct proc *p, int sig);
/* Whether p never receives sig from anyone: init (pid 1) and a signal it
 * has no handler for (SIGKILL and SIGSTOP always). sig must be valid. */
bool signal_refused(const struct proc *p, int sig);
/* A signal p would act on now (pending and not blocked). */
bool signal_deliverable(const struct proc *p);
/* Before returning to user mode. syscall_nr/orig_a0: the system call this
 * trap made (0 if none) and its first argument, for SA_RESTART. */
void signal_deliver(struct trap_frame *tf, uint64_t syscall_nr, uint64_t orig_a0);
/* A fault raised sig: true if a handler will run (pending now), false if
 * the process must die the default way. */
bool signal_fault(struct proc *p, int sig);
/* fork: the child gets the parent's actions and mask, nothing pending. */
void signal_fork(struct proc *child, const struct proc *parent);
/* exec: caught signals go back to their default action. */
void signal_exec(struct proc *p);
/* ITIMER_REAL's timer-queue callback (set up by proc_alloc). */
void signal_alarm_fire(struct timerq_entry *e);

#endif
