/*
 * kernel/lib/sysarg.h — checked conversions of system-call arguments (pure,
 * host-testable; docs/syscalls.md "Arguments").
 *
 * A handler gets its argument registers raw, 64 bits each. Every argument
 * is checked at its full width BEFORE it is narrowed or used: a C cast
 * such as (int)reg would silently drop the high bits, so 0x100000001 would
 * name pid 1 and 0x100000003 would pass a signal-number check and then
 * index an array with the whole value. The rules:
 *   int arguments   the register holds the int sign-extended (the RISC-V
 *                   ABI for an int, and what the C library passes); any
 *                   other bit pattern is out of range;
 *   unsigned 32-bit the register holds it zero-extended (the C library
 *                   casts unsigned to long); bits 32..63 must be 0;
 *   times           struct timespec / timeval from user memory: negative
 *                   seconds or a sub-second field outside its range is
 *                   invalid (POSIX: EINVAL); the nanosecond value saturates
 *                   at SYSARG_NS_MAX instead of wrapping, and so does a
 *                   deadline computed from it (sysarg_deadline).
 * Each helper returns 0 and stores the value, or returns the -errno the
 * caller passes on (the error a wrong value of that kind gets: -EBADF for
 * a descriptor, -ESRCH for a pid, -EINVAL for most others).
 */
#ifndef KERNEL_SYSARG_H
#define KERNEL_SYSARG_H

#include <stdint.h>

#include "kernel/abi/abi.h"
#include "kernel/abi/errno.h"

#define SYSARG_NS_MAX UINT64_MAX /* "never" in the timer queue (TIMERQ_NEVER) */

/* The one integer check: reg, read as a signed 64-bit value, lies in
 * [min, max] (a range within int), else err. */
long sysarg_int(uint64_t reg, int min, int max, long err, int *out);
/* reg <= UINT32_MAX (zero-extended), else -EINVAL. */
long sysarg_u32(uint64_t reg, uint32_t *out);

/* The kinds every handler uses, so each has one meaning and one errno. */
#define SYSARG_INT_MIN (-2147483647 - 1)
#define SYSARG_INT_MAX 2147483647
static inline long sysarg_fd(uint64_t reg, int *fd)
{
    return sysarg_int(reg, 0, SYSARG_INT_MAX, -EBADF, fd);
}
/* Any int: kill/wait4 give <= 0 and -1 meanings of their own. */
static inline long sysarg_pid(uint64_t reg, int *pid, long err)
{
    return sysarg_int(reg, SYSARG_INT_MIN, SYSARG_INT_MAX, err, pid);
}
/* 0..NSIG-1 (0: kill's "may I?" probe; sigaction refuses it itself). */
static inline long sysarg_signal(uint64_t reg, int *sig)
{
    return sysarg_int(reg, 0, NSIG - 1, -EINVAL, sig);
}

/* Time: 0 and the value in ns (saturated), or -EINVAL. */
long sysarg_timespec_ns(const struct timespec *ts, uint64_t *ns);
long sysarg_timeval_ns(const struct timeval *tv, uint64_t *ns);
/* now + ns, saturating at SYSARG_NS_MAX (which never comes). */
uint64_t sysarg_deadline(uint64_t now_ns, uint64_t ns);

#endif
