/*
 * kernel/debug/monitor.c — see monitor.h. Lines are split into words on spaces;
 * `cmd1; cmd2` runs commands in sequence and yields the last status.
 */
#include "kernel/debug/monitor.h"

#include <stdbool.h>

#include "drivers/virtio/virtio.h"
#include "kernel/arch/console.h"
#include "kernel/mm/kalloc.h"
#include "kernel/debug/monitor_cmds.h"
#include "kernel/arch/power.h"
#include "kernel/lib/string.h"
#include "kernel/arch/timer.h"

#define MAX_LINE 256
#define MAX_WORDS 32

static int parse_status(const char *s, int *out)
{
    int v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 25500)
            return -1;
        v = v * 10 + (*s - '0');
    }
    if (v > 255)
        return -1;
    *out = v;
    return 0;
}

static int cmd_echo(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        kprintf("%s%s", argv[i], i + 1 < argc ? " " : "");
    kprintf("\n");
    return 0;
}

static int cmd_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    kprintf("built-in commands: echo WORDS..., uptime, meminfo, devices, exit [STATUS], "
            "poweroff [STATUS], help\nfiles: ls cat cksum write append mkdir rm rmdir mv "
            "stat truncate sync readbench\n");
    return 0;
}

static int cmd_uptime(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    uint64_t us = uptime_us();
    kprintf("up %lu.%06lu s, %lu timer ticks\n", us / 1000000, us % 1000000, timer_ticks());
    return 0;
}

static int cmd_meminfo(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    kalloc_print_meminfo();
    return 0;
}

static int cmd_devices(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    virtio_print_devices();
    return 0;
}

static int cmd_exit(int argc, char **argv)
{
    int status = 0;
    if (argc > 2 || (argc == 2 && parse_status(argv[1], &status) < 0)) {
        kprintf("%s: usage: %s [STATUS 0-255]\n", argv[0], argv[0]);
        return 2;
    }
    klog("powering off with status %d\n", status);
    power_off(status);
}

static const struct monitor_cmd commands[] = {
    { "echo", cmd_echo },
    { "help", cmd_help },
    { "uptime", cmd_uptime },
    { "meminfo", cmd_meminfo },
    { "devices", cmd_devices },
    { "exit", cmd_exit },
    { "poweroff", cmd_exit },
    { NULL, NULL },
};

static const struct monitor_cmd *const tables[] = { commands, monitor_fs_cmds,
                                                    monitor_display_cmds };

static int run_words(char *cmd)
{
    char *argv[MAX_WORDS + 1];
    int argc = 0;
    for (char *p = cmd; *p;) {
        while (*p == ' ' || *p == '\t')
            *p++ = '\0';
        if (!*p)
            break;
        if (argc == MAX_WORDS) {
            kprintf("too many words (at most %d)\n", MAX_WORDS);
            return 2;
        }
        argv[argc++] = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
    }
    argv[argc] = NULL;
    if (argc == 0)
        return 0;
    for (size_t t = 0; t < sizeof tables / sizeof *tables; t++)
        for (const struct monitor_cmd *c = tables[t]; c->name; c++)
            if (strcmp(argv[0], c->name) == 0)
                return c->fn(argc, argv);
    kprintf("%s: unknown command (try 'help')\n", argv[0]);
    return 127;
}

int monitor_run_line(const char *line)
{
    char buf[MAX_LINE];
    size_t n = strlen(line);
    if (n >= sizeof buf) {
        kprintf("command line too long (%zu bytes, at most %zu)\n", n, sizeof buf - 1);
        return 2;
    }
    memcpy(buf, line, n + 1);
    int status = 0;
    char *start = buf;
    for (char *p = buf;; p++) {
        if (*p == ';' || *p == '\0') {
            bool last = *p == '\0';
            *p = '\0';
            status = run_words(start);
            if (last)
                break;
            start = p + 1;
        }
    }
    return status;
}

/* A line from the console's line discipline (which echoes and edits);
 * false at end of input. */
static bool read_line(char *buf, size_t size)
{
    long n = console_read(buf, size - 1, false);
    if (n <= 0)
        return false;
    if (buf[n - 1] == '\n')
        n--;
    buf[n] = '\0';
    return true;
}

void monitor_interactive(void)
{
    char line[MAX_LINE];
    kprintf("kernel monitor; type 'help' for commands\n");
    for (;;) {
        kprintf("kernel> ");
        if (!read_line(line, sizeof line))
            continue;
        int status = monitor_run_line(line);
        if (status != 0)
            kprintf("(status %d)\n", status);
    }
}
