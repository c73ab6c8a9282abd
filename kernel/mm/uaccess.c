/*
 * kernel/mm/uaccess.c — range checks around the fault-catching copy loops in
 * probe.S (see uaccess.h).
 */
#include "kernel/mm/uaccess.h"

#include "kernel/abi/errno.h"
#include "kernel/mm/kalloc.h"
#include "kernel/mm/uvm.h"

long user_copy_bytes(void *dst, const void *src, size_t n);   /* probe.S */
long user_copy_string(char *dst, const char *src, size_t max); /* probe.S */

static int user_range_ok(uint64_t addr, size_t n)
{
    return addr + n >= addr && addr + n <= USER_TOP;
}

long copy_from_user(void *dst, uint64_t usrc, size_t n)
{
    if (!user_range_ok(usrc, n))
        return -EFAULT;
    return user_copy_bytes(dst, (const void *)usrc, n);
}

long copy_to_user(uint64_t udst, const void *src, size_t n)
{
    if (!user_range_ok(udst, n))
        return -EFAULT;
    /* A store from S-mode to a read-only copy-on-write page would fault
     * into the -EFAULT fixup: give the process its own copies first. */
    pte_t *pagetable;
    uint16_t owner;
    if (uaccess_current_space(&pagetable, &owner) &&
        uvm_prepare_write(pagetable, udst, n, owner) < 0)
        return -EFAULT;
    return user_copy_bytes((void *)udst, src, n);
}

long copy_string_from_user(char *dst, uint64_t usrc, size_t max)
{
    if (max == 0 || usrc >= USER_TOP)
        return -EFAULT;
    size_t limit = USER_TOP - usrc < max ? USER_TOP - usrc : max;
    long n = user_copy_string(dst, (const char *)usrc, limit);
    if (n == -ENAMETOOLONG && limit < max)
        return -EFAULT; /* ran into the end of user space */
    return n;
}
