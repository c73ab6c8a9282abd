/*
 * user/procbench.c — process-feature timings measured in the guest, for
 * tests/bench/bench_proc.py. Prints "name value unit" lines:
 *
 *   fork_exit_wait_small   fork + child _exit + waitpid, small process
 *   fork_exit_wait_8mb     the same with 8 MiB of touched heap
 *   fork_write_8mb         ... and the child writes every heap page
 *   signal_roundtrip       kill(self) + handler + sigreturn
 *   signal_pingpong        SIGUSR1 to a child and back (two processes)
 *   swapcontext            one switch (ucontext)
 *   alarm_late_max/avg     how late 20 ms ITIMER_REAL expiries come
 *
 * Whether fork shares pages copy-on-write or copies them is the kernel's
 * choice (bootarg nocow); the bench boots both ways.
 */
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t forks_per_second(int n, char *heap, size_t heap_size, int child_writes)
{
    uint64_t t0 = now_ns();
    for (int i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            exit(1);
        }
        if (pid == 0) {
            if (child_writes)
                for (size_t off = 0; off < heap_size; off += 4096)
                    heap[off] = 1;
            _exit(0);
        }
        waitpid(pid, NULL, 0);
    }
    return (uint64_t)n * 1000000000ULL / (now_ns() - t0);
}

static volatile int hits;
static void on_usr1(int sig)
{
    (void)sig;
    hits++;
}

static ucontext_t main_ctx, other_ctx;
static void bounce(void)
{
    for (;;)
        swapcontext(&other_ctx, &main_ctx);
}

static volatile int alarms;
static uint64_t late_sum, late_max, expected_next;
static void on_alarm(int sig)
{
    (void)sig;
    uint64_t t = now_ns();
    uint64_t late = t > expected_next ? t - expected_next : 0;
    late_sum += late;
    if (late > late_max)
        late_max = late;
    expected_next += 20000000ULL;
    alarms++;
}

int main(void)
{
    printf("fork_exit_wait_small %lu per_s\n",
           (unsigned long)forks_per_second(300, NULL, 0, 0));
    size_t heap_size = 8u << 20;
    char *heap = malloc(heap_size);
    if (!heap)
        return 1;
    memset(heap, 7, heap_size);
    printf("fork_exit_wait_8mb %lu per_s\n",
           (unsigned long)forks_per_second(60, heap, heap_size, 0));
    printf("fork_write_8mb %lu per_s\n",
           (unsigned long)forks_per_second(30, heap, heap_size, 1));
    free(heap);

    struct sigaction sa = { .sa_handler = (uintptr_t)on_usr1 };
    sigaction(SIGUSR1, &sa, NULL);
    int n = 20000;
    uint64_t t0 = now_ns();
    for (int i = 0; i < n; i++)
        kill(getpid(), SIGUSR1);
    uint64_t t1 = now_ns();
    printf("signal_roundtrip %lu ns\n", (unsigned long)((t1 - t0) / (uint64_t)n));

    /* Ping-pong: parent and child each yield until their handler has
     * counted the other's SIGUSR1, then answer. */
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        int seen = 0;
        for (;;) {
            while (hits == seen)
                sched_yield();
            seen = hits;
            kill(parent, SIGUSR1);
        }
    }
    int rounds = 2000;
    hits = 0;
    t0 = now_ns();
    for (int i = 0; i < rounds; i++) {
        int seen = hits;
        kill(child, SIGUSR1);
        while (hits == seen)
            sched_yield();
    }
    t1 = now_ns();
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    printf("signal_pingpong %lu ns\n", (unsigned long)((t1 - t0) / (uint64_t)rounds));

    static char stack[16384];
    getcontext(&other_ctx);
    other_ctx.uc_stack.ss_sp = stack;
    other_ctx.uc_stack.ss_size = sizeof stack;
    makecontext(&other_ctx, bounce, 0);
    n = 200000;
    t0 = now_ns();
    for (int i = 0; i < n; i++)
        swapcontext(&main_ctx, &other_ctx);
    t1 = now_ns();
    printf("swapcontext %lu ns\n", (unsigned long)((t1 - t0) / (2ULL * (uint64_t)n)));

    struct sigaction sa_alarm = { .sa_handler = (uintptr_t)on_alarm };
    sigaction(SIGALRM, &sa_alarm, NULL);
    struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
    expected_next = now_ns() + 20000000ULL;
    setitimer(ITIMER_REAL, &it, NULL);
    while (alarms < 25)
        sleep(1);
    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &off, NULL);
    printf("alarm_late_avg %lu us\n", (unsigned long)(late_sum / 25 / 1000));
    printf("alarm_late_max %lu us\n", (unsigned long)(late_max / 1000));
    return 0;
}
