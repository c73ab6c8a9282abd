/*
 * user/lib/unistd.c — conveniences built on the system call wrappers
 * (sys.c): exec with the current environment or a $PATH search, sleeping,
 * waiting, isatty, raise, poweroff, time, creat, remove.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int execv(const char *path, char *const argv[])
{
    return execve(path, argv, environ);
}

#define DEFAULT_PATH "/bin"

/* A name with a '/' is used as is; otherwise each $PATH directory is
 * tried in turn. The error reported is the most telling one met: anything
 * but "not found" beats "not found". */
int execvp(const char *file, char *const argv[])
{
    if (strchr(file, '/'))
        return execv(file, argv);
    const char *path = getenv("PATH");
    if (!path)
        path = DEFAULT_PATH;
    size_t file_len = strlen(file);
    int best_error = ENOENT;
    while (*path) {
        size_t dir_len = strcspn(path, ":");
        char full[PATH_MAX];
        if (dir_len + 1 + file_len + 1 <= sizeof full) {
            memcpy(full, path, dir_len);
            full[dir_len] = '/';
            memcpy(full + dir_len + 1, file, file_len + 1);
            execv(full, argv);
            if (errno != ENOENT && errno != ENOTDIR)
                best_error = errno;
        }
        path += dir_len;
        if (*path == ':')
            path++;
    }
    errno = best_error;
    return -1;
}

pid_t waitpid(pid_t pid, int *status, int options)
{
    return wait4(pid, status, options, NULL);
}

pid_t wait(int *status)
{
    return wait4(-1, status, 0, NULL);
}

/* A terminal answers TIOCGWINSZ; files, pipes and other devices do not. */
int isatty(int fd)
{
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) < 0) {
        if (errno != EBADF)
            errno = ENOTTY;
        return 0;
    }
    return 1;
}

unsigned sleep(unsigned seconds)
{
    struct timespec req = { seconds, 0 }, rem = { 0, 0 };
    if (nanosleep(&req, &rem) < 0)
        return (unsigned)rem.tv_sec + (rem.tv_nsec > 0);
    return 0;
}

int usleep(useconds_t usec)
{
    struct timespec req = { usec / 1000000, (int64_t)(usec % 1000000) * 1000 };
    return nanosleep(&req, NULL);
}

time_t time(time_t *t)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
        return (time_t)-1;
    if (t)
        *t = ts.tv_sec;
    return ts.tv_sec;
}

int raise(int sig)
{
    return kill(getpid(), sig);
}

int poweroff(int status)
{
    return reboot(REBOOT_CMD_POWER_OFF, status);
}

int creat(const char *path, mode_t mode)
{
    return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}

int remove(const char *path)
{
    if (unlink(path) == 0)
        return 0;
    return errno == EISDIR ? rmdir(path) : -1;
}
