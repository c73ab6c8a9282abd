/*
 * user/ps.c — ps: prints the process table, which the kernel provides as
 * the text device /dev/ps (a header line, then one "PID PPID STATE UTIME
 * STIME CPU(ms) MEM(KiB) NAME" row per process). Without that device it
 * says so and exits 1.
 */
#include "user/toolkit.h"

int main(void)
{
    return tool_print_device("ps", "/dev/ps");
}
