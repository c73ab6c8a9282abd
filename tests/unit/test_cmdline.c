/* tests/unit/test_cmdline.c — bootargs lookup (kernel/cmdline.c). */
#include "tests/unit/check.h"
#include "kernel/cmdline.h"

static const char *get(const char *line, const char *key)
{
    static char buf[128];
    return cmdline_get(line, key, buf, sizeof buf) ? buf : NULL;
}

TEST(flags_and_values)
{
    const char *line = "selftest  crashtest=fault quiet=1";
    CHECK_STR(get(line, "selftest"), "");
    CHECK_STR(get(line, "crashtest"), "fault");
    CHECK_STR(get(line, "quiet"), "1");
    CHECK(get(line, "crash") == NULL);    /* prefixes do not match */
    CHECK(get(line, "crashtestx") == NULL);
    CHECK(get("", "selftest") == NULL);
    CHECK(get(NULL, "selftest") == NULL);
}

TEST(cmd_takes_rest_of_line)
{
    const char *line = "selftest cmd=echo hi | wc -c > /x; cat /x";
    CHECK_STR(get(line, "cmd"), "echo hi | wc -c > /x; cat /x");
    /* Words inside the command are not options. */
    CHECK(get("cmd=ls selftest", "selftest") == NULL);
    CHECK_STR(get("cmd=", "cmd"), "");
}

TEST(no_silent_truncation)
{
    char small[4];
    CHECK(!cmdline_get("a=12345", "a", small, sizeof small));
    CHECK(cmdline_get("a=123", "a", small, sizeof small));
    CHECK_STR(small, "123");
}

int main(void)
{
    RUN(flags_and_values);
    RUN(cmd_takes_rest_of_line);
    RUN(no_silent_truncation);
    return check_summary();
}
