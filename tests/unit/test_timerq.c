/* tests/unit/test_timerq.c — kernel/lib/timerq.c against a brute-force model:
 * order, FIFO among equal deadlines, re-arming, cancel, pop by time. */
#include "tests/unit/check.h"
#include "kernel/lib/timerq.h"

#include <stdlib.h>

TEST(empty_queue)
{
    struct timerq q;
    timerq_init(&q);
    CHECK(timerq_next_deadline(&q) == TIMERQ_NEVER);
    CHECK(timerq_pop_expired(&q, UINT64_MAX) == NULL);
    struct timerq_entry e = { 0 };
    timerq_cancel(&q, &e); /* disarmed: harmless */
    CHECK_EQ(q.count, 0);
}

TEST(pops_in_deadline_order_fifo_among_equals)
{
    struct timerq q;
    timerq_init(&q);
    struct timerq_entry e[5] = { 0 };
    timerq_arm(&q, &e[0], 30);
    timerq_arm(&q, &e[1], 10);
    timerq_arm(&q, &e[2], 20);
    timerq_arm(&q, &e[3], 10);
    timerq_arm(&q, &e[4], 40);
    CHECK_EQ(timerq_next_deadline(&q), 10);
    CHECK(timerq_pop_expired(&q, 9) == NULL);
    CHECK(timerq_pop_expired(&q, 10) == &e[1]);
    CHECK(timerq_pop_expired(&q, 10) == &e[3]);
    CHECK(timerq_pop_expired(&q, 10) == NULL);
    CHECK(!e[1].armed && !e[3].armed);
    CHECK(timerq_pop_expired(&q, 35) == &e[2]);
    CHECK(timerq_pop_expired(&q, 35) == &e[0]);
    CHECK_EQ(timerq_next_deadline(&q), 40);
    CHECK_EQ(q.count, 1);
}

TEST(rearm_moves_and_cancel_removes)
{
    struct timerq q;
    timerq_init(&q);
    struct timerq_entry a = { 0 }, b = { 0 }, c = { 0 };
    timerq_arm(&q, &a, 100);
    timerq_arm(&q, &b, 200);
    timerq_arm(&q, &c, 300);
    timerq_arm(&q, &c, 50); /* moves to the front */
    CHECK_EQ(q.count, 3);
    CHECK(q.head == &c);
    timerq_cancel(&q, &a); /* middle */
    CHECK_EQ(q.count, 2);
    CHECK(!a.armed);
    timerq_cancel(&q, &b); /* tail */
    CHECK(q.head == &c && c.next == NULL);
    timerq_cancel(&q, &c); /* head, last */
    CHECK(q.head == NULL && q.count == 0);
}

/* Random operations; after each, the list must be sorted, linked both ways
 * and hold exactly the armed entries, and pops must match the model. */
TEST(random_against_model)
{
    enum { N = 64 };
    struct timerq q;
    timerq_init(&q);
    struct timerq_entry e[N] = { 0 };
    srand(12345);
    uint64_t now = 0;
    for (int step = 0; step < 20000; step++) {
        int i = rand() % N, op = rand() % 4;
        if (op == 0 || op == 1) {
            timerq_arm(&q, &e[i], now + (uint64_t)(rand() % 1000));
        } else if (op == 2) {
            timerq_cancel(&q, &e[i]);
        } else {
            now += (uint64_t)(rand() % 200);
            struct timerq_entry *x;
            uint64_t last = 0;
            while ((x = timerq_pop_expired(&q, now))) {
                CHECK(x->deadline <= now && x->deadline >= last && !x->armed);
                last = x->deadline;
            }
            for (int k = 0; k < N; k++)
                CHECK(!e[k].armed || e[k].deadline > now);
        }
        unsigned armed = 0, linked = 0;
        for (int k = 0; k < N; k++)
            armed += e[k].armed;
        const struct timerq_entry *prev = NULL;
        for (const struct timerq_entry *x = q.head; x; x = x->next) {
            CHECK(x->armed && x->prev == prev);
            CHECK(!prev || prev->deadline <= x->deadline);
            prev = x;
            linked++;
        }
        CHECK_EQ(armed, linked);
        CHECK_EQ(q.count, armed);
        if (check_failed_in_test)
            break;
    }
}

int main(void)
{
    RUN(empty_queue);
    RUN(pops_in_deadline_order_fifo_among_equals);
    RUN(rearm_moves_and_cancel_removes);
    RUN(random_against_model);
    return check_summary();
}
