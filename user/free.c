/*
 * user/free.c — free: a memory summary in KiB, from the first line of
 * /dev/meminfo ("pages: T total, F free (K KiB), U used"; pages are
 * 4 KiB). Prints
 *              total       used       free
 *     Mem:    262144      10240     251904
 * Missing device or an unexpected first line: a message and status 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PAGE_KIB 4

/* Reads the number after `label` in line; false if it is not there. */
static int number_after(const char *line, const char *label, unsigned long *out)
{
    const char *p = strstr(line, label);
    if (!p)
        return 0;
    p += strlen(label);
    char *end;
    *out = strtoul(p, &end, 10);
    return end != p;
}

int main(void)
{
    int fd = open("/dev/meminfo", O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "free: /dev/meminfo: %s (the kernel does not provide it)\n",
                strerror(errno));
        return 1;
    }
    char buf[1024];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n < 0) {
        fprintf(stderr, "free: /dev/meminfo: %s\n", strerror(errno));
        return 1;
    }
    buf[n] = '\0';
    char *newline = strchr(buf, '\n');
    if (newline)
        *newline = '\0';
    unsigned long total, free_pages, used;
    if (!number_after(buf, "pages:", &total) || !number_after(buf, "total,", &free_pages)
        || !number_after(buf, "),", &used)) {
        fprintf(stderr, "free: cannot parse /dev/meminfo: \"%s\"\n", buf);
        return 1;
    }
    printf("%14s %10s %10s\n", "total", "used", "free");
    printf("Mem: %9lu %10lu %10lu\n", total * PAGE_KIB, used * PAGE_KIB, free_pages * PAGE_KIB);
    return 0;
}
