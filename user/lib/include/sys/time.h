/*
 * <sys/time.h> — interval timers: ITIMER_REAL counts wall time and sends
 * SIGALRM at each expiry (struct itimerval and ITIMER_REAL: kernel/abi/abi.h).
 */
#ifndef _SYS_TIME_H
#define _SYS_TIME_H

#include "kernel/abi/abi.h"

int setitimer(int which, const struct itimerval *value, struct itimerval *old);
int getitimer(int which, struct itimerval *value);

#endif
