/*
 * fs/path.h — turning what a user typed into one canonical absolute path.
 *
 * path_resolve(cwd, path) joins a relative path to the absolute cwd and
 * removes ".", "..", repeated and trailing slashes, lexically (there are no
 * symbolic links, so lexical ".." is exact). ".." at the root stays at the
 * root. The result always starts with '/'; "/" itself is the root.
 * Returns the result's length, or -ENAMETOOLONG when it would not fit in
 * outsize bytes (never truncates), -ENOENT for an empty path. Pure.
 */
#ifndef FS_PATH_H
#define FS_PATH_H

#include <stddef.h>

int path_resolve(const char *cwd, const char *path, char *out, size_t outsize);
/* Splits an absolute canonical path into parent directory and last name
 * (pointers into path; parent_len 1 for "/x"). -EINVAL for "/". */
int path_split(const char *path, size_t *parent_len, const char **name, size_t *name_len);

#endif
