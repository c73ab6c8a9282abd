/*
 * user/rm.c — rm [-r] [-f] PATH...: removes files; with -r directories too,
 * contents first (depth first; entries are unlinked while the directory is
 * being read, which relies on getdents positions surviving an unlink, as
 * they do for ext2's in-place record merging). -f: no
 * message and no failure for a PATH that does not exist. Failures:
 * "rm: PATH: reason", status 1.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool recursive, force;

static int remove_path(const char *path);

/* Removes everything inside the directory `path`. */
static int empty_directory(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int status = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char child[PATH_MAX];
        if ((size_t)snprintf(child, sizeof child, "%s/%s", path, e->d_name) >= sizeof child) {
            fprintf(stderr, "rm: %s/%s: %s\n", path, e->d_name, strerror(ENAMETOOLONG));
            status = -1;
            continue;
        }
        if (remove_path(child) < 0)
            status = -1;
    }
    closedir(d);
    return status;
}

/* Removes path; reports its own failures. */
static int remove_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        if (force && errno == ENOENT)
            return 0;
        fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        if (!recursive) {
            fprintf(stderr, "rm: %s: %s\n", path, strerror(EISDIR));
            return -1;
        }
        if (empty_directory(path) < 0)
            return -1;
        if (rmdir(path) < 0) {
            fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
            return -1;
        }
        return 0;
    }
    if (unlink(path) < 0) {
        fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int opt;
    while ((opt = getopt(argc, argv, "rRf")) != -1) {
        switch (opt) {
        case 'r': case 'R': recursive = true; break;
        case 'f': force = true; break;
        default:
            fprintf(stderr, "usage: rm [-rf] PATH...\n");
            return 2;
        }
    }
    if (optind == argc && !force) {
        fprintf(stderr, "usage: rm [-rf] PATH...\n");
        return 2;
    }
    int status = 0;
    for (int i = optind; i < argc; i++)
        if (remove_path(argv[i]) < 0)
            status = 1;
    return status;
}
