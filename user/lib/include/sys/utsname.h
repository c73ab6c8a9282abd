/*
 * <sys/utsname.h> — uname(); struct utsname is in kernel/abi/abi.h.
 */
#ifndef _SYS_UTSNAME_H
#define _SYS_UTSNAME_H

#include "kernel/abi/abi.h"

int uname(struct utsname *u);

#endif
