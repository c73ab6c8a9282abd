/*
 * user/mv.c — mv FROM TO, or mv FROM... DIR: renames with rename(); when
 * the last argument is a directory each FROM moves into it under its own
 * base name. No copying across file systems (there is one). Failures:
 * "mv: FROM: reason", status 1.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "user/toolkit.h"

static int move(const char *from, const char *to)
{
    if (rename(from, to) < 0) {
        fprintf(stderr, "mv: %s: %s\n", from, strerror(errno));
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    return tool_for_each_target("mv", argc, argv, move);
}
