/*
 * kernel/lib/cmdline.h — look up options in the kernel command line (bootargs).
 *
 * Bootargs are words separated by spaces: "key" or "key=value". The word
 * "cmd=" is special: its value is the whole rest of the line, spaces and all
 * (tools/run.py --cmd puts it last), so a shell command line survives intact.
 * Pure: works on the string it is given, copies nothing.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Finds `key`. On success *value points at its value inside `line` (the empty
 * string's position for a bare "key") and *len is the value's length. */
bool cmdline_find(const char *line, const char *key, const char **value, size_t *len);

/* Copies the value of `key` into out (NUL-terminated). False when the key is
 * absent or the value does not fit (never truncates silently). */
bool cmdline_get(const char *line, const char *key, char *out, size_t outsize);

/* The value of `key` as a decimal number 0..max into *out. False when the
 * key is absent or its value is not all digits or exceeds max (*out kept). */
bool cmdline_get_uint(const char *line, const char *key, uint64_t max, uint64_t *out);

/* The decimal number in s[0..len) (all digits, at least one, 0..max) into
 * *out; false otherwise (*out kept). For values made of several numbers. */
bool cmdline_parse_uint(const char *s, size_t len, uint64_t max, uint64_t *out);

#endif
