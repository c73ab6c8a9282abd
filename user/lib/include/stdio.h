/*
 * <stdio.h> — buffered streams over file descriptors (user/lib/stdio.c).
 *
 * stdin is fully buffered (a terminal's read() returns a line at a time
 * anyway) and reading from it first flushes stdout, so prompts appear;
 * stdout is line-buffered; stderr is unbuffered; fopen()ed streams are fully
 * buffered (BUFSIZ). exit() flushes every stream. The printf family is
 * kernel/lib/fmt.c (see kernel/lib/fmt.h for the conversions: no floating point).
 */
#ifndef _STDIO_H
#define _STDIO_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>
#include "kernel/abi/abi.h"         /* SEEK_SET, SEEK_CUR, SEEK_END */

#define EOF     (-1)
#define BUFSIZ  4096
#define _IOFBF  0               /* fully buffered */
#define _IOLBF  1               /* flushed at each newline */
#define _IONBF  2               /* unbuffered */

typedef struct libc_file FILE;  /* opaque; user/lib/stdio.c */

extern FILE *stdin, *stdout, *stderr;

FILE *fopen(const char *restrict path, const char *restrict mode);
FILE *fdopen(int fd, const char *mode);
int fclose(FILE *f);
int fflush(FILE *f);            /* NULL: every stream */
int setvbuf(FILE *restrict f, char *restrict buf, int mode, size_t size);
int fileno(FILE *f);

size_t fread(void *restrict p, size_t size, size_t n, FILE *restrict f);
size_t fwrite(const void *restrict p, size_t size, size_t n, FILE *restrict f);
int fgetc(FILE *f);
int getc(FILE *f);
int getchar(void);
int ungetc(int c, FILE *f);
char *fgets(char *restrict s, int size, FILE *restrict f);
int fputc(int c, FILE *f);
int putc(int c, FILE *f);
int putchar(int c);
int fputs(const char *restrict s, FILE *restrict f);
int puts(const char *s);

int fseek(FILE *f, long offset, int whence);
long ftell(FILE *f);
void rewind(FILE *f);
int feof(FILE *f);
int ferror(FILE *f);
void clearerr(FILE *f);

__attribute__((format(__printf__, 1, 2)))
int printf(const char *restrict fmt, ...);
__attribute__((format(__printf__, 2, 3)))
int fprintf(FILE *restrict f, const char *restrict fmt, ...);
__attribute__((format(__printf__, 2, 3)))
int sprintf(char *restrict buf, const char *restrict fmt, ...);
__attribute__((format(__printf__, 3, 4)))
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...);
int vprintf(const char *restrict fmt, va_list ap);
int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap);
int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap);
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap);

void perror(const char *s);
int rename(const char *from, const char *to);
int remove(const char *path);

#endif
