/*
 * user/lib/stdio.c — FILE streams: buffering over read/write/lseek.
 *
 * A stream's buffer holds either pending output (write_len bytes) or
 * unread input (buf[read_pos..read_len)), never both: switching direction
 * flushes output, or gives buffered input back to the file with lseek.
 * Writes larger than the buffer bypass it when it is empty. Short writes
 * are retried until everything is out or write() fails; on failure the
 * error indicator is set and the unwritten bytes stay in the buffer.
 * Unbuffered streams (_IONBF) use a one-byte buffer for input and write
 * straight through. printf-style output goes through kernel/lib/fmt.c in
 * chunks of PRINTF_CHUNK bytes, so even stderr gets a few write()s per
 * message rather than one per character.
 *
 * Pure apart from read/write/lseek/open/close/malloc/free, which the host
 * unit test replaces with fakes (tests/unit/test_libc_stdio.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/lib/fmt.h"
#include "user/lib/libc_internal.h"

#define STATE_EOF  1u
#define STATE_ERR  2u

struct libc_file {
    int fd;                     /* -1 once closed */
    bool readable, writable;
    bool owns_buf;              /* buf came from malloc */
    bool is_static;             /* stdin/stdout/stderr: never freed */
    int buf_mode;               /* _IOFBF, _IOLBF, _IONBF */
    unsigned state;             /* STATE_EOF | STATE_ERR */
    unsigned char *buf;
    size_t buf_size;
    size_t write_len;           /* pending output: buf[0..write_len) */
    size_t read_pos, read_len;  /* unread input: buf[read_pos..read_len) */
    int unget;                  /* ungetc()'s byte, or -1 */
    unsigned char tiny;         /* the buffer of an unbuffered stream */
    struct libc_file *next;     /* every open stream, for fflush(NULL) */
};

static unsigned char stdin_buf[BUFSIZ], stdout_buf[1024];

static struct libc_file stderr_file = {
    .fd = 2, .writable = true, .is_static = true, .buf_mode = _IONBF,
    .buf = &stderr_file.tiny, .buf_size = 1, .unget = -1, .next = NULL,
};
static struct libc_file stdout_file = {
    .fd = 1, .writable = true, .is_static = true, .buf_mode = _IOLBF,
    .buf = stdout_buf, .buf_size = sizeof stdout_buf, .unget = -1,
    .next = &stderr_file,
};
static struct libc_file stdin_file = {
    .fd = 0, .readable = true, .is_static = true, .buf_mode = _IOFBF,
    .buf = stdin_buf, .buf_size = sizeof stdin_buf, .unget = -1,
    .next = &stdout_file,
};

FILE *stdin = &stdin_file, *stdout = &stdout_file, *stderr = &stderr_file;
static struct libc_file *open_streams = &stdin_file;

/* ---- the file descriptor side ---------------------------------------------- */

/* Writes all of p unless write() fails; returns the bytes written. */
static size_t write_all(FILE *f, const unsigned char *p, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(f->fd, p + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            f->state |= STATE_ERR;
            break;
        }
        done += (size_t)w;
    }
    return done;
}

/* Sends the pending output; what could not be written stays buffered. */
static int flush_output(FILE *f)
{
    if (f->write_len == 0)
        return 0;
    size_t done = write_all(f, f->buf, f->write_len);
    if (done < f->write_len) {
        memmove(f->buf, f->buf + done, f->write_len - done);
        f->write_len -= done;
        return EOF;
    }
    f->write_len = 0;
    return 0;
}

/* Input buffered but not consumed, ungetc's byte included. */
static size_t unread_input(const FILE *f)
{
    return f->read_len - f->read_pos + (f->unget >= 0);
}

/* Before writing: give buffered input back to the file (a seekable one;
 * on a pipe or terminal it is simply dropped). */
static void drop_input(FILE *f)
{
    size_t unread = unread_input(f);
    if (unread)
        lseek(f->fd, -(off_t)unread, SEEK_CUR);
    f->read_pos = f->read_len = 0;
    f->unget = -1;
}

