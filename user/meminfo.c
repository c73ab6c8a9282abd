/*
 * user/meminfo.c — meminfo: prints the kernel's memory report, the text
 * device /dev/meminfo. Without that device it says so and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    int fd = open("/dev/meminfo", O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "meminfo: /dev/meminfo: %s (the kernel does not provide it)\n",
                strerror(errno));
        return 1;
    }
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        fwrite(buf, 1, (size_t)n, stdout);
    if (n < 0) {
        fprintf(stderr, "meminfo: /dev/meminfo: %s\n", strerror(errno));
        return 1;
    }
    close(fd);
    return 0;
}
