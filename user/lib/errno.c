/*
 * user/lib/errno.c — errno itself and strerror's messages (pure: also in
 * the host unit tests).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

int errno;

static const char *const messages[] = {
    [0]            = "Success",
    [EPERM]        = "Operation not permitted",
    [ENOENT]       = "No such file or directory",
    [ESRCH]        = "No such process",
    [EINTR]        = "Interrupted system call",
    [EIO]          = "Input/output error",
    [ENXIO]        = "No such device or address",
    [E2BIG]        = "Argument list too long",
    [ENOEXEC]      = "Not an executable",
    [EBADF]        = "Bad file descriptor",
    [ECHILD]       = "No child processes",
    [EAGAIN]       = "Try again",
    [ENOMEM]       = "Out of memory",
    [EACCES]       = "Permission denied",
    [EFAULT]       = "Bad address",
    [EBUSY]        = "Device or resource busy",
    [EEXIST]       = "File exists",
    [EXDEV]        = "Cross-device link",
    [ENODEV]       = "No such device",
    [ENOTDIR]      = "Not a directory",
    [EISDIR]       = "Is a directory",
    [EINVAL]       = "Invalid argument",
    [ENFILE]       = "Too many open files in system",
    [EMFILE]       = "Too many open files",
    [ENOTTY]       = "Not a terminal",
    [EFBIG]        = "File too large",
    [ENOSPC]       = "No space left on device",
    [ESPIPE]       = "Illegal seek",
    [EROFS]        = "Read-only file system",
    [EMLINK]       = "Too many links",
    [EPIPE]        = "Broken pipe",
    [EDOM]         = "Argument out of domain",
    [ERANGE]       = "Result out of range",
    [EDEADLK]      = "Deadlock avoided",
    [ENAMETOOLONG] = "File name too long",
    [ENOSYS]       = "Function not implemented",
    [ENOTEMPTY]    = "Directory not empty",
    [ELOOP]        = "Too many levels of symbolic links",
    [EOVERFLOW]    = "Value too large",
    [EOPNOTSUPP]   = "Operation not supported",
    [EUCLEAN]      = "File system needs cleaning",
};

char *strerror(int errnum)
{
    if (errnum >= 0 && (size_t)errnum < sizeof messages / sizeof messages[0]
        && messages[errnum])
        return (char *)messages[errnum];
    return (char *)"Unknown error";
}