static bool can_write(FILE *f)
{
    if (!f->writable || f->fd < 0) {
        f->state |= STATE_ERR;
        errno = EBADF;
        return false;
    }
    drop_input(f);
    return true;
}

static bool can_read(FILE *f)
{
    if (!f->readable || f->fd < 0) {
        f->state |= STATE_ERR;
        errno = EBADF;
        return false;
    }
    return flush_output(f) == 0;
}

/* Refills an empty input buffer; EOF at end of file or on error. */
static int fill_input(FILE *f)
{
    /* A prompt written without a newline should be seen before we block. */
    if (f == stdin)
        fflush(stdout);
    ssize_t n;
    do {
        n = read(f->fd, f->buf, f->buf_size);
    } while (n < 0 && errno == EINTR);
    f->read_pos = f->read_len = 0;
    if (n <= 0) {
        f->state |= n == 0 ? STATE_EOF : STATE_ERR;
        return EOF;
    }
    f->read_len = (size_t)n;
    return 0;
}

/* ---- opening and closing ----------------------------------------------------- */

/* "r", "w", "a", each optionally with '+', 'b' (ignored) and 'x'. */
static bool parse_mode(const char *mode, int *flags, bool *readable, bool *writable)
{
    bool plus = strchr(mode, '+') != NULL;
    switch (mode[0]) {
    case 'r': *flags = plus ? O_RDWR : O_RDONLY; break;
    case 'w': *flags = (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_TRUNC; break;
    case 'a': *flags = (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_APPEND; break;
    default: errno = EINVAL; return false;
    }
    if (strchr(mode, 'x'))
        *flags |= O_EXCL;
    *readable = mode[0] == 'r' || plus;
    *writable = mode[0] != 'r' || plus;
    return true;
}

static FILE *new_stream(int fd, bool readable, bool writable)
{
    FILE *f = malloc(sizeof *f);
    unsigned char *buf = malloc(BUFSIZ);
    if (!f || !buf) {
        free(f);
        free(buf);
        errno = ENOMEM;
        return NULL;
    }
    memset(f, 0, sizeof *f);
    f->fd = fd;
    f->readable = readable;
    f->writable = writable;
    f->owns_buf = true;
    f->buf_mode = _IOFBF;
    f->buf = buf;
    f->buf_size = BUFSIZ;
    f->unget = -1;
    f->next = open_streams;
    open_streams = f;
    return f;
}

FILE *fopen(const char *restrict path, const char *restrict mode)
{
    int flags;
    bool readable, writable;
    if (!parse_mode(mode, &flags, &readable, &writable))
        return NULL;
    int fd = open(path, flags, 0666);
    if (fd < 0)
        return NULL;
    FILE *f = new_stream(fd, readable, writable);
    if (!f)
        close(fd);
    return f;
}

FILE *fdopen(int fd, const char *mode)
{
    int flags;
    bool readable, writable;
    if (!parse_mode(mode, &flags, &readable, &writable))
        return NULL;
    return new_stream(fd, readable, writable);
}

int fclose(FILE *f)
{
    int result = fflush(f);
    if (f->fd >= 0 && close(f->fd) < 0)
        result = EOF;
    f->fd = -1;
    if (f->is_static)
        return result;
    for (struct libc_file **p = &open_streams; *p; p = &(*p)->next) {
        if (*p == f) {
            *p = f->next;
            break;
        }
    }
    if (f->owns_buf)
        free(f->buf);
    free(f);
    return result;
}

/* Output is flushed; on an input stream fflush does nothing. */
int fflush(FILE *f)
{
    if (!f) {
        int result = 0;
        for (struct libc_file *s = open_streams; s; s = s->next)
            if (s->fd >= 0 && fflush(s) == EOF)
                result = EOF;
        return result;
    }
    return flush_output(f);
}

void stdio_flush_all(void)
{
    fflush(NULL);
}

int setvbuf(FILE *restrict f, char *restrict buf, int mode, size_t size)
{
    if ((mode != _IOFBF && mode != _IOLBF && mode != _IONBF) || flush_output(f) == EOF)
        return EOF;
    drop_input(f);
    unsigned char *new_buf;
    bool owns = false;
    if (mode == _IONBF) {
        new_buf = &f->tiny;
        size = 1;
    } else if (buf && size) {
        new_buf = (unsigned char *)buf;
    } else {
        size = size ? size : BUFSIZ;
        if (!(new_buf = malloc(size)))
            return EOF;
        owns = true;
    }
    if (f->owns_buf)
        free(f->buf);
    f->buf = new_buf;
    f->buf_size = size;
    f->owns_buf = owns;
    f->buf_mode = mode;
    return 0;
}

int fileno(FILE *f) { return f->fd; }

/* ---- writing -------------------------------------------------------------- */

size_t fwrite(const void *restrict p, size_t size, size_t n, FILE *restrict f)
{
    if (size == 0 || n == 0)
        return 0;
    if (n > SIZE_MAX / size) {
        errno = EOVERFLOW;
        return 0;
    }
    if (!can_write(f))
        return 0;
    const unsigned char *src = p;
    size_t total = size * n;
    if (f->buf_mode == _IONBF)
        return write_all(f, src, total) / size;

    size_t done = 0;
    while (done < total) {
        if (f->write_len == 0 && total - done >= f->buf_size) {
            done += write_all(f, src + done, total - done);
            break;
        }
        size_t room = f->buf_size - f->write_len;
        size_t chunk = total - done < room ? total - done : room;
        memcpy(f->buf + f->write_len, src + done, chunk);
        f->write_len += chunk;
        done += chunk;
        if (f->write_len == f->buf_size && flush_output(f) == EOF)
            break;
    }
    if (f->buf_mode == _IOLBF && !(f->state & STATE_ERR) && memchr(src, '\n', done))
        flush_output(f);
    if (f->state & STATE_ERR) {
        /* Count only bytes that left the buffer (an estimate when older
         * output is stuck in it too). */
        done = done > f->write_len ? done - f->write_len : 0;
    }
    return done / size;
}

int fputc(int c, FILE *f)
{
    unsigned char byte = (unsigned char)c;
    return fwrite(&byte, 1, 1, f) == 1 ? byte : EOF;
}

int putc(int c, FILE *f) { return fputc(c, f); }
int putchar(int c) { return fputc(c, stdout); }

int fputs(const char *restrict s, FILE *restrict f)
{
    size_t len = strlen(s);
    return fwrite(s, 1, len, f) == len ? 0 : EOF;
}

int puts(const char *s)
{
    return fputs(s, stdout) == EOF || fputc('\n', stdout) == EOF ? EOF : 0;
}

/* ---- reading -------------------------------------------------------------- */

int fgetc(FILE *f)
{
    if (f->unget >= 0) {
        int c = f->unget;
        f->unget = -1;
        return c;
    }
    if (f->read_pos == f->read_len && (!can_read(f) || fill_input(f) == EOF))
        return EOF;
    return f->buf[f->read_pos++];
}

int getc(FILE *f) { return fgetc(f); }
int getchar(void) { return fgetc(stdin); }

int ungetc(int c, FILE *f)
{
    if (c == EOF || f->unget >= 0)
        return EOF;
    f->unget = (unsigned char)c;
    f->state &= ~STATE_EOF;
    return (unsigned char)c;
}

size_t fread(void *restrict p, size_t size, size_t n, FILE *restrict f)
{
    if (size == 0 || n == 0)
        return 0;
    if (n > SIZE_MAX / size) {
        errno = EOVERFLOW;
        return 0;
    }
    unsigned char *dst = p;
    size_t total = size * n, done = 0;
    if (f->unget >= 0) {
        dst[done++] = (unsigned char)f->unget;
        f->unget = -1;
    }
    while (done < total) {
        size_t buffered = f->read_len - f->read_pos;
        if (buffered) {
            size_t chunk = total - done < buffered ? total - done : buffered;
            memcpy(dst + done, f->buf + f->read_pos, chunk);
            f->read_pos += chunk;
            done += chunk;
            continue;
        }
        if (!can_read(f))
            break;
        if (total - done >= f->buf_size) {
            /* Big reads go straight into the caller's memory. */
            ssize_t r = read(f->fd, dst + done, total - done);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0) {
                f->state |= r == 0 ? STATE_EOF : STATE_ERR;
                break;
            }
            done += (size_t)r;
        } else if (fill_input(f) == EOF) {
            break;
        }
    }
    return done / size;
}

char *fgets(char *restrict s, int size, FILE *restrict f)
{
    if (size <= 0)
        return NULL;
    int i = 0;
    while (i < size - 1) {
        int c = fgetc(f);
        if (c == EOF) {
            if (i == 0 || (f->state & STATE_ERR))
                return NULL;
            break;
        }
        s[i++] = (char)c;
        if (c == '\n')
            break;
    }
    s[i] = '\0';
    return s;
}

/* ---- position and state --------------------------------------------------- */

int fseek(FILE *f, long offset, int whence)
{
    if (flush_output(f) == EOF)
        return -1;
    if (whence == SEEK_CUR)
        offset -= (long)unread_input(f);
    f->read_pos = f->read_len = 0;
    f->unget = -1;
    if (lseek(f->fd, offset, whence) < 0)
        return -1;
    f->state &= ~STATE_EOF;
    return 0;
}

long ftell(FILE *f)
{
    off_t pos = lseek(f->fd, 0, SEEK_CUR);
    if (pos < 0)
        return -1;
    return (long)(pos - (off_t)unread_input(f) + (off_t)f->write_len);
}

void rewind(FILE *f)
{
    fseek(f, 0, SEEK_SET);
    f->state = 0;
}

int feof(FILE *f) { return (f->state & STATE_EOF) != 0; }
int ferror(FILE *f) { return (f->state & STATE_ERR) != 0; }
void clearerr(FILE *f) { f->state = 0; }

/* ---- formatted output (kernel/lib/fmt.c) -------------------------------------- */

#define PRINTF_CHUNK 128

struct printf_sink {
    FILE *f;
    size_t len;
    bool failed;
    char buf[PRINTF_CHUNK];
};

static void sink_flush(struct printf_sink *s)
{
    if (s->len && fwrite(s->buf, 1, s->len, s->f) != s->len)
        s->failed = true;
    s->len = 0;
}

static void sink_put(void *ctx, char c)
{
    struct printf_sink *s = ctx;
    s->buf[s->len++] = c;
    if (s->len == sizeof s->buf)
        sink_flush(s);
}

int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
    struct printf_sink s = { .f = f, .len = 0, .failed = false };
    int n = fmt_vformat(sink_put, &s, fmt, ap);
    sink_flush(&s);
    return s.failed ? -1 : n;
}

int fprintf(FILE *restrict f, const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(f, fmt, ap);
    va_end(ap);
    return n;
}

int vprintf(const char *restrict fmt, va_list ap)
{
    return vfprintf(stdout, fmt, ap);
}

int printf(const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(stdout, fmt, ap);
    va_end(ap);
    return n;
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
{
    return fmt_vsnprintf(buf, size, fmt, ap);
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* C gives sprintf no size; the caller promised the room. */
int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap)
{
    return fmt_vsnprintf(buf, SIZE_MAX, fmt, ap);
}

int sprintf(char *restrict buf, const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vsnprintf(buf, SIZE_MAX, fmt, ap);
    va_end(ap);
    return n;
}

void perror(const char *s)
{
    const char *msg = strerror(errno);
    if (s && *s)
        fprintf(stderr, "%s: %s\n", s, msg);
    else
        fprintf(stderr, "%s\n", msg);
}
