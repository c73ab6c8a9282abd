/*
 * kernel/arch/riscv.h — RISC-V supervisor CSRs and the few instructions C needs.
 * Names follow the privileged specification; only what the kernel uses.
 */
#ifndef KERNEL_RISCV_H
#define KERNEL_RISCV_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/arch/panic.h"

#define SSTATUS_SIE   (1UL << 1)
#define SSTATUS_SPIE  (1UL << 5)
#define SSTATUS_SPP   (1UL << 8)
#define SSTATUS_SUM   (1UL << 18)

#define SIE_SSIE (1UL << 1)
#define SIE_STIE (1UL << 5)
#define SIE_SEIE (1UL << 9)

/* scause: the top bit says interrupt; the rest is the code (privileged
 * specification, "Supervisor cause register" tables). */
#define SCAUSE_INTERRUPT (1UL << 63)
#define IRQ_S_SOFT  1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT   9
#define IRQ_COUNTER_OVERFLOW 13

/* Exception codes (scause without SCAUSE_INTERRUPT). */
#define SCAUSE_INST_MISALIGNED    0
#define SCAUSE_INST_ACCESS_FAULT  1
#define SCAUSE_ILLEGAL_INST       2
#define SCAUSE_BREAKPOINT         3
#define SCAUSE_LOAD_MISALIGNED    4
#define SCAUSE_LOAD_ACCESS_FAULT  5
#define SCAUSE_STORE_MISALIGNED   6
#define SCAUSE_STORE_ACCESS_FAULT 7
#define SCAUSE_ECALL_U            8
#define SCAUSE_ECALL_S            9
#define SCAUSE_INST_PAGE_FAULT    12
#define SCAUSE_LOAD_PAGE_FAULT    13
#define SCAUSE_STORE_PAGE_FAULT   15
#define SCAUSE_SOFTWARE_CHECK     18
#define SCAUSE_HARDWARE_ERROR     19

static inline bool scause_is_page_fault(uint64_t code)
{
    return code == SCAUSE_INST_PAGE_FAULT || code == SCAUSE_LOAD_PAGE_FAULT ||
           code == SCAUSE_STORE_PAGE_FAULT;
}

static inline bool scause_is_access_fault(uint64_t code)
{
    return code == SCAUSE_INST_ACCESS_FAULT || code == SCAUSE_LOAD_ACCESS_FAULT ||
           code == SCAUSE_STORE_ACCESS_FAULT;
}

#define CSR_STIMECMP 0x14d

#define csr_read(csr)                                                   \
    ({ uint64_t v_; __asm__ volatile("csrr %0, " #csr : "=r"(v_)); v_; })
#define csr_write(csr, val)                                             \
    __asm__ volatile("csrw " #csr ", %0" ::"r"((uint64_t)(val)) : "memory")
#define csr_set(csr, bits)                                              \
    __asm__ volatile("csrs " #csr ", %0" ::"r"((uint64_t)(bits)) : "memory")
#define csr_clear(csr, bits)                                            \
    __asm__ volatile("csrc " #csr ", %0" ::"r"((uint64_t)(bits)) : "memory")

static inline uint64_t rdtime(void)
{
    uint64_t t;
    __asm__ volatile("rdtime %0" : "=r"(t));
    return t;
}

static inline void wfi(void) { __asm__ volatile("wfi"); }

static inline void sfence_vma_all(void)
{
    __asm__ volatile("sfence.vma zero, zero" ::: "memory");
}

/* Interrupt enable state, saved and restored around short critical sections. */
static inline uint64_t irq_save(void)
{
    uint64_t s;
    __asm__ volatile("csrrci %0, sstatus, 2" : "=r"(s)::"memory");
    return s & SSTATUS_SIE;
}

static inline void irq_restore(uint64_t saved)
{
    if (saved)
        csr_set(sstatus, SSTATUS_SIE);
}

/* Whether this hart takes interrupts now (sstatus.SIE). */
static inline bool irq_enabled(void)
{
    return (csr_read(sstatus) & SSTATUS_SIE) != 0;
}

/* The rule "called with interrupts off" (debug builds; kernel/arch/panic.h). */
#define KASSERT_INTR_OFF() KASSERT_DEBUG(!irq_enabled())

#endif
