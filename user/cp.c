/*
 * user/cp.c — cp FROM TO, or cp FROM... DIR: copies regular files (TO is
 * created or truncated, mode 0644 | FROM's permission bits). When the last
 * argument is a directory each FROM is copied into it under its base name.
 * Directories are not copied (no -r). Failures: "cp: NAME: reason",
 * status 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "user/toolkit.h"

static char buf[16384];

static int copy_file(const char *from, const char *to)
{
    struct stat st;
    int in = open(from, O_RDONLY);
    if (in < 0 || fstat(in, &st) < 0) {
        fprintf(stderr, "cp: %s: %s\n", from, strerror(errno));
        if (in >= 0)
            close(in);
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        fprintf(stderr, "cp: %s: %s\n", from, strerror(EISDIR));
        close(in);
        return -1;
    }
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644 | (st.st_mode & 0777));
    if (out < 0) {
        fprintf(stderr, "cp: %s: %s\n", to, strerror(errno));
        close(in);
        return -1;
    }
    int status = 0;
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n == 0)
            break;
        if (n < 0) {
            fprintf(stderr, "cp: %s: %s\n", from, strerror(errno));
            status = -1;
            break;
        }
        ssize_t done = 0;
        while (done < n) {
            ssize_t w = write(out, buf + done, (size_t)(n - done));
            if (w <= 0) {
                fprintf(stderr, "cp: %s: %s\n", to, strerror(errno));
                status = -1;
                break;
            }
            done += w;
        }
        if (status < 0)
            break;
    }
    close(in);
    if (close(out) < 0 && status == 0) {
        fprintf(stderr, "cp: %s: %s\n", to, strerror(errno));
        status = -1;
    }
    return status;
}

int main(int argc, char **argv)
{
    return tool_for_each_target("cp", argc, argv, copy_file);
}
