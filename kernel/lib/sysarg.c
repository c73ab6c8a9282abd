/*
 * kernel/lib/sysarg.c — see sysarg.h.
 */
#include "kernel/lib/sysarg.h"

#define NS_PER_SEC 1000000000ULL

long sysarg_int(uint64_t reg, int min, int max, long err, int *out)
{
    int64_t v = (int64_t)reg;
    if (v < min || v > max)
        return err;
    *out = (int)v;
    return 0;
}

long sysarg_u32(uint64_t reg, uint32_t *out)
{
    if (reg > UINT32_MAX)
        return -EINVAL;
    *out = (uint32_t)reg;
    return 0;
}

/* sec seconds plus sub nanoseconds (sub < 1e9), saturating. */
static uint64_t seconds_ns(uint64_t sec, uint64_t sub)
{
    if (sec > (SYSARG_NS_MAX - sub) / NS_PER_SEC)
        return SYSARG_NS_MAX;
    return sec * NS_PER_SEC + sub;
}

long sysarg_timespec_ns(const struct timespec *ts, uint64_t *ns)
{
    if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= (int64_t)NS_PER_SEC)
        return -EINVAL;
    *ns = seconds_ns((uint64_t)ts->tv_sec, (uint64_t)ts->tv_nsec);
    return 0;
}

long sysarg_timeval_ns(const struct timeval *tv, uint64_t *ns)
{
    if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)
        return -EINVAL;
    *ns = seconds_ns((uint64_t)tv->tv_sec, (uint64_t)tv->tv_usec * 1000);
    return 0;
}

uint64_t sysarg_deadline(uint64_t now_ns, uint64_t ns)
{
    return ns > SYSARG_NS_MAX - now_ns ? SYSARG_NS_MAX : now_ns + ns;
}
