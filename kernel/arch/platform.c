/*
 * kernel/arch/platform.c — fill `platform` from the device tree (see platform.h).
 * Required nodes (memory, cpus with timebase-frequency, an ns16550a UART, a
 * PLIC with an S-mode context for this hart) missing is a boot error with a
 * message; optional ones (test device, RTC, virtio slots) are just absent.
 */
#include "kernel/arch/platform.h"

#include "kernel/arch/console.h"
#include "kernel/arch/memlayout.h"
#include "kernel/lib/string.h"

struct platform platform;

static void add_reserved(uint64_t base, uint64_t size)
{
    if (size == 0)
        return;
    if (platform.nreserved == PLATFORM_MAX_RESERVED) {
        kprintf("platform: too many reserved ranges, ignoring %lx+%lx\n", base, size);
        return;
    }
    platform.reserved[platform.nreserved++] = (struct phys_range){ base, size };
}

static bool first_irq(const struct fdt *f, int node, uint32_t *irq)
{
    uint32_t len;
    const uint8_t *p = fdt_prop(f, node, "interrupts", &len);
    if (!p || len < 4)
        return false;
    *irq = fdt_be32(p);
    return true;
}

static bool mmio_node(const struct fdt *f, int node, struct mmio_device *dev)
{
    uint64_t base, size;
    if (!fdt_reg(f, node, 0, &base, &size))
        return false;
    dev->base = base;
    dev->size = size;
    dev->irq = 0;
    first_irq(f, node, &dev->irq);
    return true;
}

/* Does the ISA string or extension list of this cpu name `ext`? */
static bool cpu_has_extension(const struct fdt *f, int cpu, const char *ext)
{
    uint32_t len;
    const char *list = fdt_prop(f, cpu, "riscv,isa-extensions", &len);
    if (list && fdt_stringlist_contains(list, len, ext))
        return true;
    const char *isa = fdt_prop_str(f, cpu, "riscv,isa");
    if (!isa)
        return false;
    /* "rv64imafdch_zicsr_..._sstc": multi-letter extensions follow '_'. */
    size_t n = strlen(ext);
    for (const char *p = strchr(isa, '_'); p; p = strchr(p + 1, '_')) {
        if (strncmp(p + 1, ext, n) == 0 && (p[1 + n] == '_' || p[1 + n] == '\0'))
            return true;
    }
    return false;
}

static int find_boot_cpu(const struct fdt *f, uint32_t hartid)
{
    int cpus = fdt_path(f, "/cpus");
    if (cpus < 0)
        return cpus;
    for (int c = fdt_first_child(f, cpus); c >= 0; c = fdt_next_sibling(f, c)) {
        const char *type = fdt_prop_str(f, c, "device_type");
        uint64_t reg, sz;
        if (type && strcmp(type, "cpu") == 0 && fdt_reg(f, c, 0, &reg, &sz) && reg == hartid)
            return c;
    }
    return FDT_ERR_NOTFOUND;
}

/* The PLIC context index whose interrupts-extended entry is (this hart's
 * interrupt controller, 9 = supervisor external interrupt). */
static int plic_s_context(const struct fdt *f, int plic, int cpu)
{
    uint32_t len;
    const uint8_t *ie = fdt_prop(f, plic, "interrupts-extended", &len);
    if (!ie)
        return -1;
    for (uint32_t i = 0; i + 8 <= len; i += 8) {
        int intc = fdt_find_phandle(f, fdt_be32(ie + i));
        uint32_t cause = fdt_be32(ie + i + 4);
        if (intc >= 0 && fdt_parent(f, intc) == cpu && cause == 9)
            return (int)(i / 8);
    }
    return -1;
}

/* Opens the blob at fdt_pa (its header's totalsize, capped at 1 MiB, says
 * how much to trust); the model and bootargs strings. */
static int open_tree(struct fdt *f, uint64_t fdt_pa)
{
    const uint8_t *blob = pa_to_kva(fdt_pa);
    uint32_t total = fdt_be32(blob + 4);
    int err = fdt_open(f, blob, total < (1u << 20) ? total : (1u << 20));
    if (err < 0) {
        kprintf("platform: device tree at %lx is unusable: %s\n", fdt_pa, fdt_strerror(err));
        return err;
    }
    int root = fdt_root(f);
    platform.model = fdt_prop_str(f, root, "model");
    if (!platform.model)
        platform.model = "(unknown)";

    int chosen = fdt_path(f, "/chosen");
    platform.bootargs = chosen >= 0 ? fdt_prop_str(f, chosen, "bootargs") : NULL;
    if (!platform.bootargs)
        platform.bootargs = "";
    return 0;
}

/* RAM: every node with device_type = "memory" (at least one). */
static int find_ram(const struct fdt *f)
{
    for (int n = fdt_next_node(f, -1); n >= 0; n = fdt_next_node(f, n)) {
        const char *type = fdt_prop_str(f, n, "device_type");
        if (!type || strcmp(type, "memory") != 0)
            continue;
        uint64_t base, size;
        for (int i = 0; fdt_reg(f, n, i, &base, &size); i++) {
            if (platform.nram < PLATFORM_MAX_RAM && size)
                platform.ram[platform.nram++] = (struct phys_range){ base, size };
        }
    }
    if (platform.nram == 0) {
        kprintf("platform: device tree lists no memory\n");
        return FDT_ERR_NOTFOUND;
    }
    return 0;
}

