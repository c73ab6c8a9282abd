/*
 * <time.h> — clocks and sleeping. struct timespec and the CLOCK_* ids are
 * in kernel/abi/abi.h.
 */
#ifndef _TIME_H
#define _TIME_H

#include <stddef.h>
#include <sys/types.h>
#include "kernel/abi/abi.h"

int nanosleep(const struct timespec *req, struct timespec *rem);
int clock_gettime(clockid_t clock, struct timespec *ts);
time_t time(time_t *t);

#endif
