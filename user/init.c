/*
 * user/init.c — process 1.
 *
 *   init -c LINE   (the kernel passes this for bootargs cmd=LINE, i.e.
 *                  tools/run.py --cmd): run LINE with /bin/sh -c, print
 *                  "init: exit status N", power off with that status.
 *   init           if /etc/autoplay exists, run its first line with
 *                  /bin/sh -c and wait for it (the demo disk holds
 *                  "player --stats /media/default.bav" there; `make demo`
 *                  writes it into a copy of the disk, so the test disk has
 *                  none); then start the shell on the console; when it
 *                  exits, start it again. Meanwhile collect every orphan
 *                  that dies (the kernel makes init their parent).
 * A file, not a bootarg: the kernel hands init only cmd=.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int status_code(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}

/* Waits for `pid`, collecting any other child that ends meanwhile. A
 * wait a signal interrupts is simply made again: giving up would power off
 * (-c) or start a second shell on the same console while the first runs. */
static int wait_for(pid_t pid)
{
    for (;;) {
        int status;
        pid_t got = wait(&status);
        if (got == pid)
            return status;
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            perror("init: wait");
            return 0x7f00; /* exit status 127 */
        }
    }
}

/* Runs the first line of /etc/autoplay, if there is one, to its end. */
static void autoplay(void)
{
    int fd = open("/etc/autoplay", O_RDONLY);
    if (fd < 0)
        return;
    char line[256];
    ssize_t n = read(fd, line, sizeof line - 1);
    close(fd);
    if (n <= 0)
        return;
    line[n] = 0;
    line[strcspn(line, "\r\n")] = 0;
    if (!line[0])
        return;
    printf("init: autoplay: %s\n", line);
    fflush(stdout);
    char *sh_argv[] = { "sh", "-c", line, NULL };
    pid_t pid = spawn("/bin/sh", sh_argv, environ);
    if (pid < 0) {
        perror("init: autoplay: cannot start /bin/sh");
        return;
    }
    int status = wait_for(pid);
    if (status_code(status))
        printf("init: autoplay exited with status %d\n", status_code(status));
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "-c") == 0) {
        char *sh_argv[] = { "sh", "-c", argv[2], NULL };
        pid_t pid = spawn("/bin/sh", sh_argv, environ);
        int code;
        if (pid < 0) {
            perror("init: cannot start /bin/sh");
            code = 127;
        } else {
            code = status_code(wait_for(pid));
        }
        printf("init: exit status %d\n", code);
        fflush(stdout);
        poweroff(code);
        return code;
    }
    autoplay();
    for (;;) {
        char *sh_argv[] = { "sh", NULL };
        pid_t pid = spawn("/bin/sh", sh_argv, environ);
        if (pid < 0) {
            perror("init: cannot start /bin/sh");
            sleep(5);
            continue;
        }
        int status = wait_for(pid);
        printf("init: shell exited (status %d); starting a new one\n", status_code(status));
    }
}
