/*
 * kernel/main.c — kmain(): bring the machine up in dependency order, then do
 * what the bootargs ask (see docs/boot.md):
 *   selftest        run the in-kernel tests first
 *   crashtest=NAME  crash on purpose (kernel/debug/crashtest.h)
 *   cmd=LINE        run LINE, then power off with its exit status
 * With /bin/init on the disk, init runs (`init -c LINE` for cmd=); without
 * it, the built-in monitor runs LINE, or prompts on the console.
 */
#include "audio/audio_dev.h"
#include "drivers/blockdev.h"
#include "drivers/virtio/virtio.h"
#include "fs/vfs.h"
#include "gfx/screen.h"
#include "kernel/abi/errno.h"
#include "kernel/arch/console.h"
#include "kernel/arch/panic.h"
#include "kernel/arch/platform.h"
#include "kernel/arch/plic.h"
#include "kernel/arch/power.h"
#include "kernel/arch/riscv.h"
#include "kernel/arch/rtc.h"
#include "kernel/arch/timer.h"
#include "kernel/arch/trap.h"
#include "kernel/arch/uart16550.h"
#include "kernel/debug/crashtest.h"
#include "kernel/debug/monitor.h"
#include "kernel/debug/selftest.h"
#include "kernel/dev/devices.h"
#include "kernel/dev/kbd.h"
#include "kernel/lib/cmdline.h"
#include "kernel/lib/fmt.h"
#include "kernel/mm/kalloc.h"
#include "kernel/mm/kstack.h"
#include "kernel/mm/uvm.h"
#include "kernel/mm/vm.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/writeback.h"

/* The console font from /usr/share/fonts/NAME.psf (bootarg font=NAME,
 * default font_default); the built-in font stays when it is missing or
 * bad. The file's bytes stay allocated: the font points into them. */
static void load_console_font(void)
{
    char name[64] = "font_default", path[96];
    cmdline_get(platform.bootargs, "font", name, sizeof name);
    fmt_snprintf(path, sizeof path, "/usr/share/fonts/%s.psf", name);
    struct file *f;
    struct stat st;
    int err = vfs_open(NULL, path, O_RDONLY, 0, &f);
    if (err) {
        klog("screen: %s: cannot open (error %d); keeping the built-in font\n", path, err);
        return;
    }
    void *data = NULL;
    err = vfs_fstat(f, &st);
    if (!err && (st.st_size <= 0 || st.st_size > (1 << 20)))
        err = -EFBIG;
    if (!err && !(data = kmalloc((size_t)st.st_size)))
        err = -ENOMEM;
    if (!err && vfs_read(f, data, (uint64_t)st.st_size) != st.st_size)
        err = -EIO;
    file_put(f);
    if (!err)
        err = screen_set_font(data, (size_t)st.st_size);
    if (err) {
        kfree(data);
        if (err != -ENODEV)
            klog("screen: %s: not usable (error %d); keeping the built-in font\n", path, err);
        return;
    }
    klog("screen: font %s\n", path);
}

/* "COLSxROWS" in v[0..len), each 1..CONSOLE_SIZE_MAX; false if it is not that. */
static bool parse_size(const char *v, size_t len, uint16_t *cols, uint16_t *rows)
{
    size_t x = 0;
    while (x < len && v[x] != 'x')
        x++;
    uint64_t c, r;
    if (x == len || !cmdline_parse_uint(v, x, CONSOLE_SIZE_MAX, &c) ||
        !cmdline_parse_uint(v + x + 1, len - x - 1, CONSOLE_SIZE_MAX, &r) || c == 0 || r == 0)
        return false;
    *cols = (uint16_t)c;
    *rows = (uint16_t)r;
    return true;
}

/* Bootarg console_size=COLSxROWS: the serial terminal's size, which
 * TIOCGWINSZ reports (kernel/arch/console.h); a klog line says what it did. */
static void console_size_from_bootargs(const char *bootargs)
{
    const char *v;
    size_t len;
    if (!cmdline_find(bootargs, "console_size", &v, &len))
        return;
    uint16_t cols, rows;
    if (!parse_size(v, len, &cols, &rows)) {
        klog("console: console_size=%.*s ignored: not COLSxROWS, each 1..%d\n", (int)len, v,
             CONSOLE_SIZE_MAX);
        return;
    }
    console_set_given_size(rows, cols);
    klog("console: the serial terminal is %ux%u\n", cols, rows);
}

static void sync_on_shutdown(void)
{
    int err = vfs_sync();
    if (err)
        klog("vfs: sync before power-off failed (error %d)\n", err);
}

/* The bootarg writeback=SECONDS (1..WRITEBACK_AGE_MAX_S), else the default. */
static uint64_t writeback_age_ns(void)
{
    const char *v;
    size_t len;
    uint64_t s;
    if (!cmdline_find(platform.bootargs, "writeback", &v, &len))
        return WRITEBACK_AGE_NS;
    if (!cmdline_get_uint(platform.bootargs, "writeback", WRITEBACK_AGE_MAX_S, &s) || s == 0) {
        klog("writeback=%.*s: not 1..%d seconds; using the default\n", (int)len, v,
             WRITEBACK_AGE_MAX_S);
        return WRITEBACK_AGE_NS;
    }
    klog("writeback: changes reach the disk within %lu s\n", s);
    return s * 1000000000ull;
}

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
    if (cmdline_find(args, "nocow", &v, &vlen)) {
        uvm_cow_enabled = false; /* fork copies everything (benchmarks) */
        klog("kernel: nocow: fork copies address spaces\n");
    }

    const char *cmd;
    size_t len;
    bool have_cmd = cmdline_find(args, "cmd", &cmd, &len);
    struct stat st;
    if (vfs_stat(NULL, "/bin/init", &st) == 0) {
        /* User space: init runs the command (or the shell) from here on. */
        const char *argv_cmd[] = { "init", "-c", cmd, NULL };
        const char *argv_plain[] = { "init", NULL };
        int err = proc_create_init("/bin/init", have_cmd ? argv_cmd : argv_plain);
        if (err == 0) {
            klog("kernel: starting /bin/init\n");
            scheduler();
        }
        klog("kernel: cannot start /bin/init (error %d); using the built-in monitor\n", err);
    }
    if (have_cmd) {
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
    /* FP state Initial: user programs use the FP registers, and the kernel
     * saves and restores them when it switches processes. */
    csr_set(sstatus, 1UL << 13);
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
    rtc_init();
    virtio_probe();
    struct blockdev *disk = blockdev_find("vda");
    devices_init();
    console_size_from_bootargs(platform.bootargs);
    audio_dev_init();
    display_init();
    kbd_dev_init();
    if (disk && vfs_mount_root(disk) == 0) {
        power_register_shutdown_hook(sync_on_shutdown);
        if (writeback_start(writeback_age_ns()))
            klog("writeback: cannot start; changes reach the disk only at sync\n");
        load_console_font();
    }

    run_bootargs();
}
