/* tests/unit/test_path.c — fs/path.c: joining and normalizing paths. */
#include "tests/unit/check.h"
#include "fs/path.h"

#include <errno.h>

static const char *res(const char *cwd, const char *path)
{
    static char out[64];
    int n = path_resolve(cwd, path, out, sizeof out);
    return n < 0 ? (n == -ENAMETOOLONG ? "<too long>" : "<error>") : out;
}

TEST(normalizes)
{
    CHECK_STR(res("/", "/"), "/");
    CHECK_STR(res("/", "a"), "/a");
    CHECK_STR(res("/home", "a/b"), "/home/a/b");
    CHECK_STR(res("/home/u", "../x"), "/home/x");
    CHECK_STR(res("/home/u", "../../../x"), "/x");
    CHECK_STR(res("/", ".."), "/");
    CHECK_STR(res("/a/b", "."), "/a/b");
    CHECK_STR(res("/a/b", "./c/./d/"), "/a/b/c/d");
    CHECK_STR(res("/a", "//x///y//"), "/x/y");
    CHECK_STR(res("/a/b", "/c/.."), "/");
    CHECK_STR(res("/a", "..."), "/a/...");
    CHECK_STR(res("/", ""), "<error>");
}

TEST(never_truncates)
{
    char out[8];
    CHECK_EQ(path_resolve("/", "abcdef", out, sizeof out), 7);
    CHECK_EQ(path_resolve("/", "abcdefg", out, sizeof out), -ENAMETOOLONG);
    CHECK_EQ(path_resolve("/abc", "defg", out, sizeof out), -ENAMETOOLONG);
}

TEST(split)
{
    size_t plen, nlen;
    const char *name;
    CHECK_EQ(path_split("/a/b/c", &plen, &name, &nlen), 0);
    CHECK_EQ(plen, 4);
    CHECK(nlen == 1 && name[0] == 'c');
    CHECK_EQ(path_split("/x", &plen, &name, &nlen), 0);
    CHECK_EQ(plen, 1);
    CHECK_EQ(path_split("/", &plen, &name, &nlen), -EINVAL);
}

int main(void)
{
    RUN(normalizes);
    RUN(never_truncates);
    RUN(split);
    return check_summary();
}
