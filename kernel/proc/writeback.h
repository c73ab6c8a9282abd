/*
 * kernel/proc/writeback.h — background write-back of the root file system.
 *
 * writeback_start() (once, after the root is mounted, before the scheduler
 * runs) starts the kernel thread "writeback". When the block cache goes
 * from clean to dirty, a timer is armed WRITEBACK_AGE_NS (or the bootarg
 * writeback=SECONDS) later; when it
 * fires the thread syncs the whole cache (vfs_sync: every dirty block in
 * crash-safe class order, a device flush between classes). So a block
 * stays dirty for at most WRITEBACK_AGE_NS plus the time to write it, and
 * a clean, idle machine arms no timer at all (no periodic wake-up).
 * docs/disk.md has the numbers.
 */
#ifndef KERNEL_WRITEBACK_H
#define KERNEL_WRITEBACK_H

#include <stdint.h>

#define WRITEBACK_AGE_NS (3ull * 1000000000ull)
#define WRITEBACK_AGE_MAX_S 3600

/* age_ns: how long a change may stay only in memory (WRITEBACK_AGE_NS, or
 * the bootarg writeback=SECONDS). 0, or -EAGAIN when no process slot is
 * free. */
int writeback_start(uint64_t age_ns);

#endif
