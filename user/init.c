/*
 * user/init.c — process 1.
 *
 *   init -c LINE   (the kernel passes this for bootargs cmd=LINE, i.e.
 *                  tools/run.py --cmd): run LINE with /bin/sh -c, print
 *                  "init: exit status N", power off with that status.
 *   init           start the shell on the console; when it exits, start it
 *                  again. Meanwhile collect every orphan that dies (the
 *                  kernel makes init their parent).
 */
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

/* Waits for `pid`, collecting any other child that ends meanwhile. */
static int wait_for(pid_t pid)
{
    for (;;) {
        int status;
        pid_t got = wait(&status);
        if (got == pid)
            return status;
        if (got < 0) {
            perror("init: wait");
            return 0x7f00; /* exit status 127 */
        }
    }
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
