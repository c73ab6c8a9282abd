/*
 * kernel/arch/uart16550.h — the NS16550A serial port: polled output, interrupt-
 * driven input handed to console_input(). Base, register shift, clock and
 * interrupt come from the device tree (platform.h).
 */
#ifndef KERNEL_UART16550_H
#define KERNEL_UART16550_H

#include <stdbool.h>
#include <stdint.h>

void uart_init(uint64_t base_pa, uint32_t reg_shift, uint32_t clock_hz, uint32_t irq);
bool uart_ready(void);
void uart_putc(char c);

#endif
