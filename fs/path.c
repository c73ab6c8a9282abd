/*
 * fs/path.c — see path.h. Components are appended to `out` one by one; ".."
 * erases the last appended component by scanning back to its slash.
 */
#include "fs/path.h"

#include "kernel/errno.h"

static int append_components(char *out, size_t outsize, size_t *len, const char *p)
{
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *start = p;
        while (*p && *p != '/')
            p++;
        size_t n = (size_t)(p - start);
        if (n == 1 && start[0] == '.')
            continue;
        if (n == 2 && start[0] == '.' && start[1] == '.') {
            while (*len > 0 && out[*len - 1] != '/')
                (*len)--;
            if (*len > 1)
                (*len)--; /* drop the slash too, unless it is the root */
            if (*len == 0)
                *len = 1;
            continue;
        }
        size_t need = (*len > 1 ? 1 : 0) + n;
        if (*len + need + 1 > outsize)
            return -ENAMETOOLONG;
        if (*len > 1)
            out[(*len)++] = '/';
        for (size_t i = 0; i < n; i++)
            out[(*len)++] = start[i];
    }
    return 0;
}

int path_resolve(const char *cwd, const char *path, char *out, size_t outsize)
{
    if (!path || !*path)
        return -ENOENT;
    if (outsize < 2)
        return -ENAMETOOLONG;
    size_t len = 1;
    out[0] = '/';
    int err = 0;
    if (path[0] != '/' && cwd)
        err = append_components(out, outsize, &len, cwd);
    if (!err)
        err = append_components(out, outsize, &len, path);
    if (err)
        return err;
    out[len] = '\0';
    return (int)len;
}

int path_split(const char *path, size_t *parent_len, const char **name, size_t *name_len)
{
    size_t len = 0;
    while (path[len])
        len++;
    if (len <= 1)
        return -EINVAL;
    size_t slash = len;
    while (slash > 0 && path[slash - 1] != '/')
        slash--;
    *name = path + slash;
    *name_len = len - slash;
    *parent_len = slash > 1 ? slash - 1 : 1;
    return 0;
}
