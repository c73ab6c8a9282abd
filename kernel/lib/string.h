/*
 * kernel/lib/string.h — the C string/memory functions the kernel provides itself
 * (the compiler may also emit calls to memcpy/memset for struct copies).
 * Same names and semantics as ISO C, so pure modules compiled for the host
 * get the C library's versions instead.
 */
#ifndef KERNEL_STRING_H
#define KERNEL_STRING_H

#ifdef HOST_TEST
#include <string.h>
#else
#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* Copies at most size-1 bytes and always NUL-terminates (size > 0);
 * returns strlen(src), so a result >= size means it was cut short. */
size_t strlcpy(char *dst, const char *src, size_t size);
#endif

#endif
