/*
 * drivers/blockdev.c — the registry of disks (see blockdev.h). Filled at
 * boot by the drivers' probes, read afterwards; never shrinks.
 */
#include "drivers/blockdev.h"

#include <stddef.h>

#include "kernel/abi/errno.h"
#include "kernel/lib/string.h"

static struct blockdev *disks[BLOCKDEV_MAX];
static int ndisks;

int blockdev_register(struct blockdev *dev)
{
    if (ndisks == BLOCKDEV_MAX)
        return -ENOSPC;
    disks[ndisks++] = dev;
    return 0;
}

struct blockdev *blockdev_find(const char *name)
{
    for (int i = 0; i < ndisks; i++)
        if (strcmp(disks[i]->name, name) == 0)
            return disks[i];
    return NULL;
}
