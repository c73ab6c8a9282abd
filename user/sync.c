/*
 * user/sync.c — sync [FILE...]: without arguments, writes every change
 * still in the kernel's block cache to the disk (sync(2)); with files,
 * fsync(2)s each one. Either way the device has been told to flush, so the
 * changes survive the machine being switched off when sync returns.
 * Status 1 when a file cannot be opened or synced.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        fputs("usage: sync [FILE...]\n", stdout);
        return 0;
    }
    if (argc == 1) {
        sync();
        return 0;
    }
    int status = 0;
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0 || fsync(fd) < 0) {
            fprintf(stderr, "sync: %s: %s\n", argv[i], strerror(errno));
            status = 1;
        }
        if (fd >= 0)
            close(fd);
    }
    return status;
}
