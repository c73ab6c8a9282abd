/* tests/unit/test_path.c — fs/path.c: taking paths apart without
 * normalizing them (the VFS resolves "." and ".." through directories). */
#include "tests/unit/check.h"
#include "fs/path.h"

#include <errno.h>
#include <string.h>

/* The components of path joined by '|'. */
static const char *components(const char *path)
{
    static char out[128];
    size_t used = 0;
    const char *p = path, *name;
    size_t len;
    while (path_next(&p, path + strlen(path), &name, &len)) {
        if (used)
            out[used++] = '|';
        memcpy(out + used, name, len);
        used += len;
    }
    out[used] = '\0';
    return out;
}

TEST(components_keep_dots)
{
    CHECK_STR(components("/"), "");
    CHECK_STR(components(""), "");
    CHECK_STR(components("a"), "a");
    CHECK_STR(components("//a///b/"), "a|b");
    /* ".." is a component like any other, never cancelled against the
     * one before it: "/tmp/missing/../x" must look at "missing". */
    CHECK_STR(components("/tmp/missing/../x"), "tmp|missing|..|x");
    CHECK_STR(components("./a/./.."), ".|a|.|..");
}

TEST(components_stop_at_end)
{
    const char *path = "ab/cd/ef", *p = path, *name;
    size_t len;
    CHECK(path_next(&p, path + 6, &name, &len));
    CHECK(len == 2 && name == path);
    CHECK(path_next(&p, path + 6, &name, &len));
    CHECK(len == 2 && name == path + 3);
    CHECK(!path_next(&p, path + 6, &name, &len));
}

struct last { bool slash; size_t dir_len; char name[32]; };

static struct last last_of(const char *path)
{
    struct last l;
    const char *name;
    size_t len;
    l.slash = path_last(path, strlen(path), &l.dir_len, &name, &len);
    memcpy(l.name, name, len);
    l.name[len] = '\0';
    return l;
}

TEST(last_component_and_trailing_slash)
{
    struct last l = last_of("/etc/motd");
    CHECK(!l.slash && l.dir_len == 5);
    CHECK_STR(l.name, "motd");
    l = last_of("/etc/motd/");
    CHECK(l.slash && l.dir_len == 5);
    CHECK_STR(l.name, "motd");
    l = last_of("a//b///");
    CHECK(l.slash && l.dir_len == 3);
    CHECK_STR(l.name, "b");
    l = last_of("x");
    CHECK(!l.slash && l.dir_len == 0);
    CHECK_STR(l.name, "x");
    l = last_of("/x");
    CHECK(!l.slash && l.dir_len == 1);
    l = last_of("/");
    CHECK(!l.slash && l.dir_len == 0);
    CHECK_STR(l.name, "");
    l = last_of("///");
    CHECK(!l.slash);
    CHECK_STR(l.name, "");
    l = last_of("/tmp/..");
    CHECK(!l.slash && l.dir_len == 5);
    CHECK_STR(l.name, "..");
}

TEST(dots)
{
    CHECK(path_is_dot(".", 1));
    CHECK(!path_is_dot("..", 2));
    CHECK(!path_is_dot(".a", 2));
    CHECK(path_is_dotdot("..", 2));
    CHECK(!path_is_dotdot("...", 3));
    CHECK(!path_is_dotdot(".", 1));
}

TEST(prepend_builds_backwards)
{
    char buf[8];
    size_t start = sizeof buf - 1;
    buf[start] = '\0';
    CHECK_EQ(path_prepend(buf, &start, "bc", 2), 0);
    CHECK_EQ(path_prepend(buf, &start, "a", 1), 0);
    CHECK_STR(buf + start, "/a/bc");
    /* Two bytes left: "/x" fits exactly, then nothing more does. */
    CHECK_EQ(path_prepend(buf, &start, "xy", 2), -ERANGE);
    CHECK_STR(buf + start, "/a/bc");
    CHECK_EQ(path_prepend(buf, &start, "x", 1), 0);
    CHECK_EQ(start, 0);
    CHECK_STR(buf, "/x/a/bc");
    CHECK_EQ(path_prepend(buf, &start, "", 0), -ERANGE);
    char root[2];
    start = 1;
    root[1] = '\0';
    CHECK_EQ(path_prepend(root, &start, "", 0), 0);
    CHECK_STR(root, "/");
}

int main(void)
{
    RUN(components_keep_dots);
    RUN(components_stop_at_end);
    RUN(last_component_and_trailing_slash);
    RUN(dots);
    RUN(prepend_builds_backwards);
    return check_summary();
}
