/*
 * kernel/proc/pipe.c — see pipe.h. One struct pipe is shared by two files; each
 * file's release drops one end. The ring is kernel/lib/ringbuf on one page.
 */
#include "kernel/proc/pipe.h"

#include "kernel/abi/errno.h"
#include "kernel/mm/kalloc.h"
#include "kernel/arch/riscv.h"
#include "kernel/lib/ringbuf.h"
#include "kernel/hooks/sched.h"

struct pipe {
    struct ringbuf ring;
    int readers, writers;
};

static int npipes; /* pipes in existence (<= NPIPE); changed with interrupts off */

/* Counts a new pipe in; false when NPIPE exist. */
static bool pipe_count_in(void)
{
    uint64_t flags = irq_save();
    bool room = npipes < NPIPE;
    if (room)
        npipes++;
    irq_restore(flags);
    return room;
}

static void pipe_count_out(void)
{
    uint64_t flags = irq_save();
    KASSERT_DEBUG(npipes > 0);
    npipes--;
    irq_restore(flags);
}

static int64_t pipe_read(struct file *f, void *buf, uint64_t n)
{
    struct pipe *p = f->priv;
    uint64_t flags = irq_save();
    int64_t got;
    for (;;) {
        got = (int64_t)ringbuf_read(&p->ring, buf, n);
        if (got > 0 || p->writers == 0 || n == 0)
            break;
        int err = sched_sleep_interruptible(p, f->flags & O_NONBLOCK);
        if (err) {
            got = err;
            break;
        }
    }
    if (got > 0)
        sched_wakeup(p); /* room for writers */
    irq_restore(flags);
    return got;
}

static int64_t pipe_write(struct file *f, const void *buf, uint64_t n)
{
    struct pipe *p = f->priv;
    const uint8_t *src = buf;
    uint64_t done = 0;
    uint64_t flags = irq_save();
    while (done < n) {
        if (p->readers == 0) {
            irq_restore(flags);
            return done ? (int64_t)done : -EPIPE;
        }
        size_t put = ringbuf_write(&p->ring, src + done, n - done);
        if (put) {
            done += put;
            sched_wakeup(p);
            continue;
        }
        int err = sched_sleep_interruptible(p, f->flags & O_NONBLOCK);
        if (err) {
            irq_restore(flags);
            return done ? (int64_t)done : err;
        }
    }
    irq_restore(flags);
    return (int64_t)done;
}

static void pipe_release(struct file *f)
{
    struct pipe *p = f->priv;
    uint64_t flags = irq_save();
    if ((f->flags & O_ACCMODE) == O_RDONLY)
        p->readers--;
    else
        p->writers--;
    bool last = p->readers == 0 && p->writers == 0;
    sched_wakeup(p);
    irq_restore(flags);
    if (last) {
        kpages_free(p->ring.data);
        kfree(p);
        pipe_count_out();
    }
}

static const struct file_ops pipe_ops = {
    .read = pipe_read, .write = pipe_write, .release = pipe_release,
};

int pipe_create(struct file **read_end, struct file **write_end)
{
    if (!pipe_count_in())
        return -ENFILE;
    struct pipe *p = kmalloc(sizeof *p);
    uint8_t *page = kpages_alloc(1, 1, PAGE_OWNER_PIPE);
    if (!p || !page) {
        kfree(p);
        if (page)
            kpages_free(page);
        pipe_count_out();
        return -ENOMEM;
    }
    ringbuf_init(&p->ring, page, PAGE_SIZE);
    p->readers = p->writers = 1;
    struct file *r = file_alloc(FILE_PIPE, O_RDONLY, &pipe_ops, p);
    struct file *w = r ? file_alloc(FILE_PIPE, O_WRONLY, &pipe_ops, p) : NULL;
    if (!w) {
        if (r)
            file_abandon(r);
        kpages_free(page);
        kfree(p);
        pipe_count_out();
        return -ENFILE;
    }
    *read_end = r;
    *write_end = w;
    return 0;
}
