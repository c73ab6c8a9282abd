/*
 * kernel/dev/infodev.c — read-only text files about the running system, under
 * /dev like Linux's /proc: /dev/meminfo (pages by owner, heap classes),
 * /dev/ps (the process table) and /dev/stat (uptime and timer interrupt
 * counts, "name value" per line). The text is a snapshot taken at open, so a
 * reader sees one consistent table however it splits its reads.
 */
#include "kernel/dev/infodev.h"

#include "fs/vfs.h"
#include "kernel/abi/errno.h"
#include "kernel/mm/kalloc.h"
#include "kernel/proc/proc.h"
#include "kernel/lib/string.h"
#include "kernel/lib/textbuf.h"
#include "kernel/arch/timer.h"

#define SNAPSHOT_MAX 16384

struct snapshot {
    size_t len, off;
    char text[];
};

static int snapshot_open(struct file *f, void (*format)(struct textbuf *))
{
    struct snapshot *s = kmalloc(sizeof *s + SNAPSHOT_MAX);
    if (!s)
        return -ENOMEM;
    struct textbuf tb = { .buf = s->text, .cap = SNAPSHOT_MAX };
    format(&tb);
    s->len = tb.len;
    s->off = 0;
    f->priv = s;
    return 0;
}

static int64_t snapshot_read(struct file *f, void *buf, uint64_t n)
{
    struct snapshot *s = f->priv;
    uint64_t left = s->len - s->off;
    if (n > left)
        n = left;
    memcpy(buf, s->text + s->off, n);
    s->off += n;
    return (int64_t)n;
}

static void snapshot_release(struct file *f)
{
    kfree(f->priv);
}

static int meminfo_open(struct file *f)
{
    return snapshot_open(f, kalloc_format_meminfo);
}

static int ps_open(struct file *f)
{
    return snapshot_open(f, proc_format_table);
}

static void format_stat(struct textbuf *tb)
{
    tb_printf(tb, "uptime_ns %lu\n", uptime_ns());
    tb_printf(tb, "timer_interrupts %lu\n", timer_interrupts());
    tb_printf(tb, "timer_ticks %lu\n", timer_ticks());
    tb_printf(tb, "idle_ns %lu\n", sched_idle_ns());
}

static int stat_open(struct file *f)
{
    return snapshot_open(f, format_stat);
}

static const struct file_ops snapshot_ops = {
    .read = snapshot_read, .release = snapshot_release,
};

static const struct device dev_meminfo = { "meminfo", 0x0a01, &snapshot_ops, meminfo_open };
static const struct device dev_ps = { "ps", 0x0a02, &snapshot_ops, ps_open };
static const struct device dev_stat = { "stat", 0x0a03, &snapshot_ops, stat_open };

void infodev_init(void)
{
    dev_register(&dev_meminfo);
    dev_register(&dev_ps);
    dev_register(&dev_stat);
}
