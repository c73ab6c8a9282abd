/*
 * kernel/proc/writeback.c — see writeback.h.
 *
 * The dirty hook runs in process context under the file-system lock; the
 * timer's fire() runs in the timer interrupt, so it only sets `due` and
 * wakes the thread, which does the I/O (it may sleep). A sync that fails
 * leaves blocks dirty; the thread then re-arms the timer itself, because
 * the hook only runs when the cache goes from clean to dirty.
 */
#include "kernel/proc/writeback.h"

#include <stdbool.h>

#include "fs/vfs.h"
#include "kernel/arch/console.h"
#include "kernel/proc/proc.h"
#include "kernel/arch/riscv.h"
#include "kernel/hooks/sched.h"
#include "kernel/arch/timer.h"

static struct timerq_entry writeback_timer;
static uint64_t age_ns = WRITEBACK_AGE_NS;
static volatile bool due;   /* the timer fired; the thread sleeps on &writeback_timer */

static void writeback_fire(struct timerq_entry *e)
{
    (void)e;
    due = true;
    sched_wakeup(&writeback_timer);
}

static void arm(void)
{
    timer_arm(&writeback_timer, uptime_ns() + age_ns);
}

/* The cache just went from clean to dirty. */
static void became_dirty(void *arg)
{
    (void)arg;
    arm();
}

static void writeback_thread(void)
{
    bool reported = false;
    for (;;) {
        uint64_t flags = irq_save();
        while (!due)
            sched_sleep(&writeback_timer);
        due = false;
        irq_restore(flags);
        int err = vfs_sync();
        if (err && !reported) {
            klog("writeback: sync failed (error %d); retrying every %llu s\n", err,
                 (unsigned long long)(age_ns / 1000000000ull));
            reported = true;
        }
        if (vfs_dirty_since())
            arm();
    }
}

int writeback_start(uint64_t age)
{
    age_ns = age;
    writeback_timer.fire = writeback_fire;
    int err = proc_create_kernel_thread("writeback", writeback_thread);
    if (err)
        return err;
    vfs_set_dirty_hook(uptime_ns, became_dirty, NULL);
    if (vfs_dirty_since())
        arm();
    return 0;
}
