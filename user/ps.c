/*
 * user/ps.c — ps: prints the process table, which the kernel provides as
 * the text device /dev/ps (a header line, then one "PID PPID STATE UTIME
 * STIME MEM(KiB) NAME" row per process). Without that device it says so
 * and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    int fd = open("/dev/ps", O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "ps: /dev/ps: %s (the kernel does not provide the process list)\n",
                strerror(errno));
        return 1;
    }
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        fwrite(buf, 1, (size_t)n, stdout);
    if (n < 0) {
        fprintf(stderr, "ps: /dev/ps: %s\n", strerror(errno));
        return 1;
    }
    close(fd);
    return 0;
}
