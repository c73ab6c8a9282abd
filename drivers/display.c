/*
 * drivers/display.c — the one display slot (see display.h): filled at boot
 * by a display driver's probe, read afterwards, never emptied.
 */
#include "drivers/display.h"

#include <stddef.h>

#include "kernel/abi/errno.h"

static const struct display *the_display;

int display_register(const struct display *d)
{
    if (the_display)
        return -EBUSY;
    the_display = d;
    return 0;
}

const struct display *display_get(void)
{
    return the_display;
}
