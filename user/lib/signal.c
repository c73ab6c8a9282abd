/*
 * user/lib/signal.c — sigaction and friends over the kernel's calls
 * (docs/signals.md): sigaction() supplies the sigreturn stub, signal() is
 * sigaction with SA_RESTART, the sigset functions are bit operations.
 */
#include <errno.h>
#include <signal.h>
#include <sys/time.h>

#include "user/lib/libc_internal.h"

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
    struct sigaction copy;
    if (act && act->sa_restorer == 0) {
        copy = *act;
        copy.sa_restorer = (uint64_t)(uintptr_t)__sigreturn_stub;
        act = &copy;
    }
    return (int)syscall_result(__sys_sigaction(sig, (long)act, (long)old));
}

sighandler_t signal(int sig, sighandler_t handler)
{
    struct sigaction act = { .sa_handler = (uint64_t)(uintptr_t)handler,
                             .sa_flags = SA_RESTART }, old;
    if (sigaction(sig, &act, &old) < 0)
        return SIG_ERR;
    return (sighandler_t)(uintptr_t)old.sa_handler;
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
    return (int)syscall_result(__sys_sigprocmask(how, (long)set, (long)old));
}

int setitimer(int which, const struct itimerval *value, struct itimerval *old)
{
    return (int)syscall_result(__sys_setitimer(which, (long)value, (long)old));
}

int getitimer(int which, struct itimerval *value)
{
    return (int)syscall_result(__sys_getitimer(which, (long)value));
}

static int bad_signal(int sig)
{
    if (sig >= 1 && sig < NSIG)
        return 0;
    errno = EINVAL;
    return 1;
}

int sigemptyset(sigset_t *set) { *set = 0; return 0; }
int sigfillset(sigset_t *set) { *set = ~(sigset_t)0; return 0; }

int sigaddset(sigset_t *set, int sig)
{
    if (bad_signal(sig))
        return -1;
    *set |= SIGNAL_BIT(sig);
    return 0;
}

int sigdelset(sigset_t *set, int sig)
{
    if (bad_signal(sig))
        return -1;
    *set &= ~SIGNAL_BIT(sig);
    return 0;
}

int sigismember(const sigset_t *set, int sig)
{
    if (bad_signal(sig))
        return -1;
    return (*set & SIGNAL_BIT(sig)) != 0;
}
