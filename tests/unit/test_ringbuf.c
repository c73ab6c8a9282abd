/* tests/unit/test_ringbuf.c — kernel/lib/ringbuf.c against a simple FIFO model. */
#include "tests/unit/check.h"
#include "kernel/lib/ringbuf.h"

#include <stdlib.h>

TEST(init_rejects_bad_capacity)
{
    struct ringbuf rb;
    uint8_t s[12];
    CHECK_EQ(ringbuf_init(&rb, s, 12), -1);
    CHECK_EQ(ringbuf_init(&rb, s, 0), -1);
    CHECK_EQ(ringbuf_init(&rb, s, 8), 0);
}

TEST(fill_drain_wrap)
{
    struct ringbuf rb;
    uint8_t s[8];
    ringbuf_init(&rb, s, 8);
    CHECK_EQ(ringbuf_get(&rb), -1);
    for (int i = 0; i < 8; i++)
        CHECK_EQ(ringbuf_put(&rb, (uint8_t)i), 0);
    CHECK_EQ(ringbuf_put(&rb, 99), -1); /* full: nothing overwritten */
    CHECK_EQ(ringbuf_used(&rb), 8);
    for (int i = 0; i < 5; i++)
        CHECK_EQ(ringbuf_get(&rb), i);
    CHECK_EQ(ringbuf_write(&rb, "abcdefgh", 8), 5); /* only 5 fit; wraps */
    uint8_t out[16];
    CHECK_EQ(ringbuf_read(&rb, out, 16), 8);
    CHECK(memcmp(out, "\x05\x06\x07" "abcde", 8) == 0);
}

TEST(random_against_model)
{
    struct ringbuf rb;
    uint8_t s[64];
    ringbuf_init(&rb, s, 64);
    uint8_t model[1 << 16];
    size_t mhead = 0, mtail = 0;
    uint8_t next = 0;
    for (int step = 0; step < 100000; step++) {
        uint64_t r = check_rng();
        size_t n = (r >> 16) % 80;
        uint8_t buf[80];
        if (r & 1) {
            for (size_t i = 0; i < n; i++)
                buf[i] = next++;
            size_t w = ringbuf_write(&rb, buf, n);
            size_t room = 64 - (mhead - mtail);
            CHECK_EQ(w, n < room ? n : room);
            for (size_t i = 0; i < w; i++)
                model[(mhead++) & 0xffff] = buf[i];
            next = (uint8_t)(next - (n - w)); /* unwritten bytes are offered again */
        } else {
            size_t r = ringbuf_read(&rb, buf, n);
            size_t have = mhead - mtail;
            CHECK_EQ(r, n < have ? n : have);
            for (size_t i = 0; i < r; i++)
                CHECK_EQ(buf[i], model[(mtail++) & 0xffff]);
        }
        CHECK_EQ(ringbuf_used(&rb), mhead - mtail);
        if (check_failed_in_test)
            break;
    }
}

int main(void)
{
    RUN(init_rejects_bad_capacity);
    RUN(fill_drain_wrap);
    RUN(random_against_model);
    return check_summary();
}
