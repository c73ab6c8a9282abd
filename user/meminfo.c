/*
 * user/meminfo.c — meminfo: prints the kernel's memory report, the text
 * device /dev/meminfo. Without that device it says so and exits 1.
 */
#include "user/toolkit.h"

int main(void)
{
    return tool_print_device("meminfo", "/dev/meminfo");
}
