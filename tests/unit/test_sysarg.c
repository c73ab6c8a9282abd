/* tests/unit/test_sysarg.c — kernel/lib/sysarg.c: integer arguments checked at
 * full width (no truncation lets a wrong value through), time values
 * validated and saturated instead of wrapped. */
#include "tests/unit/check.h"
#include "kernel/lib/sysarg.h"

TEST(int_range_is_checked_at_full_width)
{
    int v = 7;
    CHECK_EQ(sysarg_int(5, 0, 10, -99, &v), 0);
    CHECK_EQ(v, 5);
    CHECK_EQ(sysarg_int(0x100000005ULL, 0, 10, -99, &v), -99); /* (int) would be 5 */
    CHECK_EQ(sysarg_int(11, 0, 10, -99, &v), -99);
    CHECK_EQ(sysarg_int((uint64_t)-1, 0, 10, -99, &v), -99);
    CHECK_EQ(v, 5); /* untouched on failure */
    CHECK_EQ(sysarg_pid((uint64_t)-1, &v, -ESRCH), 0); /* sign-extended -1 */
    CHECK_EQ(v, -1);
    CHECK_EQ(sysarg_pid(0xffffffffULL, &v, -ESRCH), -ESRCH); /* -1 zero-extended */
    CHECK_EQ(sysarg_pid(0x100000001ULL, &v, -ESRCH), -ESRCH);
    CHECK_EQ(sysarg_pid((uint64_t)(int64_t)SYSARG_INT_MIN, &v, -ESRCH), 0);
    CHECK_EQ(v, SYSARG_INT_MIN);
    CHECK_EQ(sysarg_fd(3, &v), 0);
    CHECK_EQ(sysarg_fd((uint64_t)-1, &v), -EBADF);
    CHECK_EQ(sysarg_fd(0x8000000000000003ULL, &v), -EBADF);
    CHECK_EQ(sysarg_signal(0, &v), 0);
    CHECK_EQ(sysarg_signal(NSIG - 1, &v), 0);
    CHECK_EQ(sysarg_signal(NSIG, &v), -EINVAL);
    CHECK_EQ(sysarg_signal(0x100000003ULL, &v), -EINVAL);
}

TEST(u32_must_be_zero_extended)
{
    uint32_t u = 0;
    CHECK_EQ(sysarg_u32(0xffffffffULL, &u), 0);
    CHECK_EQ(u, 0xffffffffULL);
    CHECK_EQ(sysarg_u32(0x100000000ULL, &u), -EINVAL);
    CHECK_EQ(sysarg_u32((uint64_t)-1, &u), -EINVAL);
}

TEST(timespec_validates_and_saturates)
{
    uint64_t ns = 1;
    CHECK_EQ(sysarg_timespec_ns(&(struct timespec){ 2, 5 }, &ns), 0);
    CHECK_EQ(ns, 2000000005ULL);
    CHECK_EQ(sysarg_timespec_ns(&(struct timespec){ -1, 0 }, &ns), -EINVAL);
    CHECK_EQ(sysarg_timespec_ns(&(struct timespec){ 0, -1 }, &ns), -EINVAL);
    CHECK_EQ(sysarg_timespec_ns(&(struct timespec){ 0, 1000000000 }, &ns), -EINVAL);
    /* 18446744074 s * 1e9 wraps 2^64 to ~0.29 s: it must saturate. */
    CHECK_EQ(sysarg_timespec_ns(&(struct timespec){ 18446744074LL, 0 }, &ns), 0);
    CHECK(ns == SYSARG_NS_MAX);
    CHECK_EQ(sysarg_timespec_ns(&(struct timespec){ INT64_MAX, 999999999 }, &ns), 0);
    CHECK(ns == SYSARG_NS_MAX);
    /* The largest that fits stays exact. */
    CHECK_EQ(sysarg_timespec_ns(&(struct timespec){ 18446744073LL, 709551615 }, &ns), 0);
    CHECK(ns == UINT64_MAX);
    CHECK_EQ(sysarg_timespec_ns(&(struct timespec){ 18446744073LL, 0 }, &ns), 0);
    CHECK(ns == 18446744073000000000ULL);
}

TEST(timeval_validates_and_saturates)
{
    uint64_t ns = 1;
    CHECK_EQ(sysarg_timeval_ns(&(struct timeval){ 0, 1 }, &ns), 0);
    CHECK_EQ(ns, 1000);
    CHECK_EQ(sysarg_timeval_ns(&(struct timeval){ 0, 1000000 }, &ns), -EINVAL);
    CHECK_EQ(sysarg_timeval_ns(&(struct timeval){ 0, -1 }, &ns), -EINVAL);
    CHECK_EQ(sysarg_timeval_ns(&(struct timeval){ -5, 0 }, &ns), -EINVAL);
    /* tv_sec * 1e9 that wraps to 8 ns in 64 bits saturates instead. */
    uint64_t wrap_sec = (UINT64_MAX / 1000000000ULL) + 1; /* 18446744074 */
    CHECK_EQ(sysarg_timeval_ns(&(struct timeval){ (int64_t)wrap_sec, 0 }, &ns), 0);
    CHECK(ns == SYSARG_NS_MAX);
}

TEST(deadline_saturates)
{
    CHECK_EQ(sysarg_deadline(10, 5), 15);
    CHECK(sysarg_deadline(10, UINT64_MAX) == SYSARG_NS_MAX);
    CHECK(sysarg_deadline(UINT64_MAX - 1, 2) == SYSARG_NS_MAX);
    CHECK(sysarg_deadline(UINT64_MAX - 2, 2) == UINT64_MAX);
}

int main(void)
{
    RUN(int_range_is_checked_at_full_width);
    RUN(u32_must_be_zero_extended);
    RUN(timespec_validates_and_saturates);
    RUN(timeval_validates_and_saturates);
    RUN(deadline_saturates);
    return check_summary();
}
