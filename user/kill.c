/*
 * user/kill.c — kill [-SIG] PID...: sends SIG (default SIGTERM) to each
 * PID. SIG is a number (-9) or a name with or without "SIG" (-KILL,
 * -SIGINT). Failures: "kill: PID: reason", status 1.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct { const char *name; int number; } signal_names[] = {
    { "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ILL", SIGILL },
    { "TRAP", SIGTRAP }, { "ABRT", SIGABRT }, { "BUS", SIGBUS }, { "FPE", SIGFPE },
    { "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 },
    { "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM }, { "CHLD", SIGCHLD },
    { "CONT", SIGCONT }, { "STOP", SIGSTOP }, { "TSTP", SIGTSTP },
};

/* Parses a number in full; false if s is not one. */
static int parse_int(const char *s, long *out)
{
    char *end;
    if (*s == '\0')
        return 0;
    *out = strtol(s, &end, 10);
    return *end == '\0';
}

static int parse_signal(const char *s)
{
    long n;
    if (parse_int(s, &n))
        return n >= 0 && n < NSIG ? (int)n : -1;
    if (strncasecmp(s, "SIG", 3) == 0)
        s += 3;
    for (size_t i = 0; i < sizeof signal_names / sizeof signal_names[0]; i++)
        if (strcasecmp(s, signal_names[i].name) == 0)
            return signal_names[i].number;
    return -1;
}

int main(int argc, char **argv)
{
    int sig = SIGTERM;
    int first = 1;
    if (argc > 1 && argv[1][0] == '-' && argv[1][1] != '\0') {
        sig = parse_signal(argv[1] + 1);
        if (sig < 0) {
            fprintf(stderr, "kill: %s: invalid signal\n", argv[1] + 1);
            return 2;
        }
        first = 2;
    }
    if (first == argc) {
        fprintf(stderr, "usage: kill [-SIG] PID...\n");
        return 2;
    }
    int status = 0;
    for (int i = first; i < argc; i++) {
        long pid;
        if (!parse_int(argv[i], &pid)) {
            fprintf(stderr, "kill: %s: not a process id\n", argv[i]);
            status = 1;
            continue;
        }
        if (kill((pid_t)pid, sig) < 0) {
            fprintf(stderr, "kill: %s: %s\n", argv[i], strerror(errno));
            status = 1;
        }
    }
    return status;
}
