/*
 * kernel/mm/boot_pagetable.c — the Sv39 root table entry.S switches to.
 *
 * Three kinds of 1 GiB leaf entries, enough to run C at the link address:
 *   [2]        identity map of 0x80000000 (only until entry.S jumps high),
 *   [256..259] the direct map: DIRECT_MAP_BASE + pa for pa in 0..4 GiB (RW),
 *   [510]      the kernel image: 0xffffffff80000000 -> 0x80000000 (RWX).
 * It lives in .data (initialized), because .bss is zeroed only after paging
 * is on. The memory code builds the real table with 4 KiB W^X mappings.
 */
#include <stdint.h>

#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_G 0x20
#define PTE_A 0x40
#define PTE_D 0x80
#define GIGA_PTE(pa, flags) ((((uint64_t)(pa) >> 12) << 10) | (flags))

__attribute__((aligned(4096)))
uint64_t boot_pagetable[512] = {
    [2] = GIGA_PTE(0x80000000UL, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D),
    [256] = GIGA_PTE(0x00000000UL, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D | PTE_G),
    [257] = GIGA_PTE(0x40000000UL, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D | PTE_G),
    [258] = GIGA_PTE(0x80000000UL, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D | PTE_G),
    [259] = GIGA_PTE(0xc0000000UL, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D | PTE_G),
    [510] = GIGA_PTE(0x80000000UL, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D | PTE_G),
};
