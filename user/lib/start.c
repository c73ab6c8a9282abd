/*
 * user/lib/start.c — process start and end: __libc_start (called by
 * crt0.S's _start), the environment, exit/atexit/abort, assert's failure.
 *
 * exit() runs the atexit handlers (last registered first), flushes stdio,
 * then _exit()s. abort() flushes nothing: it raises SIGABRT and, should
 * that return (no signals yet), exits with status 134 (128 + SIGABRT), what
 * a shell shows for a process killed by SIGABRT.
 */
#include <assert.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "user/lib/libc_internal.h"

char **environ;

int main(int argc, char **argv, char **envp);
__attribute__((noreturn)) void __libc_start(int argc, char **argv, char **envp);

void __libc_start(int argc, char **argv, char **envp)
{
    environ = envp;
    exit(main(argc, argv, envp));
}

char *getenv(const char *name)
{
    size_t len = strlen(name);
    if (!environ || len == 0 || strchr(name, '='))
        return NULL;
    for (char **e = environ; *e; e++)
        if (strncmp(*e, name, len) == 0 && (*e)[len] == '=')
            return *e + len + 1;
    return NULL;
}

#define ATEXIT_MAX 32   /* C guarantees at least 32 */
static void (*atexit_fns[ATEXIT_MAX])(void);
static int atexit_count;

int atexit(void (*fn)(void))
{
    if (atexit_count == ATEXIT_MAX)
        return -1;
    atexit_fns[atexit_count++] = fn;
    return 0;
}

void exit(int status)
{
    while (atexit_count > 0)
        atexit_fns[--atexit_count]();
    stdio_flush_all();
    _exit(status);
}

void _Exit(int status)
{
    _exit(status);
}

void abort(void)
{
    raise(SIGABRT);
    _exit(128 + SIGABRT);
}

void __assert_fail(const char *expr, const char *file, int line, const char *func)
{
    fprintf(stderr, "%s:%d: %s: assertion failed: %s\n", file, line, func, expr);
    abort();
}
