/*
 * fs/path.h — the text of a path taken apart (pure: no file system).
 *
 * Nothing here normalizes a path. The VFS (fs/vfs.c) resolves a path one
 * component at a time against the real directories: "." and ".." are the
 * entries of the directory reached so far, so "/tmp/missing/.." fails with
 * ENOENT and "/etc/motd/.." with ENOTDIR, as POSIX says. These helpers only
 * split the text and build it back:
 *   path_next()    the next component between *p and end (slashes skipped);
 *   path_last()    the last component, whether slashes follow it (then it
 *                  must be a directory), and the length of what precedes it;
 *   path_is_dot(), path_is_dotdot()   "." and "..";
 *   path_prepend() builds a path from its end, for getcwd's walk upwards.
 */
#ifndef FS_PATH_H
#define FS_PATH_H

#include <stdbool.h>
#include <stddef.h>

/* The component at *p (after any slashes) as (*name, *len), with *p moved
 * past it; false when only slashes are left before end. */
bool path_next(const char **p, const char *end, const char **name, size_t *len);
/* path[0..n): (*name, *len) is the last component (len 0 when the path is
 * empty or only slashes), *dir_len the bytes before it. Returns true when
 * a slash follows the last component ("a/b/"). */
bool path_last(const char *path, size_t n, size_t *dir_len, const char **name, size_t *len);
bool path_is_dot(const char *name, size_t len);
bool path_is_dotdot(const char *name, size_t len);
/* buf[*start..] holds a path being built backwards; puts "/" and name in
 * front of it (just "/" when len is 0) and moves *start. -ERANGE, buf
 * unchanged, when it does not fit. */
int path_prepend(char *buf, size_t *start, const char *name, size_t len);

#endif
