/*
 * <sys/types.h> — the POSIX integer types of the system call interface.
 * Widths match the ABI (kernel/abi/abi.h, docs/syscalls.md): 64-bit offsets and
 * sizes, 32-bit ids and modes.
 */
#ifndef _SYS_TYPES_H
#define _SYS_TYPES_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t  ssize_t;
typedef int64_t  off_t;
typedef int32_t  pid_t;
typedef uint32_t mode_t;
typedef uint32_t uid_t;
typedef uint32_t gid_t;
typedef uint64_t ino_t;
typedef uint64_t dev_t;
typedef uint32_t nlink_t;
typedef int64_t  blkcnt_t;
typedef uint32_t blksize_t;
typedef int64_t  time_t;
typedef int32_t  clockid_t;
typedef int64_t  suseconds_t;
typedef uint32_t useconds_t;

#endif
