/*
 * tests/unit/test_libc_host.h — what the libc host tests see of the user
 * libc: the ulibc_-renamed functions they call (test_libc_names.h explains
 * the renaming) and the controls of the fake system (test_libc_fakes.c).
 * Included by test files after the host's own headers; user/lib's headers
 * are never included here, so FILE is opaque (struct libc_file).
 * The prototypes must match user/lib/include; the libc sources themselves
 * are compiled against those headers.
 */
#ifndef TESTS_UNIT_TEST_LIBC_HOST_H
#define TESTS_UNIT_TEST_LIBC_HOST_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct libc_file ULIBC_FILE;

extern int ulibc_errno;

void *ulibc_memcpy(void *restrict dst, const void *restrict src, size_t n);
void *ulibc_memmove(void *dst, const void *src, size_t n);
void *ulibc_memset(void *dst, int c, size_t n);
int ulibc_memcmp(const void *a, const void *b, size_t n);
void *ulibc_memchr(const void *s, int c, size_t n);
size_t ulibc_strlen(const char *s);
size_t ulibc_strnlen(const char *s, size_t max);
int ulibc_strcmp(const char *a, const char *b);
int ulibc_strncmp(const char *a, const char *b, size_t n);
char *ulibc_strcpy(char *restrict dst, const char *restrict src);
char *ulibc_strncpy(char *restrict dst, const char *restrict src, size_t n);
char *ulibc_strcat(char *restrict dst, const char *restrict src);
char *ulibc_strncat(char *restrict dst, const char *restrict src, size_t n);
char *ulibc_strchr(const char *s, int c);
char *ulibc_strrchr(const char *s, int c);
char *ulibc_strstr(const char *haystack, const char *needle);
size_t ulibc_strspn(const char *s, const char *accept);
size_t ulibc_strcspn(const char *s, const char *reject);
char *ulibc_strpbrk(const char *s, const char *accept);
char *ulibc_strdup(const char *s);
char *ulibc_strndup(const char *s, size_t n);
char *ulibc_strtok_r(char *restrict s, const char *restrict delim, char **restrict save);
char *ulibc_strerror(int errnum);
int ulibc_strcasecmp(const char *a, const char *b);
int ulibc_strncasecmp(const char *a, const char *b, size_t n);

int ulibc_isalpha(int c);
int ulibc_isdigit(int c);
int ulibc_isalnum(int c);
int ulibc_isspace(int c);
int ulibc_isupper(int c);
int ulibc_islower(int c);
int ulibc_isprint(int c);
int ulibc_isgraph(int c);
int ulibc_ispunct(int c);
int ulibc_iscntrl(int c);
int ulibc_isxdigit(int c);
int ulibc_isblank(int c);
int ulibc_toupper(int c);
int ulibc_tolower(int c);

long ulibc_strtol(const char *restrict s, char **restrict end, int base);
unsigned long ulibc_strtoul(const char *restrict s, char **restrict end, int base);
long long ulibc_strtoll(const char *restrict s, char **restrict end, int base);
unsigned long long ulibc_strtoull(const char *restrict s, char **restrict end, int base);
int ulibc_atoi(const char *s);
void ulibc_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void *ulibc_bsearch(const void *key, const void *base, size_t n, size_t size,
                    int (*cmp)(const void *, const void *));

extern char *ulibc_optarg;
extern int ulibc_optind, ulibc_opterr, ulibc_optopt;
int ulibc_getopt(int argc, char *const argv[], const char *optstring);

extern ULIBC_FILE *ulibc_stdin, *ulibc_stdout, *ulibc_stderr;
ULIBC_FILE *ulibc_fdopen(int fd, const char *mode);
ULIBC_FILE *ulibc_fopen(const char *restrict path, const char *restrict mode);
int ulibc_fclose(ULIBC_FILE *f);
int ulibc_fflush(ULIBC_FILE *f);
int ulibc_setvbuf(ULIBC_FILE *restrict f, char *restrict buf, int mode, size_t size);
size_t ulibc_fread(void *restrict p, size_t size, size_t n, ULIBC_FILE *restrict f);
size_t ulibc_fwrite(const void *restrict p, size_t size, size_t n, ULIBC_FILE *restrict f);
int ulibc_fgetc(ULIBC_FILE *f);
int ulibc_ungetc(int c, ULIBC_FILE *f);
char *ulibc_fgets(char *restrict s, int size, ULIBC_FILE *restrict f);
int ulibc_fputc(int c, ULIBC_FILE *f);
int ulibc_fputs(const char *restrict s, ULIBC_FILE *restrict f);
int ulibc_puts(const char *s);
int ulibc_putchar(int c);
int ulibc_fseek(ULIBC_FILE *f, long offset, int whence);
long ulibc_ftell(ULIBC_FILE *f);
int ulibc_feof(ULIBC_FILE *f);
int ulibc_ferror(ULIBC_FILE *f);
void ulibc_clearerr(ULIBC_FILE *f);
int ulibc_printf(const char *restrict fmt, ...);
int ulibc_fprintf(ULIBC_FILE *restrict f, const char *restrict fmt, ...);
int ulibc_sprintf(char *restrict buf, const char *restrict fmt, ...);
int ulibc_snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...);
void ulibc_perror(const char *s);

typedef struct libc_dir ULIBC_DIR;
struct dirent;      /* kernel/abi/abi.h's; tests read records through their own copy */
ULIBC_DIR *ulibc_opendir(const char *path);
struct dirent *ulibc_readdir(ULIBC_DIR *d);
int ulibc_closedir(ULIBC_DIR *d);
void ulibc_rewinddir(ULIBC_DIR *d);

/* ---- the fake system (test_libc_fakes.c) ----------------------------------
 * File descriptors 0..FAKE_FDS-1 are memory files: writes append at the
 * file position (growing the file), reads return what is there. Each fd
 * records how many read/write calls it saw, can be limited to at most
 * max_io bytes per call (0 = no limit) and can be made to fail every call
 * from the fail_after-th on (0 = never), with errno fail_errno. */
#define FAKE_FDS        8
#define FAKE_FILE_SIZE  65536

struct fake_file {
    unsigned char data[FAKE_FILE_SIZE];
    size_t size, pos;
    int open;
    int seekable;           /* else lseek fails with ESPIPE (a pipe, a tty) */
    int tty_line_reads;     /* reads stop after a '\n', as a terminal's do */
    size_t max_io;
    int fail_after, fail_errno;
    int reads, writes, closes;
};

extern struct fake_file fake_files[FAKE_FDS];

/* The one directory: open("/fake-dir") returns FAKE_DIR_FD, and getdents
 * on it returns records for fake_dir_names[0..fake_dir_count) (types
 * fake_dir_types), as many whole records as fit per call; with
 * fake_dir_corrupt set, the third record claims a too-large d_reclen. */
#define FAKE_DIR_FD     6
#define FAKE_DIR_MAX    400
extern const char *fake_dir_names[FAKE_DIR_MAX];
extern unsigned char fake_dir_types[FAKE_DIR_MAX];
extern int fake_dir_count, fake_dir_next, fake_dir_calls, fake_dir_corrupt;
/* Resets every fake file: empty, open, seekable, no limits. */
void fake_reset(void);
/* Sets fd's contents (and rewinds it). */
void fake_set_input(int fd, const char *data, size_t n);

#endif
