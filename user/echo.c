/*
 * user/echo.c — echo [-n] [WORD...]: prints the words separated by single
 * spaces, then a newline unless -n. Only a leading "-n" is an option; any
 * other word (even "-x") is printed as is.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    int first = 1;
    bool newline = true;
    if (argc > 1 && strcmp(argv[1], "-n") == 0) {
        newline = false;
        first = 2;
    }
    for (int i = first; i < argc; i++) {
        if (i > first)
            putchar(' ');
        fputs(argv[i], stdout);
    }
    if (newline)
        putchar('\n');
    return fflush(stdout) == 0 ? 0 : 1;
}
