/*
 * kernel/proc/proc.h — processes and the scheduler.
 *
 * A process is a task (name, kernel stack: kernel/task/task.h) plus a user
 * address space, user registers, open files and a place in the family tree.
 * Its user registers live in a trap frame at the top of its kernel stack
 * (p->tf); while it runs in user mode sscratch holds that stack's top.
 *
 * Scheduling (kernel/proc/sched.c): round-robin over the process table.
 * The scheduler loop runs on the boot stack and is also the idle task:
 * with nothing runnable it waits in wfi. A process runs until it sleeps,
 * exits or is preempted by the timer tick — preemption happens only when
 * the tick interrupts user mode; kernel code is never preempted, so
 * kernel data needs locking only against interrupt handlers (interrupts
 * off) and across sleeps (sleeplock). CPU time is accounted per process
 * in ticks, split into user and system time.
 *
 * Kernel threads (proc_create_kernel_thread, e.g. the file system's
 * write-back, kernel/proc/writeback.c) are table entries without a user side.
 *
 * Lifecycle: proc_create_init() makes pid 1 from /bin/init; fork shares the
 * address space copy-on-write (kernel/mm/uvm.c); exec replaces it; exit frees
 * the address space and files and drops the working directory (a counted
 * directory reference, fs/vfs.h) at once, and leaves a zombie with its
 * status until the parent's wait4 reaps it (and frees its kernel stack).
 * Orphans are given to init.
 *
 * Signals (kernel/proc/signal.c, docs/signals.md): a pending and a blocked set
 * and an action per signal; they are acted on when the process is about to
 * return to user mode. Timers: a process's sleep and its ITIMER_REAL are
 * entries in the kernel's timer queue (kernel/arch/timer.h); both are cancelled
 * when it exits.
 */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include <stdbool.h>
#include <stdint.h>

#include "fs/vfs.h"
#include "kernel/abi/abi.h"
#include "kernel/task/task.h"
#include "kernel/lib/timerq.h"
#include "kernel/arch/trap.h"
#include "kernel/mm/vm.h"

#define NPROC 64

enum proc_state { PROC_UNUSED, PROC_EMBRYO, PROC_RUNNABLE, PROC_RUNNING, PROC_SLEEPING,
                  PROC_ZOMBIE };

struct context {
    uint64_t ra, sp, s[12];
};

struct fpstate {
    uint64_t f[32];
    uint64_t fcsr;
};

struct proc {
    struct task task;           /* first: current_task points here */
    int pid;
    enum proc_state state;
    struct proc *parent;
    struct context ctx;
    struct fpstate fp;
    struct trap_frame *tf;
    pte_t *pagetable;
    uint64_t heap_start, brk;   /* [heap_start, brk) is the heap */
    uint64_t stack_lo;          /* lowest mapped stack page */
    uint64_t mmap_next;         /* where the next anonymous mmap goes */
    const void *chan;           /* what a sleeping process waits for */
    int wait_status;            /* for the parent: W_EXITCODE(...) */
    uint64_t sig_pending;       /* bit (sig - 1): sent, not yet acted on */
    uint64_t sig_blocked;       /* bit (sig - 1): held pending */
    struct sigaction sig_actions[NSIG];
    bool stopped;               /* SIGSTOP: sleeps until SIGCONT/SIGKILL */
    struct timerq_entry sleep_timer;  /* sched_sleep_until's deadline */
    struct timerq_entry alarm_timer;  /* ITIMER_REAL: delivers SIGALRM */
    uint64_t alarm_interval_ns; /* its reload value; 0 = one-shot */
    struct fdtable files;
    struct vnode *cwd;          /* working directory (counted; NULL: the root) */
    uint64_t user_ticks, sys_ticks; /* timer ticks that found it running */
    uint64_t cpu_ns;                /* exact time on the hart (switch to switch) */
    uint64_t start_ns;
    void (*kernel_fn)(void);    /* a kernel thread's body; NULL for a process */
};

extern struct proc proc_table[NPROC];

struct proc *proc_current(void);
/* Starts the first process: /bin/init with argv (NULL-terminated). */
int proc_create_init(const char *path, const char *const argv[]);

/* sched.c: the scheduler loop (never returns), giving up the hart, the
 * idle time (waiting for an interrupt with nothing runnable), and leaving
 * for good (an exiting process). Sleeping and waking: kernel/hooks/sched.h. */
__attribute__((noreturn)) void scheduler(void);
void proc_yield(void);
uint64_t sched_idle_ns(void);
void sched_exit_current(void);
/* The fire callback of p->sleep_timer (sched_sleep_until's deadline). */
void sched_sleep_timer_fire(struct timerq_entry *e);

int proc_fork(void);
/* A kernel thread running fn() (which never returns) in kernel mode on its
 * own stack with the kernel page table: pid 0, not listed by ps, not
 * signalled by kill, never preempted (it runs until it sleeps). */
int proc_create_kernel_thread(const char *name, void (*fn)(void));
/* fork + exec in one: a child running path, sharing our descriptors. */
int proc_spawn(const char *path, char *const argv[], char *const envp[]);
__attribute__((noreturn)) void proc_exit(int wait_status);
int proc_wait(int pid, uint64_t user_status, int options);
/* Sends sig (0: only checks) to pid: 0, -ESRCH, -EINVAL, or -EPERM when
 * the target refuses it (init, signal_refused). */
int proc_kill(int pid, int sig);
/* Process 1, /bin/init: the one that cannot be killed or stopped, nor
 * made the console's foreground (a ^C target). */
#define INIT_PID 1
bool proc_is_init(const struct proc *p);
struct textbuf;
/* ps: one line per process (UTIME/STIME in 10 ms ticks). */
void proc_format_table(struct textbuf *tb);
const char *proc_state_name(enum proc_state s);

/* usertrap.c: grows p's stack down to cover addr (a fault just below it,
 * or room for a signal frame); false past USER_STACK_MAX. */
bool proc_grow_stack(struct proc *p, uint64_t addr);

/* exec.c: replace the current image; argv/envp are kernel copies. */
int proc_exec(const char *path, char *const argv[], char *const envp[]);

#endif
