/*
 * kernel/arch/extable.h — recovering from expected faults (see probe.S).
 */
#ifndef KERNEL_EXTABLE_H
#define KERNEL_EXTABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/arch/trap.h"

long probe_read_u64(const void *addr, uint64_t *out);
long probe_write_u64(void *addr, uint64_t value);

/* If tf->sepc is a registered faulting instruction, point sepc at its fixup
 * and return true. */
bool extable_fixup(struct trap_frame *tf);

#endif
