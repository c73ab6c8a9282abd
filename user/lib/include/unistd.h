/*
 * <unistd.h> — POSIX system call wrappers (user/lib/sys.c, unistd.c) and
 * getopt (user/lib/getopt.c). Failing calls return -1 and set errno.
 */
#ifndef _UNISTD_H
#define _UNISTD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "kernel/abi/abi.h"         /* SEEK_SET, SEEK_CUR, SEEK_END */

#define STDIN_FILENO  0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

extern char **environ;

ssize_t read(int fd, void *buf, size_t n);
ssize_t write(int fd, const void *buf, size_t n);
int close(int fd);
off_t lseek(int fd, off_t offset, int whence);
int dup(int fd);
int dup2(int fd, int to);
int pipe(int fds[2]);
int ftruncate(int fd, off_t length);
int truncate(const char *path, off_t length);
/* sync: every change on the disk (a device flush included); fsync: fd's
 * file's data and metadata (this kernel syncs everything). */
void sync(void);
int fsync(int fd);
int unlink(const char *path);
int rmdir(const char *path);
int chdir(const char *path);
/* buf NULL and size 0: a malloc'd buffer as long as the path needs. */
char *getcwd(char *buf, size_t size);
int isatty(int fd);

pid_t fork(void);
int execve(const char *path, char *const argv[], char *const envp[]);
int execv(const char *path, char *const argv[]);
int execvp(const char *file, char *const argv[]);  /* searches $PATH */
/* Not POSIX: start path as a new child process (fork + execve in one);
 * returns the child's pid. */
pid_t spawn(const char *path, char *const argv[], char *const envp[]);
pid_t getpid(void);
pid_t getppid(void);
__attribute__((noreturn)) void _exit(int status);

int brk(void *addr);
void *sbrk(intptr_t increment);

unsigned sleep(unsigned seconds);
int usleep(useconds_t usec);
unsigned alarm(unsigned seconds);

/* getopt: POSIX short options; "a:b" style, leading ':' for quiet errors. */
extern char *optarg;
extern int optind, opterr, optopt;
int getopt(int argc, char *const argv[], const char *optstring);

#endif
