/*
 * tests/unit/test_libc_stdio.c — user/lib/stdio.c over fake file
 * descriptors (test_libc_fakes.c: memory files that can return short
 * counts or fail): what reaches write() and when (line buffering of
 * stdout, unbuffered stderr, full buffering, fflush, bypass of large
 * writes), short and failing writes, reading lines and blocks with short
 * reads, ungetc, seeking, stdin flushing stdout, and printf formatting
 * (kernel/lib/fmt.c) through the stream layer.
 *
 * The user libc is linked in renamed (test_libc_names.h): ulibc_printf is
 * its printf, ulibc_stdout its stdout, and so on.
 */
#include "tests/unit/check.h"
#include "tests/unit/test_libc_host.h"

#include <errno.h>
#include <stdlib.h>

#define U_IOFBF 0       /* the libc's <stdio.h> values */
#define U_IOLBF 1
#define U_IONBF 2
#define U_BUFSIZ 4096

/* The bytes written to fd so far, as a string. */
static const char *written(int fd)
{
    static char text[FAKE_FILE_SIZE + 1];
    memcpy(text, fake_files[fd].data, fake_files[fd].size);
    text[fake_files[fd].size] = '\0';
    return text;
}

TEST(stdout_is_line_buffered)
{
    fake_reset();
    ulibc_printf("abc");
    ulibc_fputs("def", ulibc_stdout);
    CHECK_EQ(fake_files[1].writes, 0);
    ulibc_printf("%d-%s\n", 42, "x");
    CHECK_EQ(fake_files[1].writes, 1);
    CHECK_STR(written(1), "abcdef42-x\n");
    ulibc_puts("line");
    ulibc_putchar('!');
    CHECK_EQ(fake_files[1].writes, 2);
    ulibc_fflush(ulibc_stdout);
    CHECK_EQ(fake_files[1].writes, 3);
    CHECK_STR(written(1), "abcdef42-x\nline\n!");
}

TEST(stderr_is_unbuffered_but_not_per_character)
{
    fake_reset();
    ulibc_fprintf(ulibc_stderr, "error %d: %s\n", 7, "bad");
    CHECK_EQ(fake_files[2].writes, 1);      /* one message, one write */
    CHECK_STR(written(2), "error 7: bad\n");
    ulibc_fputc('x', ulibc_stderr);
    CHECK_EQ(fake_files[2].writes, 2);
    char long_arg[301];
    memset(long_arg, 'L', 300);
    long_arg[300] = '\0';
    ulibc_fprintf(ulibc_stderr, "%s", long_arg);
    CHECK(fake_files[2].writes <= 2 + 3);   /* 128-byte chunks */
    CHECK_EQ(fake_files[2].size, 13 + 1 + 300);
    ulibc_errno = ENOENT;
    ulibc_perror("open");
    CHECK(strstr(written(2), "open: No such file or directory\n") != NULL);
}

TEST(full_buffering_flush_and_bypass)
{
    fake_reset();
    ULIBC_FILE *f = ulibc_fdopen(3, "w");
    CHECK(f != NULL);
    for (int i = 0; i < 100; i++)
        ulibc_fprintf(f, "%03d\n", i);
    CHECK_EQ(fake_files[3].writes, 0);      /* 400 bytes: still buffered */
    CHECK_EQ(ulibc_fflush(f), 0);
    CHECK_EQ(fake_files[3].writes, 1);
    CHECK_EQ(fake_files[3].size, 400);
    CHECK(memcmp(fake_files[3].data + 396, "099\n", 4) == 0);
    /* Filling the buffer exactly writes it out once. */
    static char block[3 * U_BUFSIZ];
    memset(block, 'b', sizeof block);
    CHECK_EQ(ulibc_fwrite(block, 1, U_BUFSIZ - 1, f), U_BUFSIZ - 1);
    CHECK_EQ(fake_files[3].writes, 1);
    CHECK_EQ(ulibc_fwrite(block, 1, 2, f), 2);
    CHECK_EQ(fake_files[3].writes, 2);      /* full buffer went out */
    ulibc_fflush(f);
    CHECK_EQ(fake_files[3].writes, 3);
    /* A write bigger than the buffer, with the buffer empty: one write. */
    CHECK_EQ(ulibc_fwrite(block, 1, sizeof block, f), sizeof block);
    CHECK_EQ(fake_files[3].writes, 4);
    CHECK_EQ(fake_files[3].size, 400 + U_BUFSIZ + 1 + sizeof block);
    CHECK_EQ(ulibc_fclose(f), 0);
    CHECK_EQ(fake_files[3].closes, 1);
}

