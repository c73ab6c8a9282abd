/*
 * kernel/lib/cmdline.c — bootargs parsing; see cmdline.h for the syntax.
 */
#include "kernel/lib/cmdline.h"

static bool word_key_is(const char *w, size_t keylen_in_word, const char *key)
{
    size_t i = 0;
    for (; i < keylen_in_word; i++)
        if (key[i] != w[i])
            return false;
    return key[i] == '\0';
}

bool cmdline_find(const char *line, const char *key, const char **value, size_t *len)
{
    if (!line)
        return false;
    const char *p = line;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *w = p;
        size_t klen = 0;
        while (w[klen] && w[klen] != ' ' && w[klen] != '=')
            klen++;
        bool has_value = w[klen] == '=';
        bool is_cmd = has_value && klen == 3 && w[0] == 'c' && w[1] == 'm' && w[2] == 'd';
        const char *v = w + klen + (has_value ? 1 : 0);
        size_t vlen = 0;
        if (is_cmd) {
            while (v[vlen])
                vlen++;
        } else if (has_value) {
            while (v[vlen] && v[vlen] != ' ')
                vlen++;
        }
        if (word_key_is(w, klen, key)) {
            *value = v;
            *len = vlen;
            return true;
        }
        if (is_cmd)
            break; /* nothing follows cmd= */
        p = v + vlen;
    }
    return false;
}

bool cmdline_get(const char *line, const char *key, char *out, size_t outsize)
{
    const char *v;
    size_t len;
    if (!cmdline_find(line, key, &v, &len) || len + 1 > outsize)
        return false;
    for (size_t i = 0; i < len; i++)
        out[i] = v[i];
    out[len] = '\0';
    return true;
}

bool cmdline_parse_uint(const char *s, size_t len, uint64_t max, uint64_t *out)
{
    if (len == 0)
        return false;
    uint64_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9' || n > max / 10)
            return false;
        n = n * 10 + (uint64_t)(s[i] - '0');
    }
    if (n > max)
        return false;
    *out = n;
    return true;
}

bool cmdline_get_uint(const char *line, const char *key, uint64_t max, uint64_t *out)
{
    const char *v;
    size_t len;
    return cmdline_find(line, key, &v, &len) && cmdline_parse_uint(v, len, max, out);
}
