/*
 * tests/unit/test_libc_names.h — forced (-include) into every user/lib
 * source the host unit tests compile (tests/unit/unit.mk: LIBC_HOST_*).
 *
 * The user libc defines malloc, strlen, printf... which glibc (and the
 * sanitizers, which intercept them) define too. Renaming every public libc
 * symbol to ulibc_NAME, in its headers and its sources alike, lets both
 * live in one test binary: a test calls ulibc_strlen and compares with
 * strlen. Test files never include this; they declare what they call in
 * test_libc_host.h. The libc's calls to the system (read, write, lseek,
 * open, close, getdents) and to the heap (malloc, free) become calls to
 * ulibc_read, ulibc_malloc... which test_libc_fakes.c provides.
 */
#ifndef TESTS_UNIT_TEST_LIBC_NAMES_H
#define TESTS_UNIT_TEST_LIBC_NAMES_H

/* Its format(printf, ...) attribute names the printf archetype, which the
 * macro below would turn into an unknown one: read it before the renames.
 * (The libc's own headers spell it __printf__.) */
#include "kernel/lib/fmt.h"

/* <string.h>, <strings.h> */
#define memcpy      ulibc_memcpy
#define memmove     ulibc_memmove
#define memset      ulibc_memset
#define memcmp      ulibc_memcmp
#define memchr      ulibc_memchr
#define strlen      ulibc_strlen
#define strnlen     ulibc_strnlen
#define strcmp      ulibc_strcmp
#define strncmp     ulibc_strncmp
#define strcpy      ulibc_strcpy
#define strncpy     ulibc_strncpy
#define strcat      ulibc_strcat
#define strncat     ulibc_strncat
#define strchr      ulibc_strchr
#define strrchr     ulibc_strrchr
#define strstr      ulibc_strstr
#define strspn      ulibc_strspn
#define strcspn     ulibc_strcspn
#define strpbrk     ulibc_strpbrk
#define strdup      ulibc_strdup
#define strndup     ulibc_strndup
#define strtok_r    ulibc_strtok_r
#define strerror    ulibc_strerror
#define strcasecmp  ulibc_strcasecmp
#define strncasecmp ulibc_strncasecmp
/* <ctype.h> */
#define isalpha     ulibc_isalpha
#define isdigit     ulibc_isdigit
#define isalnum     ulibc_isalnum
#define isspace     ulibc_isspace
#define isupper     ulibc_isupper
#define islower     ulibc_islower
#define isprint     ulibc_isprint
#define isgraph     ulibc_isgraph
#define ispunct     ulibc_ispunct
#define iscntrl     ulibc_iscntrl
#define isxdigit    ulibc_isxdigit
#define isblank     ulibc_isblank
#define toupper     ulibc_toupper
#define tolower     ulibc_tolower
/* <stdlib.h> */
#define strtol      ulibc_strtol
#define strtoul     ulibc_strtoul
#define strtoll     ulibc_strtoll
#define strtoull    ulibc_strtoull
#define atoi        ulibc_atoi
#define atol        ulibc_atol
#define abs         ulibc_abs
#define labs        ulibc_labs
#define llabs       ulibc_llabs
#define qsort       ulibc_qsort
#define bsearch     ulibc_bsearch
#define rand        ulibc_rand
#define srand       ulibc_srand
#define malloc      ulibc_malloc
#define free        ulibc_free
#define calloc      ulibc_calloc
#define realloc     ulibc_realloc
#define getenv      ulibc_getenv
#define atexit      ulibc_atexit
#define exit        ulibc_exit
#define _Exit       ulibc__Exit
#define abort       ulibc_abort
/* <stdio.h> */
#define stdin       ulibc_stdin
#define stdout      ulibc_stdout
#define stderr      ulibc_stderr
#define fopen       ulibc_fopen
#define fdopen      ulibc_fdopen
#define fclose      ulibc_fclose
#define fflush      ulibc_fflush
#define setvbuf     ulibc_setvbuf
#define fileno      ulibc_fileno
#define fread       ulibc_fread
#define fwrite      ulibc_fwrite
#define fgetc       ulibc_fgetc
#define getc        ulibc_getc
#define getchar     ulibc_getchar
#define ungetc      ulibc_ungetc
#define fgets       ulibc_fgets
#define fputc       ulibc_fputc
#define putc        ulibc_putc
#define putchar     ulibc_putchar
#define fputs       ulibc_fputs
#define puts        ulibc_puts
#define fseek       ulibc_fseek
#define ftell       ulibc_ftell
#define rewind      ulibc_rewind
#define feof        ulibc_feof
#define ferror      ulibc_ferror
#define clearerr    ulibc_clearerr
#define printf      ulibc_printf
#define fprintf     ulibc_fprintf
#define sprintf     ulibc_sprintf
#define snprintf    ulibc_snprintf
#define vprintf     ulibc_vprintf
#define vfprintf    ulibc_vfprintf
#define vsprintf    ulibc_vsprintf
#define vsnprintf   ulibc_vsnprintf
#define perror      ulibc_perror
#define rename      ulibc_rename
#define remove      ulibc_remove
/* <unistd.h>, <fcntl.h>, <errno.h> */
#define read        ulibc_read
#define write       ulibc_write
#define close       ulibc_close
#define lseek       ulibc_lseek
#define open        ulibc_open
#define errno       ulibc_errno
#define optarg      ulibc_optarg
#define optind      ulibc_optind
#define opterr      ulibc_opterr
#define optopt      ulibc_optopt
#define getopt      ulibc_getopt
/* <dirent.h> */
#define opendir     ulibc_opendir
#define readdir     ulibc_readdir
#define closedir    ulibc_closedir
#define dirfd       ulibc_dirfd
#define rewinddir   ulibc_rewinddir
#define getdents    ulibc_getdents

#endif
