/*
 * user/fbdraw.c — draw a test pattern on /dev/fb0 from user space.
 *
 *   fbdraw X Y W H [SECONDS]
 *
 * Maps the framebuffer (FBIOC_GET_INFO, mmap), fills the rectangle with
 * pixel (x, y) = RGB((x * 3) & 255, (y * 5) & 255, (x + y) & 255), presents
 * only that rectangle (FBIOC_PRESENT), holds the screen for SECONDS (default
 * 2) so it can be looked at, and exits; the console repaints when fb0 is
 * closed. The e2e display test compares the screendump with the same
 * formula. Errors name the call that failed; exit status 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "kernel/abi/abi.h"

static int fail(const char *what)
{
    fprintf(stderr, "fbdraw: %s: %s\n", what, strerror(errno));
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 5 && argc != 6) {
        fprintf(stderr, "usage: fbdraw X Y W H [SECONDS]\n");
        return 2;
    }
    uint32_t x0 = (uint32_t)atoi(argv[1]), y0 = (uint32_t)atoi(argv[2]);
    uint32_t w = (uint32_t)atoi(argv[3]), h = (uint32_t)atoi(argv[4]);
    double hold = argc == 6 ? strtod(argv[5], NULL) : 2.0;

    int fd = open("/dev/fb0", O_RDWR);
    if (fd < 0)
        return fail("/dev/fb0");
    struct fb_geometry g;
    if (ioctl(fd, FBIOC_GET_INFO, &g) < 0)
        return fail("FBIOC_GET_INFO");
    if (g.format != FB_FORMAT_B8G8R8X8 || x0 >= g.width || y0 >= g.height) {
        fprintf(stderr, "fbdraw: rectangle outside the %ux%u screen\n", g.width, g.height);
        return 1;
    }
    if (w > g.width - x0)
        w = g.width - x0;
    if (h > g.height - y0)
        h = g.height - y0;
    uint8_t *fb = mmap(NULL, g.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (fb == MAP_FAILED)
        return fail("mmap");
    for (uint32_t y = y0; y < y0 + h; y++) {
        uint32_t *row = (uint32_t *)(fb + (uint64_t)y * g.stride);
        for (uint32_t x = x0; x < x0 + w; x++)
            row[x] = ((x * 3) & 0xff) << 16 | ((y * 5) & 0xff) << 8 | ((x + y) & 0xff);
    }
    struct fb_present r = { x0, y0, w, h };
    if (ioctl(fd, FBIOC_PRESENT, &r) < 0)
        return fail("FBIOC_PRESENT");
    printf("fbdraw: presented %ux%u at %u,%u on %ux%u\n", w, h, x0, y0, g.width, g.height);
    fflush(stdout);
    struct timespec ts = { (time_t)hold, (long)((hold - (double)(time_t)hold) * 1e9) };
    nanosleep(&ts, NULL);
    munmap(fb, g.size);
    close(fd);
    return 0;
}
