/*
 * kernel/arch/power.c — see power.h.
 */
#include "kernel/arch/power.h"

#include "kernel/arch/memlayout.h"
#include "kernel/arch/platform.h"
#include "kernel/arch/riscv.h"
#include "kernel/arch/sbi.h"

#include <stdbool.h>

#define TEST_PASS 0x5555
#define TEST_FAIL 0x3333

#define MAX_HOOKS 4
static void (*hooks[MAX_HOOKS])(void);
static int nhooks;
static bool shutting_down;

void power_register_shutdown_hook(void (*fn)(void))
{
    if (nhooks < MAX_HOOKS)
        hooks[nhooks++] = fn;
}

void power_off(int status)
{
    if (!shutting_down) {
        shutting_down = true;
        for (int i = 0; i < nhooks; i++)
            hooks[i]();
    }
    power_off_now(status);
}

void power_off_now(int status)
{
    csr_clear(sstatus, SSTATUS_SIE);
    if (platform.has_test) {
        volatile uint32_t *test = pa_to_kva(platform.test.base);
        *test = status == 0 ? TEST_PASS : ((uint32_t)(status & 0xffff) << 16) | TEST_FAIL;
        /* QEMU acts on the write asynchronously. Falling through to SBI at
         * once would race it: OpenSBI powers off by writing "pass" to this
         * same device, overwriting our status. Give it a second first. */
        uint64_t until = rdtime() + (platform.timebase_hz ? platform.timebase_hz : 10000000);
        while (rdtime() < until)
            ;
    }
    sbi_system_reset(0, status == 0 ? 0 : 1);
    for (;;)
        wfi();
}
