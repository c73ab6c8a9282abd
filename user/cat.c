/*
 * user/cat.c — cat [FILE...]: copies each FILE (or stdin when there is none,
 * or for "-") to stdout. A file that cannot be read is reported
 * ("cat: NAME: reason") and skipped; the status is then 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char buf[16384];

/* Copies fd to stdout; returns 0, or -1 with a message naming `name`. */
static int copy_fd(int fd, const char *name)
{
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n == 0)
            return 0;
        if (n < 0) {
            fprintf(stderr, "cat: %s: %s\n", name, strerror(errno));
            return -1;
        }
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(1, buf + done, (size_t)(n - done));
            if (w <= 0) {
                fprintf(stderr, "cat: write error: %s\n", strerror(errno));
                return -1;
            }
            done += w;
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return copy_fd(0, "stdin") == 0 ? 0 : 1;
    int status = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-") == 0) {
            if (copy_fd(0, "stdin") < 0)
                status = 1;
            continue;
        }
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            fprintf(stderr, "cat: %s: %s\n", argv[i], strerror(errno));
            status = 1;
            continue;
        }
        if (copy_fd(fd, argv[i]) < 0)
            status = 1;
        close(fd);
    }
    return status;
}
