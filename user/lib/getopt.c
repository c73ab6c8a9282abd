/*
 * user/lib/getopt.c — POSIX getopt(): short options, grouped ("-ab"),
 * arguments attached ("-ofile") or separate ("-o file"), "--" ends the
 * options, and so does the first operand (no argument permutation).
 *
 * A leading ':' in optstring selects quiet mode: no messages, and a missing
 * argument returns ':' instead of '?'. optopt holds the offending option.
 * Scanning state: optind plus the position inside a group; setting optind
 * to 0 restarts a scan from argv[1] (setting it to 1 works too once a scan
 * has finished, which is when the group position is back at 0).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

char *optarg;
int optind = 1, opterr = 1, optopt;

static int group_pos;   /* index into argv[optind]; 0 = not inside a group */

static void next_arg(void)
{
    optind++;
    group_pos = 0;
}

int getopt(int argc, char *const argv[], const char *optstring)
{
    bool quiet = optstring[0] == ':';
    if (optind == 0) {
        optind = 1;
        group_pos = 0;
    }
    optarg = NULL;
    if (group_pos == 0) {
        const char *arg = optind < argc ? argv[optind] : NULL;
        if (!arg || arg[0] != '-' || arg[1] == '\0')
            return -1;              /* an operand ("-" alone is one too) */
        if (strcmp(arg, "--") == 0) {
            optind++;
            return -1;
        }
        group_pos = 1;
    }

    const char *arg = argv[optind];
    char c = arg[group_pos++];
    const char *spec = c == ':' ? NULL : strchr(optstring + quiet, c);
    if (!spec) {
        optopt = c;
        if (opterr && !quiet)
            fprintf(stderr, "%s: unknown option -%c\n", argv[0], c);
        if (arg[group_pos] == '\0')
            next_arg();
        return '?';
    }
    if (spec[1] != ':') {
        if (arg[group_pos] == '\0')
            next_arg();
        return c;
    }
    /* The option takes an argument: the rest of this word, or the next. */
    if (arg[group_pos] != '\0') {
        optarg = (char *)&arg[group_pos];
        next_arg();
    } else if (optind + 1 < argc) {
        optarg = argv[optind + 1];
        next_arg();
        optind++;
    } else {
        next_arg();
        optopt = c;
        if (opterr && !quiet)
            fprintf(stderr, "%s: option -%c needs an argument\n", argv[0], c);
        return quiet ? ':' : '?';
    }
    return c;
}