TEST(short_writes_are_completed)
{
    fake_reset();
    fake_files[3].max_io = 7;
    ULIBC_FILE *f = ulibc_fdopen(3, "w");
    static char data[10000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (char)('a' + i % 26);
    CHECK_EQ(ulibc_fwrite(data, 10, 1000, f), 1000);
    ulibc_fputs("tail", f);
    CHECK_EQ(ulibc_fclose(f), 0);
    CHECK_EQ(fake_files[3].size, 10004);
    CHECK(memcmp(fake_files[3].data, data, sizeof data) == 0);
    CHECK(memcmp(fake_files[3].data + 10000, "tail", 4) == 0);
    CHECK(fake_files[3].writes >= 10004 / 7);
}

TEST(write_errors_set_the_indicator)
{
    fake_reset();
    fake_files[3].fail_after = 2;           /* the first write works */
    fake_files[3].fail_errno = EIO;
    ULIBC_FILE *f = ulibc_fdopen(3, "w");
    ulibc_setvbuf(f, NULL, U_IONBF, 0);
    CHECK_EQ(ulibc_fputs("ok", f), 0);
    CHECK(!ulibc_ferror(f));
    CHECK_EQ(ulibc_fputs("lost", f), -1);
    CHECK(ulibc_ferror(f));
    CHECK_EQ(ulibc_errno, EIO);
    CHECK_EQ(ulibc_fprintf(f, "%d", 5), -1);
    ulibc_clearerr(f);
    CHECK(!ulibc_ferror(f));
    /* Buffered: the failure shows at the flush, and the data stays. */
    ULIBC_FILE *g = ulibc_fdopen(4, "w");
    fake_files[4].fail_after = 1;
    fake_files[4].fail_errno = ENOSPC;
    CHECK_EQ(ulibc_fputs("pending", g), 0);
    CHECK_EQ(ulibc_fflush(g), -1);
    CHECK(ulibc_ferror(g));
    fake_files[4].fail_after = 0;           /* the device recovers */
    CHECK_EQ(ulibc_fflush(g), 0);
    CHECK_STR(written(4), "pending");
    ulibc_fclose(f);
    ulibc_fclose(g);
}

TEST(reading_lines_and_blocks)
{
    fake_reset();
    const char text[] = "line one\nline two\nlast";
    fake_set_input(3, text, sizeof text - 1);
    fake_files[3].max_io = 5;               /* short reads */
    ULIBC_FILE *f = ulibc_fdopen(3, "r");
    char buf[64];
    CHECK(ulibc_fgets(buf, sizeof buf, f) == buf);
    CHECK_STR(buf, "line one\n");
    CHECK(ulibc_fgets(buf, 6, f) == buf);   /* limited by size */
    CHECK_STR(buf, "line ");
    CHECK(ulibc_fgets(buf, sizeof buf, f) == buf);
    CHECK_STR(buf, "two\n");
    CHECK(!ulibc_feof(f));
    CHECK(ulibc_fgets(buf, sizeof buf, f) == buf);
    CHECK_STR(buf, "last");
    CHECK(ulibc_feof(f));
    CHECK(ulibc_fgets(buf, sizeof buf, f) == NULL);
    CHECK_EQ(ulibc_fgetc(f), -1);
    ulibc_fclose(f);

    /* fread: a large block (straight into the caller's memory) and the
     * small remainder through the buffer; element counting. */
    static char big[3 * U_BUFSIZ + 10], back[sizeof big];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)(i * 31);
    fake_set_input(5, big, sizeof big);
    f = ulibc_fdopen(5, "r");
    CHECK_EQ(ulibc_fread(back, 1, 10, f), 10);
    CHECK_EQ(ulibc_fread(back + 10, 3 * U_BUFSIZ, 1, f), 1);
    CHECK_EQ(ulibc_fread(back, 4, 100, f), 0);  /* nothing left */
    CHECK(ulibc_feof(f));
    CHECK(memcmp(back + 10, big + 10, 3 * U_BUFSIZ) == 0);
    ulibc_fclose(f);
}

