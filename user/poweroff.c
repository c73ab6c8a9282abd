/*
 * user/poweroff.c — poweroff [STATUS]: turns the machine off; QEMU (and so
 * tools/run.py) exits with STATUS (default 0, taken modulo 256).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>

int main(int argc, char **argv)
{
    int status = 0;
    if (argc > 2) {
        fprintf(stderr, "usage: poweroff [STATUS]\n");
        return 2;
    }
    if (argc == 2) {
        char *end;
        long v = strtol(argv[1], &end, 10);
        if (argv[1][0] == '\0' || *end != '\0') {
            fprintf(stderr, "poweroff: %s: not a number\n", argv[1]);
            return 2;
        }
        status = (int)(v & 0xff);
    }
    fflush(stdout);
    poweroff(status);
    fprintf(stderr, "poweroff: %s\n", strerror(errno));
    return 1;
}
