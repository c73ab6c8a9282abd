/*
 * user/lib/sys.c — the POSIX function of each system call (docs/syscalls.md):
 * call its raw stub __sys_NAME (<sys/syscall.h>, made from the list
 * kernel/abi/syscalls.def; pointers pass cast to long) and turn a -errno
 * result into -1 with errno set (syscall_result). Nothing else lives here;
 * conveniences built on these are in unistd.c, the signal calls' in
 * signal.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "user/lib/libc_internal.h"

long syscall_result(long raw)
{
    if (raw < 0 && raw >= -SYSCALL_MAX_ERRNO) {
        errno = (int)-raw;
        return -1;
    }
    return raw;
}

__attribute__((noreturn)) void _exit(int status)
{
    __sys_exit(status);
    for (;;)
        ;       /* the kernel does not return from exit */
}

pid_t fork(void) { return (pid_t)syscall_result(__sys_fork()); }

int execve(const char *path, char *const argv[], char *const envp[])
{
    return (int)syscall_result(__sys_execve((long)path, (long)argv, (long)envp));
}

pid_t spawn(const char *path, char *const argv[], char *const envp[])
{
    return (pid_t)syscall_result(__sys_spawn((long)path, (long)argv, (long)envp));
}

pid_t wait4(pid_t pid, int *status, int options, void *rusage)
{
    return (pid_t)syscall_result(__sys_wait4(pid, (long)status, options, (long)rusage));
}

pid_t getpid(void) { return (pid_t)syscall_result(__sys_getpid()); }
pid_t getppid(void) { return (pid_t)syscall_result(__sys_getppid()); }

int kill(pid_t pid, int sig)
{
    return (int)syscall_result(__sys_kill(pid, sig));
}

/* The kernel's brk returns the break after the call (unchanged on failure),
 * so success is "it moved where we asked". */
int brk(void *addr)
{
    long now = __sys_brk((long)addr);
    if (now != (long)(uintptr_t)addr) {
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

void *sbrk(intptr_t increment)
{
    uintptr_t old = (uintptr_t)__sys_brk(0);
    if (increment == 0)
        return (void *)old;
    uintptr_t want = old + (uintptr_t)increment;
    if ((increment > 0 && want < old) || (increment < 0 && want > old)
        || (uintptr_t)__sys_brk(want) != want) {
        errno = ENOMEM;
        return (void *)-1;
    }
    return (void *)old;
}

void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
    long r = syscall_result(__sys_mmap((long)addr, length, prot, flags, fd, offset));
    return r == -1 ? MAP_FAILED : (void *)r;
}

int munmap(void *addr, size_t length)
{
    return (int)syscall_result(__sys_munmap((long)addr, length));
}

int open(const char *path, int flags, ...)
{
    mode_t mode = 0;
    if (flags & O_CREAT) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, mode_t);
        va_end(ap);
    }
    return (int)syscall_result(__sys_open((long)path, flags, mode));
}

int close(int fd) { return (int)syscall_result(__sys_close(fd)); }

ssize_t read(int fd, void *buf, size_t n)
{
    return syscall_result(__sys_read(fd, (long)buf, n));
}

ssize_t write(int fd, const void *buf, size_t n)
{
    return syscall_result(__sys_write(fd, (long)buf, n));
}

off_t lseek(int fd, off_t offset, int whence)
{
    return syscall_result(__sys_lseek(fd, offset, whence));
}

int fstat(int fd, struct stat *st)
{
    return (int)syscall_result(__sys_fstat(fd, (long)st));
}

int stat(const char *restrict path, struct stat *restrict st)
{
    return (int)syscall_result(__sys_stat((long)path, (long)st));
}

int mkdir(const char *path, mode_t mode)
{
    return (int)syscall_result(__sys_mkdir((long)path, mode));
}

int unlink(const char *path) { return (int)syscall_result(__sys_unlink((long)path)); }
int rmdir(const char *path) { return (int)syscall_result(__sys_rmdir((long)path)); }

int rename(const char *from, const char *to)
{
    return (int)syscall_result(__sys_rename((long)from, (long)to));
}

long getdents(int fd, void *buf, size_t size)
{
    return syscall_result(__sys_getdents(fd, (long)buf, size));
}

int chdir(const char *path) { return (int)syscall_result(__sys_chdir((long)path)); }

/* The kernel returns the length including the NUL; C wants the buffer. */
/* getcwd(NULL, 0), as in glibc and musl: a malloc'd buffer of whatever
 * size the path needs (the kernel has no limit on it), grown on ERANGE. */
char *getcwd(char *buf, size_t size)
{
    if (buf || size)
        return syscall_result(__sys_getcwd((long)buf, size)) < 0 ? NULL : buf;
    for (size = 256;; size *= 2) {
        if (!(buf = malloc(size)))
            return NULL;
        if (syscall_result(__sys_getcwd((long)buf, size)) >= 0)
            return buf;
        free(buf);
        if (errno != ERANGE)
            return NULL;
    }
}

int dup(int fd) { return (int)syscall_result(__sys_dup(fd)); }
int dup2(int fd, int to) { return (int)syscall_result(__sys_dup2(fd, to)); }
int pipe(int fds[2]) { return (int)syscall_result(__sys_pipe((long)fds)); }

/* Every request takes at most one argument: an integer or a pointer. */
int ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return (int)syscall_result(__sys_ioctl(fd, request, (long)arg));
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    return (int)syscall_result(__sys_nanosleep((long)req, (long)rem));
}

int clock_gettime(clockid_t clock, struct timespec *ts)
{
    return (int)syscall_result(__sys_clock_gettime(clock, (long)ts));
}

int uname(struct utsname *u) { return (int)syscall_result(__sys_uname((long)u)); }

int reboot(unsigned cmd, int arg)
{
    return (int)syscall_result(__sys_reboot(cmd, arg));
}

int ftruncate(int fd, off_t length)
{
    return (int)syscall_result(__sys_ftruncate(fd, length));
}

int truncate(const char *path, off_t length)
{
    return (int)syscall_result(__sys_truncate((long)path, length));
}

void sync(void)
{
    /* POSIX sync() returns nothing; an I/O error stays in the kernel log. */
    (void)__sys_sync();
}

int fsync(int fd)
{
    return (int)syscall_result(__sys_fsync(fd));
}

unsigned alarm(unsigned seconds)
{
    return (unsigned)syscall_result(__sys_alarm(seconds));
}

int sched_yield(void) { return (int)syscall_result(__sys_sched_yield()); }
