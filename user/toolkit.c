/*
 * user/toolkit.c — see toolkit.h.
 */
#include "user/toolkit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The last component of path, ignoring trailing slashes ("a/b/" -> "b/"). */
static const char *base_name(const char *path)
{
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        len--;
    const char *slash = NULL;
    for (size_t i = 0; i + 1 < len; i++)
        if (path[i] == '/')
            slash = path + i;
    return slash && slash[1] ? slash + 1 : path;
}

int tool_for_each_target(const char *prog, int argc, char **argv,
                         int (*op)(const char *from, const char *to))
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s FROM TO | %s FROM... DIR\n", prog, prog);
        return 2;
    }
    const char *dest = argv[argc - 1];
    struct stat st;
    int dest_is_dir = stat(dest, &st) == 0 && S_ISDIR(st.st_mode);
    if (argc > 3 && !dest_is_dir) {
        fprintf(stderr, "%s: %s: %s\n", prog, dest, strerror(ENOTDIR));
        return 1;
    }
    int status = 0;
    for (int i = 1; i < argc - 1; i++) {
        char target[PATH_MAX];
        int n = dest_is_dir ? snprintf(target, sizeof target, "%s/%s", dest, base_name(argv[i]))
                            : snprintf(target, sizeof target, "%s", dest);
        if (n < 0 || (size_t)n >= sizeof target) {
            fprintf(stderr, "%s: %s: %s\n", prog, argv[i], strerror(ENAMETOOLONG));
            status = 1;
            continue;
        }
        if (op(argv[i], target) < 0)
            status = 1;
    }
    return status;
}

int tool_print_device(const char *prog, const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "%s: %s: %s (the kernel does not provide it)\n", prog, path,
                strerror(errno));
        return 1;
    }
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        fwrite(buf, 1, (size_t)n, stdout);
    int err = n < 0 ? errno : 0;
    close(fd);
    if (err) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(err));
        return 1;
    }
    return 0;
}
