/*
 * tests/unit/test_libc_dirent.c — user/lib/dirent.c (opendir, readdir,
 * closedir, rewinddir) over a fake getdents that lays records out the way
 * docs/syscalls.md asks of the kernel (test_libc_fakes.c): every entry
 * comes back once, in order, across several getdents calls; long names
 * and types survive; a corrupt d_reclen ends the walk with EIO instead of
 * a read past the buffer (ASan would see that).
 *
 * The user libc is linked in renamed (test_libc_names.h). Records are read
 * through this mirror of kernel/abi/abi.h's struct dirent (the host's
 * <dirent.h> has its own).
 */
#include "tests/unit/check.h"
#include "tests/unit/test_libc_host.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

struct abi_dirent {
    uint64_t d_ino;
    uint16_t d_reclen;
    uint8_t  d_type;
    char     d_name[];
};
_Static_assert(offsetof(struct abi_dirent, d_name) == 11, "11-byte header");

static char names[FAKE_DIR_MAX][256];

static void make_dir(int count)
{
    fake_reset();
    fake_dir_count = count;
    fake_dir_calls = 0;
    fake_dir_corrupt = 0;
    for (int i = 0; i < count; i++) {
        /* lengths 1..255, every few a maximal NAME_MAX name */
        int len = i % 7 == 0 ? 255 : 1 + (i * 37) % 60;
        for (int k = 0; k < len; k++)
            names[i][k] = (char)('a' + (i + k) % 26);
        names[i][len] = '\0';
        fake_dir_names[i] = names[i];
        fake_dir_types[i] = i % 3 == 0 ? 4 : 8;       /* DT_DIR, DT_REG */
    }
}

TEST(every_entry_once_in_order)
{
    make_dir(300);
    ULIBC_DIR *d = ulibc_opendir("/fake-dir");
    CHECK(d != NULL);
    int seen = 0, bad = 0;
    struct abi_dirent *e;
    while ((e = (struct abi_dirent *)ulibc_readdir(d)) != NULL) {
        bad += strcmp(e->d_name, names[seen]) != 0;
        bad += e->d_ino != 1000u + (unsigned)seen;
        bad += e->d_type != fake_dir_types[seen];
        bad += e->d_reclen % 8 != 0;
        seen++;
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(seen, 300);
    CHECK(fake_dir_calls > 2);      /* it took several getdents calls */
    ulibc_rewinddir(d);
    fake_dir_next = 0;              /* the fake's position follows lseek */
    e = (struct abi_dirent *)ulibc_readdir(d);
    CHECK(e && strcmp(e->d_name, names[0]) == 0);
    CHECK_EQ(ulibc_closedir(d), 0);
    CHECK_EQ(fake_files[FAKE_DIR_FD].closes, 1);
}

TEST(empty_directory_and_missing_one)
{
    make_dir(0);
    ULIBC_DIR *d = ulibc_opendir("/fake-dir");
    CHECK(d != NULL);
    CHECK(ulibc_readdir(d) == NULL);
    ulibc_closedir(d);
    CHECK(ulibc_opendir("/nowhere") == NULL);
    CHECK_EQ(ulibc_errno, ENOENT);
}

TEST(corrupt_record_stops_with_eio)
{
    make_dir(10);
    fake_dir_corrupt = 1;
    ULIBC_DIR *d = ulibc_opendir("/fake-dir");
    CHECK(ulibc_readdir(d) != NULL);
    CHECK(ulibc_readdir(d) != NULL);
    ulibc_errno = 0;
    CHECK(ulibc_readdir(d) == NULL);
    CHECK_EQ(ulibc_errno, EIO);
    ulibc_closedir(d);
}

int main(void)
{
    RUN(every_entry_once_in_order);
    RUN(empty_directory_and_missing_one);
    RUN(corrupt_record_stops_with_eio);
    return check_summary();
}
