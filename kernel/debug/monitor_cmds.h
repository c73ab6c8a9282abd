/*
 * kernel/debug/monitor_cmds.h — command tables the monitor (monitor.c) searches.
 * Each table ends with a { NULL, NULL } entry.
 */
#ifndef KERNEL_MONITOR_CMDS_H
#define KERNEL_MONITOR_CMDS_H

struct monitor_cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
};

extern const struct monitor_cmd monitor_fs_cmds[];
extern const struct monitor_cmd monitor_display_cmds[]; /* monitor_display.c */

#endif
