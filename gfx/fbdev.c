/*
 * gfx/fbdev.c — /dev/fb0: the framebuffer for one process at a time.
 *
 * Interface (kernel/abi/abi.h, docs/display.md):
 *   open        -EBUSY while another file has it open, -ENODEV without a
 *               display; suspends the console's drawing while open and waits
 *               until the console's last present has completed
 *   ioctl       FBIOC_GET_INFO -> struct fb_geometry
 *               FBIOC_PRESENT  <- struct fb_present (clipped; waits until
 *               the display has taken the rectangle)
 *   mmap        the framebuffer's physical pages (page-aligned offset and
 *               length inside it), mapped shared by the caller
 *   release     the console resumes and repaints the whole screen
 * Invariant: `owner` is the one open file (NULL when free); it is changed
 * with interrupts off so two openers cannot both win.
 *
 * fbdev_get_info / fbdev_present are the ioctls' kernel halves; the
 * `fbtest` monitor command calls them directly (no user memory yet).
 */
#include "gfx/fbdev.h"

#include "drivers/display.h"
#include "fs/vfs.h"
#include "gfx/screen.h"
#include "kernel/arch/console.h"
#include "kernel/abi/errno.h"
#include "kernel/mm/kalloc.h"
#include "kernel/arch/riscv.h"
#include "kernel/mm/uaccess.h"

static struct file *owner;

int fbdev_get_info(struct fb_geometry *out)
{
    const struct display *g = display_get();
    if (!g)
        return -ENODEV;
    *out = (struct fb_geometry){
        .width = g->width,
        .height = g->height,
        .stride = g->stride,
        .format = FB_FORMAT_B8G8R8X8,
        .size = g->size,
    };
    return 0;
}

int fbdev_present(const struct fb_present *r)
{
    const struct display *d = display_get();
    if (!d)
        return -ENODEV;
    struct display_rect g = { r->x, r->y, r->w, r->h };
    return d->present_wait(&g);
}

static int fb_open(struct file *f)
{
    const struct display *d = display_get();
    if (!d)
        return -ENODEV;
    uint64_t flags = irq_save();
    if (owner) {
        irq_restore(flags);
        return -EBUSY;
    }
    owner = f;
    irq_restore(flags);
    screen_set_suspended(true);
    /* Console updates still queued must not reach the host after this:
     * their rectangles would show whatever the new owner draws there. */
    d->sync();
    return 0;
}

static void fb_release(struct file *f)
{
    uint64_t flags = irq_save();
    if (owner != f) {
        irq_restore(flags);
        return;
    }
    owner = NULL;
    irq_restore(flags);
    screen_set_suspended(false);
}

static int fb_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
    (void)f;
    switch (cmd) {
    case FBIOC_GET_INFO: {
        struct fb_geometry info;
        int err = fbdev_get_info(&info);
        if (err)
            return err;
        return (int)copy_to_user(arg, &info, sizeof info);
    }
    case FBIOC_PRESENT: {
        struct fb_present r;
        long err = copy_from_user(&r, arg, sizeof r);
        if (err)
            return (int)err;
        return fbdev_present(&r);
    }
    default:
        return -ENOTTY;
    }
}

static int fb_mmap(struct file *f, uint64_t offset, uint64_t len, uint64_t *pa)
{
    (void)f;
    const struct display *g = display_get();
    if (!g)
        return -ENODEV;
    if ((offset & (PAGE_SIZE - 1)) || len == 0 || offset > g->size || len > g->size - offset)
        return -EINVAL;
    *pa = g->pa + offset;
    return 0;
}

static const struct file_ops fb_ops = {
    .ioctl = fb_ioctl,
    .release = fb_release,
    .mmap = fb_mmap,
};

/* Linux's framebuffer major 29, minor 0. */
static const struct device fb_device = { "fb0", 0x1d00, &fb_ops, fb_open };

void fbdev_init(void)
{
    int err = dev_register(&fb_device);
    if (err)
        klog("fbdev: cannot register /dev/fb0 (error %d)\n", err);
}
