/*
 * user/fibers.c — the fiber library (<fiber.h>) at work: producers and a
 * consumer sharing a small bounded queue, switching cooperatively.
 *
 *   fibers [ITEMS]    each of two producers makes ITEMS numbers (default
 *                     10); the consumer sums them. Prints the interleaving
 *                     and "total N", exits 0 if the sum is right.
 */
#include <fiber.h>
#include <stdio.h>
#include <stdlib.h>

#define QUEUE_SIZE 4
#define PRODUCERS 2

static int queue[QUEUE_SIZE];
static int head, count;
static int producers_left = PRODUCERS;
static long total;
static int items = 10;

static void producer(void *arg)
{
    int base = (int)(long)arg;
    for (int i = 1; i <= items; i++) {
        while (count == QUEUE_SIZE)
            fiber_yield(); /* full: let the consumer drain it */
        queue[(head + count++) % QUEUE_SIZE] = base + i;
        if (items <= 20)
            printf("fiber %d put %d\n", fiber_self(), base + i);
        fiber_yield();
    }
    producers_left--;
}

static void consumer(void *arg)
{
    (void)arg;
    while (producers_left > 0 || count > 0) {
        while (count == 0 && producers_left > 0)
            fiber_yield(); /* empty: let a producer fill it */
        while (count > 0) {
            int v = queue[head];
            head = (head + 1) % QUEUE_SIZE;
            count--;
            total += v;
            if (items <= 20)
                printf("fiber %d got %d\n", fiber_self(), v);
        }
    }
}

int main(int argc, char **argv)
{
    if (argc > 1)
        items = atoi(argv[1]);
    for (int p = 0; p < PRODUCERS; p++)
        if (fiber_spawn(producer, (void *)(long)(p * 1000)) < 0) {
            fprintf(stderr, "fibers: cannot spawn\n");
            return 1;
        }
    fiber_spawn(consumer, NULL);
    fiber_run();
    long want = 0;
    for (int p = 0; p < PRODUCERS; p++)
        want += (long)p * 1000 * items + (long)items * (items + 1) / 2;
    printf("total %ld (expected %ld)\n", total, want);
    return total == want ? 0 : 1;
}
