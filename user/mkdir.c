/*
 * user/mkdir.c — mkdir [-p] DIR...: creates each directory (mode 0755).
 * -p also creates missing parents and accepts a DIR that already exists.
 * Failures are reported ("mkdir: DIR: reason") and make the status 1.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool make_parents;

/* Creates path and, with -p, its missing ancestors. */
static int make_dir(const char *path)
{
    if (!make_parents)
        return mkdir(path, 0755);
    char partial[PATH_MAX];
    size_t len = strlen(path);
    if (len >= sizeof partial) {
        errno = ENAMETOOLONG;
        return -1;
    }
    /* Each prefix ending before a '/' (and the whole path), in order. */
    for (size_t i = 1; i <= len; i++) {
        if (i < len && path[i] != '/')
            continue;
        memcpy(partial, path, i);
        partial[i] = '\0';
        struct stat st;
        if (mkdir(partial, 0755) < 0) {
            if (errno != EEXIST)
                return -1;
            if (stat(partial, &st) < 0 || !S_ISDIR(st.st_mode)) {
                errno = ENOTDIR;
                return -1;
            }
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    int opt;
    while ((opt = getopt(argc, argv, "p")) != -1) {
        if (opt != 'p') {
            fprintf(stderr, "usage: mkdir [-p] DIR...\n");
            return 2;
        }
        make_parents = true;
    }
    if (optind == argc) {
        fprintf(stderr, "usage: mkdir [-p] DIR...\n");
        return 2;
    }
    int status = 0;
    for (int i = optind; i < argc; i++) {
        if (make_dir(argv[i]) < 0) {
            fprintf(stderr, "mkdir: %s: %s\n", argv[i], strerror(errno));
            status = 1;
        }
    }
    return status;
}
