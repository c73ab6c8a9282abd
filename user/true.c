/*
 * user/true.c — true: does nothing, successfully (status 0). "true --help" prints
 * a usage line first.
 *
 * Why --help: it gives the program read-only data. With an empty .rodata
 * the linker emits an empty PT_LOAD at address 0, which the kernel's exec
 * refuses with ENOEXEC (reported as a kernel problem in docs/shell.md).
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--help") == 0)
        fputs("usage: true (exits with status 0)\n", stdout);
    return 0;
}
