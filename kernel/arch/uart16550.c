/*
 * kernel/arch/uart16550.c — NS16550A driver. 8N1 at 115200 baud (the divisor only
 * matters on real hardware; QEMU ignores it). Receive interrupts drain the
 * FIFO into the console; transmit polls "holding register empty", which is
 * fine for log output and never loses a byte.
 */
#include "kernel/arch/uart16550.h"

#include "kernel/arch/console.h"
#include "kernel/arch/memlayout.h"
#include "kernel/arch/plic.h"

#define REG_RBR 0 /* receive buffer (read) */
#define REG_THR 0 /* transmit holding (write) */
#define REG_IER 1 /* interrupt enable */
#define REG_FCR 2 /* FIFO control (write) */
#define REG_LCR 3 /* line control */
#define REG_MCR 4 /* modem control */
#define REG_LSR 5 /* line status */
#define REG_DLL 0 /* divisor latch, with LCR.DLAB */
#define REG_DLM 1

#define IER_RX_AVAILABLE 0x01
#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_CLEAR 0x07
#define MCR_DTR_RTS_OUT2 0x0b
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20

static volatile uint8_t *uart_base;
static uint32_t uart_shift;

static inline uint8_t reg_read(int reg)
{
    return uart_base[reg << uart_shift];
}

static inline void reg_write(int reg, uint8_t v)
{
    uart_base[reg << uart_shift] = v;
}

static void uart_interrupt(void *arg)
{
    (void)arg;
    char bytes[16];
    size_t n = 0;
    while (reg_read(REG_LSR) & LSR_DATA_READY) {
        bytes[n++] = (char)reg_read(REG_RBR);
        if (n == sizeof bytes) {
            console_input(bytes, n);
            n = 0;
        }
    }
    if (n)
        console_input(bytes, n);
}

void uart_init(uint64_t base_pa, uint32_t reg_shift, uint32_t clock_hz, uint32_t irq)
{
    uart_base = pa_to_kva(base_pa);
    uart_shift = reg_shift;
    reg_write(REG_IER, 0);
    if (clock_hz) {
        uint32_t divisor = clock_hz / (16 * 115200);
        if (divisor == 0)
            divisor = 1;
        reg_write(REG_LCR, LCR_DLAB);
        reg_write(REG_DLL, divisor & 0xff);
        reg_write(REG_DLM, (divisor >> 8) & 0xff);
    }
    reg_write(REG_LCR, LCR_8N1);
    reg_write(REG_FCR, FCR_ENABLE_CLEAR);
    reg_write(REG_MCR, MCR_DTR_RTS_OUT2);
    if (irq) {
        plic_register(irq, uart_interrupt, NULL);
        reg_write(REG_IER, IER_RX_AVAILABLE);
    }
}

bool uart_ready(void)
{
    return uart_base != NULL;
}

void uart_putc(char c)
{
    while (!(reg_read(REG_LSR) & LSR_THR_EMPTY))
        ;
    reg_write(REG_THR, (uint8_t)c);
}
