/*
 * kernel/arch/sbi.c — SBI calls (RISC-V SBI specification v2.0): ecall with the
 * extension id in a7 and the function id in a6; error in a0, value in a1.
 */
#include "kernel/arch/sbi.h"

struct sbiret sbi_call(uint64_t ext, uint64_t fid, uint64_t a0, uint64_t a1, uint64_t a2)
{
    register uint64_t r_a0 __asm__("a0") = a0;
    register uint64_t r_a1 __asm__("a1") = a1;
    register uint64_t r_a2 __asm__("a2") = a2;
    register uint64_t r_a6 __asm__("a6") = fid;
    register uint64_t r_a7 __asm__("a7") = ext;
    __asm__ volatile("ecall"
                     : "+r"(r_a0), "+r"(r_a1)
                     : "r"(r_a2), "r"(r_a6), "r"(r_a7)
                     : "memory");
    return (struct sbiret){ (long)r_a0, (long)r_a1 };
}

bool sbi_probe(uint64_t ext)
{
    struct sbiret r = sbi_call(SBI_EXT_BASE, 3, ext, 0, 0);
    return r.error == 0 && r.value != 0;
}

void sbi_set_timer(uint64_t stime_value)
{
    sbi_call(SBI_EXT_TIME, 0, stime_value, 0, 0);
}

void sbi_debug_putchar(char c)
{
    /* DBCN write_byte; fall back to the legacy console_putchar (ext 0x01). */
    static int has_dbcn = -1;
    if (has_dbcn < 0)
        has_dbcn = sbi_probe(SBI_EXT_DBCN);
    if (has_dbcn)
        sbi_call(SBI_EXT_DBCN, 2, (unsigned char)c, 0, 0);
    else
        sbi_call(0x01, 0, (unsigned char)c, 0, 0);
}

void sbi_system_reset(uint32_t type, uint32_t reason)
{
    sbi_call(SBI_EXT_SRST, 0, type, reason, 0);
}
