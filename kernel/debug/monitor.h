/*
 * kernel/debug/monitor.h — the kernel's built-in command line, used until user
 * space exists: `--cmd` lines from the bootargs run here, and without one an
 * interactive "kernel> " prompt reads lines from the serial console.
 * Commands: echo, help, uptime, meminfo, exit/poweroff [STATUS].
 */
#ifndef KERNEL_MONITOR_H
#define KERNEL_MONITOR_H

/* Runs one command line; returns its exit status (127: unknown command). */
int monitor_run_line(const char *line);
__attribute__((noreturn)) void monitor_interactive(void);

#endif
