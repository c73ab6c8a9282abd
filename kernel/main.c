/*
 * kernel/main.c — kmain(): bring the machine up in dependency order, then do
 * what the bootargs ask (see docs/boot.md):
 *   selftest        run the in-kernel tests first
 *   crashtest=NAME  crash on purpose (kernel/crashtest.h)
 *   cmd=LINE        run LINE, then power off with its exit status
 *   (neither)       interactive kernel monitor on the serial console
 */
#include "drivers/virtio/virtio.h"
#include "drivers/virtio/virtio_blk.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/crashtest.h"
#include "kernel/monitor.h"
#include "kernel/panic.h"
#include "kernel/platform.h"
#include "kernel/plic.h"
#include "kernel/power.h"
#include "kernel/riscv.h"
#include "kernel/kalloc.h"
#include "kernel/kstack.h"
#include "kernel/selftest.h"
#include "kernel/vm.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "kernel/uart16550.h"

static void run_bootargs(void)
{
    const char *args = platform.bootargs;
    char name[32];
    const char *v;
    size_t vlen;
    if (cmdline_find(args, "selftest", &v, &vlen))
        selftest_run();
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
    kalloc_init();
    vm_kernel_init();
    kstack_init();

    csr_set(sie, SIE_SEIE);
    csr_set(sstatus, SSTATUS_SIE);
    virtio_probe();
    virtio_blk_init();

    run_bootargs();
}