TEST(ungetc_and_seek)
{
    fake_reset();
    fake_set_input(3, "xyz", 3);
    ULIBC_FILE *f = ulibc_fdopen(3, "r+");
    CHECK_EQ(ulibc_fgetc(f), 'x');
    CHECK_EQ(ulibc_ungetc('Q', f), 'Q');
    CHECK_EQ(ulibc_ungetc('R', f), -1);     /* one byte of push-back */
    CHECK_EQ(ulibc_ftell(f), 0);
    CHECK_EQ(ulibc_fgetc(f), 'Q');
    CHECK_EQ(ulibc_fgetc(f), 'y');
    CHECK_EQ(ulibc_ftell(f), 2);
    /* Writing after reading lands at the logical position. */
    CHECK_EQ(ulibc_fputc('Z', f), 'Z');
    CHECK_EQ(ulibc_ftell(f), 3);
    CHECK_EQ(ulibc_fseek(f, 0, 0), 0);
    char buf[8] = "";
    CHECK_EQ(ulibc_fread(buf, 1, 7, f), 3);
    CHECK_STR(buf, "xyZ");
    CHECK_EQ(ulibc_fseek(f, -2, 2), 0);     /* SEEK_END */
    CHECK_EQ(ulibc_fgetc(f), 'y');
    CHECK_EQ(ulibc_fseek(f, -1, 1), 0);     /* SEEK_CUR, with input buffered */
    CHECK_EQ(ulibc_fgetc(f), 'y');
    ulibc_fclose(f);
}

TEST(reading_stdin_flushes_stdout)
{
    fake_reset();
    fake_set_input(0, "yes\nno\n", 7);
    fake_files[0].tty_line_reads = 1;
    ulibc_printf("continue? ");
    CHECK_EQ(fake_files[1].writes, 0);
    char buf[16];
    CHECK(ulibc_fgets(buf, sizeof buf, ulibc_stdin) != NULL);
    CHECK_STR(buf, "yes\n");
    CHECK_STR(written(1), "continue? ");
    CHECK_EQ(fake_files[0].reads, 1);       /* a terminal gives one line */
    CHECK(ulibc_fgets(buf, sizeof buf, ulibc_stdin) != NULL);
    CHECK_STR(buf, "no\n");
}

TEST(fflush_null_and_unbuffered_streams)
{
    fake_reset();
    ULIBC_FILE *a = ulibc_fdopen(3, "w"), *b = ulibc_fdopen(4, "a");
    ulibc_fputs("to a", a);
    ulibc_fputs("to b", b);
    ulibc_printf("to stdout");
    CHECK_EQ(fake_files[3].size + fake_files[4].size + fake_files[1].size, 0);
    CHECK_EQ(ulibc_fflush(NULL), 0);
    CHECK_STR(written(3), "to a");
    CHECK_STR(written(4), "to b");
    CHECK_STR(written(1), "to stdout");
    CHECK_EQ(ulibc_setvbuf(a, NULL, U_IONBF, 0), 0);
    ulibc_fputc('1', a);
    ulibc_fputc('2', a);
    CHECK_EQ(fake_files[3].writes, 3);
    static char mine[16];
    CHECK_EQ(ulibc_setvbuf(b, mine, U_IOFBF, sizeof mine), 0);
    ulibc_fputs("0123456789abcdefXY", b);   /* 18 bytes in a 16-byte buffer */
    CHECK_EQ(fake_files[4].writes, 2);
    ulibc_fclose(a);
    ulibc_fclose(b);
    CHECK_STR(written(4), "to b0123456789abcdefXY");
    /* Reading a write-only stream is an error, not a crash. */
    ULIBC_FILE *w = ulibc_fdopen(5, "w");
    CHECK_EQ(ulibc_fgetc(w), -1);
    CHECK(ulibc_ferror(w));
    ulibc_fclose(w);
    CHECK(ulibc_fopen("/no/such/file", "r") == NULL);
    CHECK_EQ(ulibc_errno, ENOENT);
    CHECK(ulibc_fdopen(3, "q") == NULL);
    CHECK_EQ(ulibc_errno, EINVAL);
}

TEST(sprintf_family)
{
    char buf[64];
    CHECK_EQ(ulibc_snprintf(buf, sizeof buf, "%s=%5d|%-4x|%c", "k", -12, 0xab, 'z'), 14);
    CHECK_STR(buf, "k=  -12|ab  |z");
    CHECK_EQ(ulibc_snprintf(buf, 5, "%s", "truncated"), 9);
    CHECK_STR(buf, "trun");
    CHECK_EQ(ulibc_sprintf(buf, "%lu %p", 18446744073709551615UL, (void *)0x10), 39);
    CHECK_STR(buf, "18446744073709551615 0x0000000000000010");
}

int main(void)
{
    RUN(stdout_is_line_buffered);
    RUN(stderr_is_unbuffered_but_not_per_character);
    RUN(full_buffering_flush_and_bypass);
    RUN(short_writes_are_completed);
    RUN(write_errors_set_the_indicator);
    RUN(reading_lines_and_blocks);
    RUN(ungetc_and_seek);
    RUN(reading_stdin_flushes_stdout);
    RUN(fflush_null_and_unbuffered_streams);
    RUN(sprintf_family);
    return check_summary();
}
