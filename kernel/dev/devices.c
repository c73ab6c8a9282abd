/*
 * kernel/dev/devices.c — see devices.h.
 */
#include "kernel/dev/devices.h"

#include "fs/vfs.h"
#include "kernel/abi/abi.h"
#include "kernel/arch/console.h"
#include "kernel/abi/errno.h"
#include "kernel/dev/infodev.h"
#include "kernel/proc/proc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/lib/string.h"

static int64_t null_read(struct file *f, void *buf, uint64_t n)
{
    (void)f;
    (void)buf;
    (void)n;
    return 0;
}

static int64_t null_write(struct file *f, const void *buf, uint64_t n)
{
    (void)f;
    (void)buf;
    return (int64_t)n;
}

static int64_t zero_read(struct file *f, void *buf, uint64_t n)
{
    (void)f;
    memset(buf, 0, n);
    return (int64_t)n;
}

static int64_t dev_console_read(struct file *f, void *buf, uint64_t n)
{
    return console_read(buf, n, f->flags & O_NONBLOCK);
}

static int64_t dev_console_write(struct file *f, const void *buf, uint64_t n)
{
    (void)f;
    console_write(buf, n);
    return (int64_t)n;
}

static int dev_console_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
    (void)f;
    int pid;
    switch (cmd) {
    case TIOCGPGRP:
        pid = console_get_foreground();
        return (int)copy_to_user(arg, &pid, sizeof pid);
    case TIOCSPGRP:
        if (copy_from_user(&pid, arg, sizeof pid) < 0)
            return -EFAULT;
        if (pid == INIT_PID)
            return -EPERM; /* init is never a job-control target (^C) */
        console_set_foreground(pid);
        return 0;
    case TIOCGMODE:
        return (int)console_get_mode();
    case TIOCSMODE:
        if (arg & ~0xfUL)
            return -EINVAL;
        console_set_mode((uint32_t)arg);
        return 0;
    case TIOCGWINSZ: {
        struct winsize ws = { 25, 80, 0, 0 };
        console_get_size(&ws.ws_row, &ws.ws_col);
        return (int)copy_to_user(arg, &ws, sizeof ws);
    }
    case TIOCSWINSZ: {
        struct winsize ws;
        if (copy_from_user(&ws, arg, sizeof ws) < 0)
            return -EFAULT;
        return console_set_given_size(ws.ws_row, ws.ws_col);
    }
    default:
        return -ENOTTY;
    }
}

static const struct file_ops null_ops = { .read = null_read, .write = null_write };
static const struct file_ops zero_ops = { .read = zero_read, .write = null_write };
static const struct file_ops console_ops = {
    .read = dev_console_read, .write = dev_console_write, .ioctl = dev_console_ioctl,
};

static const struct device dev_null = { "null", 0x0103, &null_ops, NULL };
static const struct device dev_zero = { "zero", 0x0105, &zero_ops, NULL };
static const struct device dev_console = { "console", 0x0501, &console_ops, NULL };

void devices_init(void)
{
    dev_register(&dev_null);
    dev_register(&dev_zero);
    dev_register(&dev_console);
    infodev_init();
}
