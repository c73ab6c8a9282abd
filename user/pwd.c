/*
 * user/pwd.c — pwd: prints the working directory (the shell also has it as
 * a builtin; this one serves `exec`-style callers and pipelines).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    char *cwd = getcwd(NULL, 0); /* any length */
    if (!cwd) {
        fprintf(stderr, "pwd: %s\n", strerror(errno));
        return 1;
    }
    printf("%s\n", cwd);
    free(cwd);
    return 0;
}
