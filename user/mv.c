/*
 * user/mv.c — mv FROM TO, or mv FROM... DIR: renames with rename(); when
 * the last argument is a directory each FROM moves into it under its own
 * base name. No copying across file systems (there is one). Failures:
 * "mv: FROM: reason", status 1.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *base_name(const char *path)
{
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        len--;
    const char *slash = NULL;
    for (size_t i = 0; i + 1 < len; i++)
        if (path[i] == '/')
            slash = path + i;
    return slash ? slash + 1 : path;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: mv FROM TO | mv FROM... DIR\n");
        return 2;
    }
    const char *dest = argv[argc - 1];
    struct stat st;
    int dest_is_dir = stat(dest, &st) == 0 && S_ISDIR(st.st_mode);
    if (argc > 3 && !dest_is_dir) {
        fprintf(stderr, "mv: %s: %s\n", dest, strerror(ENOTDIR));
        return 1;
    }
    int status = 0;
    for (int i = 1; i < argc - 1; i++) {
        char target[PATH_MAX];
        if (dest_is_dir)
            snprintf(target, sizeof target, "%s/%s", dest, base_name(argv[i]));
        else
            snprintf(target, sizeof target, "%s", dest);
        if (rename(argv[i], target) < 0) {
            fprintf(stderr, "mv: %s: %s\n", argv[i], strerror(errno));
            status = 1;
        }
    }
    return status;
}
