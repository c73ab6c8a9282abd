/* tests/unit/test_cmdline.c — bootargs lookup (kernel/lib/cmdline.c). */
#include "tests/unit/check.h"
#include "kernel/lib/cmdline.h"

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

TEST(a_number_inside_a_value)
{
    /* "80x24": each part parsed on its own, by length, not up to a NUL. */
    uint64_t v = 7;
    CHECK(cmdline_parse_uint("80x24", 2, 999, &v));
    CHECK_EQ(v, 80);
    CHECK(cmdline_parse_uint("80x24" + 3, 2, 999, &v));
    CHECK_EQ(v, 24);
    v = 7;
    CHECK(!cmdline_parse_uint("80x24", 0, 999, &v));       /* empty */
    CHECK(!cmdline_parse_uint("80x24", 3, 999, &v));       /* the x is not a digit */
    CHECK(!cmdline_parse_uint("1000", 4, 999, &v));        /* over max */
    CHECK_EQ(v, 7);                                        /* kept on failure */
}

TEST(unsigned_numbers)
{
    uint64_t v = 7;
    CHECK(cmdline_get_uint("audio_latency_ms=55 x", "audio_latency_ms", 1000, &v));
    CHECK_EQ(v, 55);
    CHECK(cmdline_get_uint("n=0", "n", 1000, &v));
    CHECK_EQ(v, 0);
    CHECK(cmdline_get_uint("n=1000", "n", 1000, &v));
    CHECK_EQ(v, 1000);
    v = 7;
    CHECK(!cmdline_get_uint("n=1001", "n", 1000, &v));      /* over max */
    CHECK(!cmdline_get_uint("n=99999999999999999999999", "n", 1000, &v));
    CHECK(!cmdline_get_uint("n=5ms", "n", 1000, &v));       /* not all digits */
    CHECK(!cmdline_get_uint("n=-5", "n", 1000, &v));
    CHECK(!cmdline_get_uint("n= 5", "n", 1000, &v));        /* empty value */
    CHECK(!cmdline_get_uint("n", "n", 1000, &v));
    CHECK(!cmdline_get_uint("m=5", "n", 1000, &v));         /* absent */
    CHECK_EQ(v, 7);                                         /* kept on failure */
    /* The first occurrence wins (run.py puts --append's words first). */
    CHECK(cmdline_get_uint("n=30 n=5", "n", 1000, &v));
    CHECK_EQ(v, 30);
}

int main(void)
{
    RUN(flags_and_values);
    RUN(cmd_takes_rest_of_line);
    RUN(no_silent_truncation);
    RUN(a_number_inside_a_value);
    RUN(unsigned_numbers);
    return check_summary();
}
