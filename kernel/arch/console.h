/*
 * kernel/arch/console.h — the system console: kernel messages, and the terminal
 * that /dev/console and the kernel monitor read and write.
 *
 * Output: kprintf() prints exactly what it is given; klog() prefixes each
 * message with the uptime "[    0.012345] ". Text goes to the UART (or the
 * SBI debug console before the UART is known) and to the screen once a
 * screen sink is registered (the on-screen TTY). Safe from interrupt
 * handlers.
 *
 * Input: bytes from the serial port and the keyboard go through one line
 * discipline (kernel/lib/ldisc.h: canonical editing with echo, ^C, ^D; raw mode
 * on request). console_read() sleeps until it can return something.
 * ^C sends SIGINT to the console's foreground process (set by whoever runs
 * jobs, e.g. the shell, through console_set_foreground).
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

__attribute__((format(printf, 1, 2))) int kprintf(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) int klog(const char *fmt, ...);
int kvprintf(const char *fmt, va_list ap);
void console_write(const char *s, size_t n);

/* The on-screen terminal registers itself here (NULL to unregister). */
void console_set_screen_sink(void (*write)(const char *s, size_t n));

/* Input bytes (serial interrupt, keyboard driver). */
void console_input(const char *bytes, size_t n);
/* Reads cooked (or raw) input: >0 bytes, 0 at end of file (^D), -EAGAIN
 * when nonblocking and nothing is there, -EINTR when the reader was
 * killed while waiting. */
long console_read(void *buf, size_t n, bool nonblock);
bool console_readable(void);
/* LDISC_* flags (kernel/lib/ldisc.h): canonical/echo/signals. */
void console_set_mode(uint32_t ldisc_flags);
uint32_t console_get_mode(void);
void console_set_foreground(int pid);
/* Terminal size in characters (TIOCGWINSZ): the size given for the serial
 * terminal if any (console_set_given_size: bootarg console_size=COLSxROWS,
 * TIOCSWINSZ), else the screen console's (console_set_size, called by the
 * screen when it registers), else 80x25. The console is one terminal
 * mirrored to both, so a program sizes itself to the one given. */
#define CONSOLE_SIZE_MAX 999
void console_get_size(uint16_t *rows, uint16_t *cols);
void console_set_size(uint16_t rows, uint16_t cols);
/* -EINVAL unless both are 1..CONSOLE_SIZE_MAX. */
int console_set_given_size(uint16_t rows, uint16_t cols);
int console_get_foreground(void);

#endif