/* Reserved: the reservation block, /reserved-memory children, the FDT. */
static void find_reserved(const struct fdt *f, uint64_t fdt_pa)
{
    uint64_t base, size;
    for (int i = 0; fdt_rsvmap_entry(f, i, &base, &size); i++)
        add_reserved(base, size);
    int rmem = fdt_path(f, "/reserved-memory");
    if (rmem >= 0) {
        for (int c = fdt_first_child(f, rmem); c >= 0; c = fdt_next_sibling(f, c))
            for (int i = 0; fdt_reg(f, c, i, &base, &size); i++)
                add_reserved(base, size);
    }
    add_reserved(fdt_pa, f->totalsize);
}

/* The timebase and the boot hart's cpu node (returned, or a negative
 * error), with its sstc extension. */
static int find_cpu(const struct fdt *f, uint32_t hartid)
{
    int cpus = fdt_path(f, "/cpus");
    uint32_t tb32;
    uint64_t tb64;
    if (cpus >= 0 && fdt_prop_u32(f, cpus, "timebase-frequency", &tb32))
        platform.timebase_hz = tb32;
    else if (cpus >= 0 && fdt_prop_u64(f, cpus, "timebase-frequency", &tb64))
        platform.timebase_hz = tb64;
    if (platform.timebase_hz == 0) {
        kprintf("platform: /cpus has no timebase-frequency\n");
        return FDT_ERR_NOTFOUND;
    }
    int cpu = find_boot_cpu(f, hartid);
    if (cpu < 0) {
        kprintf("platform: no cpu node for hart %u\n", hartid);
        return cpu;
    }
    platform.has_sstc = cpu_has_extension(f, cpu, "sstc");
    return cpu;
}

/* The ns16550a UART and the PLIC with an S-mode context for the boot hart
 * (cpu: its node): both required. */
static int find_uart_and_plic(const struct fdt *f, int cpu, uint32_t hartid)
{
    int uart = fdt_find_compatible(f, -1, "ns16550a");
    if (uart < 0 || !mmio_node(f, uart, &platform.uart)) {
        kprintf("platform: no ns16550a UART in the device tree\n");
        return FDT_ERR_NOTFOUND;
    }
    fdt_prop_u32(f, uart, "clock-frequency", &platform.uart_clock_hz);
    fdt_prop_u32(f, uart, "reg-shift", &platform.uart_reg_shift);

    int plic = fdt_find_compatible(f, -1, "riscv,plic0");
    if (plic < 0)
        plic = fdt_find_compatible(f, -1, "sifive,plic-1.0.0");
    if (plic < 0 || !mmio_node(f, plic, &platform.plic) ||
        !fdt_prop_u32(f, plic, "riscv,ndev", &platform.plic_ndev)) {
        kprintf("platform: no usable PLIC in the device tree\n");
        return FDT_ERR_NOTFOUND;
    }
    platform.plic_context = plic_s_context(f, plic, cpu);
    if (platform.plic_context < 0) {
        kprintf("platform: PLIC has no S-mode context for hart %u\n", hartid);
        return FDT_ERR_NOTFOUND;
    }
    return 0;
}

/* Optional devices: the test (power) device, the RTC, the virtio slots. */
static void find_optional(const struct fdt *f)
{
    int test = fdt_find_compatible(f, -1, "sifive,test0");
    platform.has_test = test >= 0 && mmio_node(f, test, &platform.test);
    int rtc = fdt_find_compatible(f, -1, "google,goldfish-rtc");
    platform.has_rtc = rtc >= 0 && mmio_node(f, rtc, &platform.rtc);

    for (int n = fdt_find_compatible(f, -1, "virtio,mmio"); n >= 0;
         n = fdt_find_compatible(f, n, "virtio,mmio")) {
        if (platform.nvirtio < PLATFORM_MAX_VIRTIO &&
            mmio_node(f, n, &platform.virtio[platform.nvirtio]))
            platform.nvirtio++;
    }
}

int platform_init(uint64_t fdt_pa, uint32_t hartid)
{
    struct fdt *f = &platform.fdt;
    platform.fdt_pa = fdt_pa;
    platform.boot_hart = hartid;
    int err;
    if ((err = open_tree(f, fdt_pa)) < 0 || (err = find_ram(f)) < 0)
        return err;
    find_reserved(f, fdt_pa);
    int cpu = find_cpu(f, hartid);
    if (cpu < 0)
        return cpu;
    if ((err = find_uart_and_plic(f, cpu, hartid)) < 0)
        return err;
    find_optional(f);
    return 0;
}

void platform_print(void)
{
    klog("machine: %s, boot hart %u, timebase %lu Hz%s\n", platform.model,
         platform.boot_hart, platform.timebase_hz, platform.has_sstc ? ", sstc" : "");
    for (int i = 0; i < platform.nram; i++)
        klog("ram: %016lx-%016lx (%lu MiB)\n", platform.ram[i].base,
             platform.ram[i].base + platform.ram[i].size - 1, platform.ram[i].size >> 20);
    for (int i = 0; i < platform.nreserved; i++)
        klog("reserved: %016lx-%016lx\n", platform.reserved[i].base,
             platform.reserved[i].base + platform.reserved[i].size - 1);
    klog("uart %lx irq %u, plic %lx (%u sources, context %d), %d virtio slots%s%s\n",
         platform.uart.base, platform.uart.irq, platform.plic.base, platform.plic_ndev,
         platform.plic_context, platform.nvirtio, platform.has_test ? ", test device" : "",
         platform.has_rtc ? ", rtc" : "");
    klog("bootargs: \"%s\"\n", platform.bootargs);
}
