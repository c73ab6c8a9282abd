/*
 * user/cp.c — cp FROM TO, or cp FROM... DIR: copies regular files (TO is
 * created or truncated, mode 0644 | FROM's permission bits). When the last
 * argument is a directory each FROM is copied into it under its base name.
 * Directories are not copied (no -r). Failures: "cp: NAME: reason",
 * status 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char buf[16384];

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash && slash[1] ? slash + 1 : path;
}

static int copy_file(const char *from, const char *to)
{
    struct stat st;
    int in = open(from, O_RDONLY);
    if (in < 0 || fstat(in, &st) < 0) {
        fprintf(stderr, "cp: %s: %s\n", from, strerror(errno));
        if (in >= 0)
            close(in);
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        fprintf(stderr, "cp: %s: %s\n", from, strerror(EISDIR));
        close(in);
        return -1;
    }
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644 | (st.st_mode & 0777));
    if (out < 0) {
        fprintf(stderr, "cp: %s: %s\n", to, strerror(errno));
        close(in);
        return -1;
    }
    int status = 0;
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n == 0)
            break;
        if (n < 0) {
            fprintf(stderr, "cp: %s: %s\n", from, strerror(errno));
            status = -1;
            break;
        }
        ssize_t done = 0;
        while (done < n) {
            ssize_t w = write(out, buf + done, (size_t)(n - done));
            if (w <= 0) {
                fprintf(stderr, "cp: %s: %s\n", to, strerror(errno));
                status = -1;
                break;
            }
            done += w;
        }
        if (status < 0)
            break;
    }
    close(in);
    if (close(out) < 0 && status == 0) {
        fprintf(stderr, "cp: %s: %s\n", to, strerror(errno));
        status = -1;
    }
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: cp FROM TO | cp FROM... DIR\n");
        return 2;
    }
    const char *dest = argv[argc - 1];
    struct stat st;
    int dest_is_dir = stat(dest, &st) == 0 && S_ISDIR(st.st_mode);
    if (argc > 3 && !dest_is_dir) {
        fprintf(stderr, "cp: %s: %s\n", dest, strerror(ENOTDIR));
        return 1;
    }
    int status = 0;
    for (int i = 1; i < argc - 1; i++) {
        char target[PATH_MAX];
        if (dest_is_dir)
            snprintf(target, sizeof target, "%s/%s", dest, base_name(argv[i]));
        else
            snprintf(target, sizeof target, "%s", dest);
        if (copy_file(argv[i], target) < 0)
            status = 1;
    }
    return status;
}
