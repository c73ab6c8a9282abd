/*
 * kernel/dev/kbd.c — /dev/input/kbd, the keyboard's raw events as a file
 * (Linux's evdev major 13, minor 64: event0), over the keyboard's event
 * buffer (drivers/input.h).
 *
 * read() returns whole events (struct input_event_raw, 8 bytes each; a
 * buffer shorter than one event gets -EINVAL), as many as are buffered and
 * fit. It blocks until one arrives unless O_NONBLOCK (-EAGAIN). Opening it
 * discards what is buffered: a reader sees the events after its open (one
 * ring: meant for one reader at a time, like the player's).
 */
#include "kernel/dev/kbd.h"

#include "drivers/input.h"
#include "fs/vfs.h"
#include "kernel/abi/errno.h"
#include "kernel/arch/console.h"

static int64_t kbd_read(struct file *f, void *buf, uint64_t n)
{
    if (n < sizeof(struct input_event_raw))
        return -EINVAL;
    long got = input_keyboard()->read(buf, n / sizeof(struct input_event_raw),
                                      (f->flags & O_NONBLOCK) != 0);
    return got < 0 ? got : (int64_t)(got * sizeof(struct input_event_raw));
}

static int kbd_open(struct file *f)
{
    (void)f;
    input_keyboard()->flush();
    return 0;
}

static const struct file_ops kbd_ops = { .read = kbd_read };
static const struct device kbd_device = { "input/kbd", 0x0d40, &kbd_ops, kbd_open };

void kbd_dev_init(void)
{
    if (!input_keyboard())
        return;
    int err = dev_register(&kbd_device);
    if (err)
        klog("kbd: cannot register /dev/input/kbd (error %d)\n", err);
}
