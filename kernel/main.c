/*
 * kernel/main.c — kmain(): bring the machine up in dependency order, then do
 * what the bootargs ask (see docs/boot.md):
 *   crashtest=NAME  crash on purpose (kernel/crashtest.h)
 *   cmd=LINE        run LINE, then power off with its exit status
 *   (neither)       interactive kernel monitor on the serial console
 */
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/crashtest.h"
#include "kernel/monitor.h"
#include "kernel/panic.h"
#include "kernel/platform.h"
#include "kernel/plic.h"
#include "kernel/power.h"
#include "kernel/riscv.h"
#include "kernel/sched_hooks.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "kernel/uart16550.h"

extern char boot_stack[], boot_stack_top[];

const char *sched_current_name(void)
{
    return "boot";
}

void sched_current_stack(uint64_t *lo, uint64_t *hi)
{
    *lo = (uint64_t)boot_stack;
    *hi = (uint64_t)boot_stack_top;
}

static void run_bootargs(void)
{
    const char *args = platform.bootargs;
    char name[32];
    if (cmdline_get(args, "crashtest", name, sizeof name))
        crashtest_run(name);

    const char *cmd;
    size_t len;
    if (cmdline_find(args, "cmd", &cmd, &len)) {
        klog("running: %s\n", cmd);
        int status = monitor_run_line(cmd);
        klog("command exited with status %d; powering off\n", status);
        power_off(status);
    }
    monitor_interactive();
}

void kmain(uint64_t hartid, uint64_t fdt_pa)
{
    trap_init();
    if (platform_init(fdt_pa, (uint32_t)hartid) < 0)
        panic("cannot boot without a usable device tree");
    plic_init(platform.plic.base, platform.plic_ndev, platform.plic_context);
    uart_init(platform.uart.base, platform.uart_reg_shift, platform.uart_clock_hz,
              platform.uart.irq);
    timer_init(platform.timebase_hz, platform.has_sstc);
    klog("kernel: entered kmain on hart %lu\n", hartid);
    platform_print();

    csr_set(sie, SIE_SEIE);
    csr_set(sstatus, SSTATUS_SIE);
    run_bootargs();
}
