/*
 * kernel/arch/extable.c — look up the exception table (linker-collected
 * __extable section: pairs of instruction address and fixup address).
 */
#include "kernel/arch/extable.h"

struct extable_entry {
    uint64_t insn, fixup;
};

extern const struct extable_entry __extable_start[], __extable_end[];

bool extable_fixup(struct trap_frame *tf)
{
    for (const struct extable_entry *e = __extable_start; e < __extable_end; e++) {
        if (e->insn == tf->sepc) {
            tf->sepc = e->fixup;
            return true;
        }
    }
    return false;
}
