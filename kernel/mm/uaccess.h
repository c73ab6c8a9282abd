/*
 * kernel/mm/uaccess.h — copying between the kernel and the current process's
 * user memory. Every user pointer a system call receives goes through
 * these: the range must lie in the user half (so a process cannot make the
 * kernel read or write kernel memory for it), and a fault on an unmapped or
 * read-only page is caught (kernel/arch/extable.h) and becomes -EFAULT instead of
 * a kernel crash. sstatus.SUM is set only for the duration of the copy.
 */
#ifndef KERNEL_UACCESS_H
#define KERNEL_UACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/mm/vm.h"

/* 0 or -EFAULT. */
long copy_from_user(void *dst, uint64_t usrc, size_t n);
long copy_to_user(uint64_t udst, const void *src, size_t n);
/* Copies a NUL-terminated string of at most max-1 bytes plus the NUL:
 * its length, -EFAULT, or -ENAMETOOLONG when no NUL within max bytes. */
long copy_string_from_user(char *dst, uint64_t usrc, size_t max);

/* Implemented by the process layer (kernel/proc/proc.c): the running
 * process's page table and the owner tag of its pages; false when the
 * running task has no user space (boot, a kernel thread). */
bool uaccess_current_space(pte_t **pagetable, uint16_t *owner);

#endif
