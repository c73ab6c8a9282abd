/*
 * user/lib/libc_internal.h — shared between the libc's own sources, never
 * installed: the raw system calls (<sys/syscall.h>: a stub __sys_NAME per
 * call) and the hooks that tie stdio into process exit.
 *
 * A stub returns the kernel's raw result; syscall_result() maps
 * -4095..-1 to -1 with errno set, and passes anything else through.
 */
#ifndef USER_LIB_LIBC_INTERNAL_H
#define USER_LIB_LIBC_INTERNAL_H

#include <sys/syscall.h>

long syscall_result(long raw);

/* stdio.c: flush every stream; exit() calls it before leaving. */
void stdio_flush_all(void);

#endif
