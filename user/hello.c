/*
 * user/hello.c — the smallest user program: proves the cross toolchain,
 * crt0, the system call wrappers and stdio link into a static binary.
 * Prints its arguments, one per line, and exits 0.
 */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("hello from user space\n");
    for (int i = 0; i < argc; i++)
        printf("argv[%d] = %s\n", i, argv[i]);
    return 0;
}
