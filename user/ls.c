/*
 * user/ls.c — ls [-l] [-a] [PATH...]: lists each PATH (default "."). A
 * directory's entries are read with opendir/readdir (getdents), sorted by
 * name; names starting with '.' are hidden unless -a. With -l each line is
 * "TYPE+MODE LINKS SIZE NAME" (e.g. "-rw-r--r--  1     1234 motd"). A file
 * PATH is listed as itself. With several PATHs each directory gets a
 * "PATH:" heading. A PATH that does not exist: "ls: PATH: reason",
 * status 1.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool long_format, show_hidden;

static char type_char(uint32_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFDIR: return 'd';
    case S_IFCHR: return 'c';
    case S_IFBLK: return 'b';
    case S_IFIFO: return 'p';
    case S_IFLNK: return 'l';
    case S_IFSOCK: return 's';
    default: return '-';
    }
}

static void print_entry(const char *name, const struct stat *st)
{
    if (!long_format) {
        printf("%s\n", name);
        return;
    }
    static const char rwx[] = "rwxrwxrwx";
    char mode[11];
    mode[0] = type_char(st->st_mode);
    for (int i = 0; i < 9; i++)
        mode[i + 1] = (st->st_mode & (0400u >> i)) ? rwx[i] : '-';
    mode[10] = '\0';
    printf("%s %2u %8ld %s\n", mode, (unsigned)st->st_nlink, (long)st->st_size, name);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists a directory's entries; returns 0 or 1 (an error was reported). */
static int list_directory(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
        return 1;
    }
    size_t count = 0, cap = 32;
    char **names = malloc(cap * sizeof *names);
    struct dirent *e;
    errno = 0;
    while (names && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' && !show_hidden)
            continue;
        if (count == cap) {
            cap *= 2;
            char **bigger = realloc(names, cap * sizeof *names);
            if (!bigger)
                break;
            names = bigger;
        }
        names[count++] = strdup(e->d_name);
    }
    int status = 0;
    if (errno) {
        fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
        status = 1;
    }
    closedir(d);
    if (!names) {
        fprintf(stderr, "ls: out of memory\n");
        return 1;
    }
    qsort(names, count, sizeof *names, compare_names);
    for (size_t i = 0; i < count; i++) {
        if (!names[i])
            continue;
        struct stat st;
        if (long_format) {
            char full[PATH_MAX];
            snprintf(full, sizeof full, "%s/%s", path, names[i]);
            if (stat(full, &st) < 0) {
                fprintf(stderr, "ls: %s: %s\n", full, strerror(errno));
                status = 1;
                free(names[i]);
                continue;
            }
        }
        print_entry(names[i], &st);
        free(names[i]);
    }
    free(names);
    return status;
}

int main(int argc, char **argv)
{
    int opt;
    while ((opt = getopt(argc, argv, "la")) != -1) {
        switch (opt) {
        case 'l': long_format = true; break;
        case 'a': show_hidden = true; break;
        default:
            fprintf(stderr, "usage: ls [-la] [PATH...]\n");
            return 2;
        }
    }
    int n_paths = argc - optind;
    if (n_paths == 0)
        return list_directory(".");
    int status = 0;
    for (int i = optind; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) < 0) {
            fprintf(stderr, "ls: %s: %s\n", argv[i], strerror(errno));
            status = 1;
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            print_entry(argv[i], &st);
            continue;
        }
        if (n_paths > 1)
            printf("%s%s:\n", i > optind ? "\n" : "", argv[i]);
        status |= list_directory(argv[i]);
    }
    return status;
}
