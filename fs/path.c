/*
 * fs/path.c — see path.h.
 */
#include "fs/path.h"

#include "kernel/abi/errno.h"

bool path_next(const char **p, const char *end, const char **name, size_t *len)
{
    const char *s = *p;
    while (s < end && *s == '/')
        s++;
    if (s == end) {
        *p = s;
        return false;
    }
    const char *e = s;
    while (e < end && *e != '/')
        e++;
    *name = s;
    *len = (size_t)(e - s);
    *p = e;
    return true;
}

bool path_last(const char *path, size_t n, size_t *dir_len, const char **name, size_t *len)
{
    size_t end = n;
    while (end > 0 && path[end - 1] == '/')
        end--;
    size_t start = end;
    while (start > 0 && path[start - 1] != '/')
        start--;
    *dir_len = start;
    *name = path + start;
    *len = end - start;
    return end > 0 && end < n;
}

bool path_is_dot(const char *name, size_t len)
{
    return len == 1 && name[0] == '.';
}

bool path_is_dotdot(const char *name, size_t len)
{
    return len == 2 && name[0] == '.' && name[1] == '.';
}

int path_prepend(char *buf, size_t *start, const char *name, size_t len)
{
    if (*start < len + 1)
        return -ERANGE;
    *start -= len + 1;
    buf[*start] = '/';
    for (size_t i = 0; i < len; i++)
        buf[*start + 1 + i] = name[i];
    return 0;
}
