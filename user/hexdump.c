/*
 * user/hexdump.c — hexdump [-C] [FILE...]: the canonical dump (what
 * `hexdump -C` prints; -C is accepted and is the only format): per 16
 * bytes, an 8-digit hex offset, the bytes in hex in two groups of eight,
 * then the printable ASCII between '|'; a run of identical lines is shown
 * once followed by "*"; the last line is the total length. Files are dumped
 * as one stream, or stdin when none is given.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct dumper {
    unsigned char line[16];
    size_t fill;                /* bytes in line */
    uint64_t offset;            /* of line[0] */
    unsigned char previous[16];
    bool have_previous, starred;
};

static void emit_line(struct dumper *d)
{
    if (d->fill == 16 && d->have_previous && memcmp(d->line, d->previous, 16) == 0) {
        if (!d->starred)
            printf("*\n");
        d->starred = true;
    } else {
        d->starred = false;
        printf("%08lx ", (unsigned long)d->offset);
        for (size_t i = 0; i < 16; i++) {
            if (i == 8)
                printf(" ");
            if (i < d->fill)
                printf(" %02x", d->line[i]);
            else
                printf("   ");
        }
        printf("  |");
        for (size_t i = 0; i < d->fill; i++)
            putchar(d->line[i] >= 0x20 && d->line[i] < 0x7f ? d->line[i] : '.');
        printf("|\n");
    }
    memcpy(d->previous, d->line, 16);
    d->have_previous = d->fill == 16;
    d->offset += d->fill;
    d->fill = 0;
}

static int dump_fd(struct dumper *d, int fd)
{
    unsigned char buf[4096];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n == 0)
            return 0;
        if (n < 0)
            return -1;
        for (ssize_t i = 0; i < n; i++) {
            d->line[d->fill++] = buf[i];
            if (d->fill == 16)
                emit_line(d);
        }
    }
}

int main(int argc, char **argv)
{
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "-C") == 0)
        first = 2;
    struct dumper d;
    memset(&d, 0, sizeof d);
    int status = 0;
    if (first == argc) {
        if (dump_fd(&d, 0) < 0) {
            fprintf(stderr, "hexdump: stdin: %s\n", strerror(errno));
            status = 1;
        }
    }
    for (int i = first; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0 || dump_fd(&d, fd) < 0) {
            fprintf(stderr, "hexdump: %s: %s\n", argv[i], strerror(errno));
            status = 1;
        }
        if (fd >= 0)
            close(fd);
    }
    if (d.fill)
        emit_line(&d);
    if (d.offset)
        printf("%08lx\n", (unsigned long)d.offset);
    return status;
}
