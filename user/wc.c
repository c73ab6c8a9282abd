/*
 * user/wc.c — wc [-lwc] [FILE...]: counts lines (newlines), words (runs of
 * non-space bytes) and bytes of each FILE, or stdin. Output per file:
 * the selected counts (default all three, in the order l w c), each right
 * aligned in a field of 7 after the first, then the name; a "total" line
 * for several files. With one count and stdin only the number is printed
 * (as POSIX shells' wc does: "echo hi | wc -c" prints "3").
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct counts {
    uint64_t lines, words, bytes;
};

static bool want_lines, want_words, want_bytes;
static char buf[16384];

static int count_fd(int fd, struct counts *c)
{
    bool in_word = false;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n == 0)
            return 0;
        if (n < 0)
            return -1;
        c->bytes += (uint64_t)n;
        for (ssize_t i = 0; i < n; i++) {
            unsigned char ch = (unsigned char)buf[i];
            if (ch == '\n')
                c->lines++;
            if (isspace(ch)) {
                in_word = false;
            } else if (!in_word) {
                in_word = true;
                c->words++;
            }
        }
    }
}

static void print_counts(const struct counts *c, const char *name)
{
    int fields = 0;
    const char *pad = name ? "%7lu" : "%lu";
    if (want_lines) {
        printf(fields++ ? " %7lu" : pad, (unsigned long)c->lines);
    }
    if (want_words) {
        printf(fields++ ? " %7lu" : pad, (unsigned long)c->words);
    }
    if (want_bytes) {
        printf(fields++ ? " %7lu" : pad, (unsigned long)c->bytes);
    }
    if (name && *name)
        printf(" %s", name);
    printf("\n");
}

int main(int argc, char **argv)
{
    int opt;
    while ((opt = getopt(argc, argv, "lwc")) != -1) {
        switch (opt) {
        case 'l': want_lines = true; break;
        case 'w': want_words = true; break;
        case 'c': want_bytes = true; break;
        default:
            fprintf(stderr, "usage: wc [-lwc] [FILE...]\n");
            return 2;
        }
    }
    if (!want_lines && !want_words && !want_bytes)
        want_lines = want_words = want_bytes = true;
    if (optind == argc) {
        struct counts c = { 0, 0, 0 };
        if (count_fd(0, &c) < 0) {
            fprintf(stderr, "wc: stdin: %s\n", strerror(errno));
            return 1;
        }
        int n_wanted = want_lines + want_words + want_bytes;
        /* One count of stdin: the bare number; several: aligned columns. */
        print_counts(&c, n_wanted == 1 ? NULL : "");
        return 0;
    }
    int status = 0;
    struct counts total = { 0, 0, 0 };
    for (int i = optind; i < argc; i++) {
        struct counts c = { 0, 0, 0 };
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0 || count_fd(fd, &c) < 0) {
            fprintf(stderr, "wc: %s: %s\n", argv[i], strerror(errno));
            status = 1;
            if (fd >= 0)
                close(fd);
            continue;
        }
        close(fd);
        print_counts(&c, argv[i]);
        total.lines += c.lines;
        total.words += c.words;
        total.bytes += c.bytes;
    }
    if (argc - optind > 1)
        print_counts(&total, "total");
    return status;
}
