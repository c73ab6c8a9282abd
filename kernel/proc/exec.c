/*
 * kernel/proc/exec.c — loading an ELF program into a fresh address space.
 *
 * Accepted: ELF64, little-endian, RISC-V, ET_EXEC, at most 16 program
 * headers; each PT_LOAD lies in [USER_MIN, USER_MMAP_BASE), has
 * p_vaddr ≡ p_offset (mod 4 KiB), p_memsz ≥ p_filesz, and is not both
 * writable and executable (W^X), and no two segments share a page. Anything
 * else is -ENOEXEC, and the old image is left untouched: the new space is
 * built completely before it replaces the old one.
 *
 * The initial stack (user/lib/crt0.S has the layout): argc, argv[], NULL,
 * envp[], NULL, then the strings, 16-byte aligned, at the top of a
 * USER_STACK_INIT stack that grows on demand.
 */
#include "kernel/proc/proc.h"

#include "kernel/arch/console.h"
#include "kernel/abi/errno.h"
#include "kernel/mm/kalloc.h"
#include "kernel/arch/memlayout.h"
#include "kernel/arch/riscv.h"
#include "kernel/lib/string.h"
#include "kernel/proc/signal.h"
#include "kernel/mm/uvm.h"

#define EM_RISCV 243
#define ET_EXEC 2
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define MAX_PHDRS 16
#define SSTATUS_FS_INITIAL (1UL << 13)
#define SSTATUS_FS_MASK (3UL << 13)

struct elf64_ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

void fp_restore(const struct fpstate *fp);

static int read_at(struct file *f, uint64_t off, void *buf, uint64_t n)
{
    f->off = off;
    int64_t got = vfs_read(f, buf, n);
    if (got < 0)
        return (int)got;
    return (uint64_t)got == n ? 0 : -ENOEXEC;
}

static int load_segment(struct file *f, pte_t *pt, const struct elf64_phdr *ph, uint16_t owner)
{
    if (ph->memsz < ph->filesz || (ph->vaddr & (PAGE_SIZE - 1)) != (ph->offset & (PAGE_SIZE - 1)))
        return -ENOEXEC;
    if (ph->vaddr < USER_MIN || ph->memsz > USER_MMAP_BASE ||
        ph->vaddr > USER_MMAP_BASE - ph->memsz)
        return -ENOEXEC;
    if ((ph->flags & PF_W) && (ph->flags & PF_X))
        return -ENOEXEC;
    uint64_t perm = (ph->flags & PF_R ? VM_R : 0) | (ph->flags & PF_W ? VM_W : 0) |
                    (ph->flags & PF_X ? VM_X : 0);
    if (!(perm & VM_R))
        perm |= VM_R; /* RISC-V has no write-only or execute-only user pages we need */
    uint64_t lo = ph->vaddr & ~(PAGE_SIZE - 1);
    uint64_t hi = (ph->vaddr + ph->memsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    int err = uvm_alloc(pt, lo, hi - lo, perm, owner);
    if (err)
        return err == -EEXIST ? -ENOEXEC : err;
    /* File contents straight into the new pages through the direct map. */
    for (uint64_t done = 0; done < ph->filesz;) {
        uint64_t va = ph->vaddr + done, pa;
        if (!vm_translate(pt, va, &pa, NULL))
            return -ENOEXEC;
        uint64_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (chunk > ph->filesz - done)
            chunk = ph->filesz - done;
        err = read_at(f, ph->offset + done, pa_to_kva(pa), chunk);
        if (err)
            return err;
        done += chunk;
    }
    return 0;
}

/* Builds argc/argv/envp at the top of the stack; returns the initial sp. */
static int64_t build_stack(pte_t *pt, char *const argv[], char *const envp[])
{
    uint64_t argc = 0, envc = 0, strings = 0;
    for (; argv && argv[argc]; argc++)
        strings += strlen(argv[argc]) + 1;
    for (; envp && envp[envc]; envc++)
        strings += strlen(envp[envc]) + 1;
    uint64_t pointers = 8 * (1 + argc + 1 + envc + 1);
    if (strings + pointers + 64 > USER_STACK_INIT)
        return -E2BIG;

    uint64_t str_at = USER_STACK_TOP - strings;
    uint64_t sp = (str_at - pointers) & ~15UL;
    uint64_t vec[1 + 64 + 1 + 64 + 1];
    if (argc > 64 || envc > 64)
        return -E2BIG;
    uint64_t n = 0;
    vec[n++] = argc;
    char *const *lists[2] = { argv, envp };
    uint64_t counts[2] = { argc, envc };
    for (int l = 0; l < 2; l++) {
        for (uint64_t i = 0; i < counts[l]; i++) {
            size_t len = strlen(lists[l][i]) + 1;
            if (uvm_write(pt, str_at, lists[l][i], len) < 0)
                return -EFAULT;
            vec[n++] = str_at;
            str_at += len;
        }
        vec[n++] = 0;
    }
    if (uvm_write(pt, sp, vec, n * 8) < 0)
        return -EFAULT;
    return (int64_t)sp;
}

int exec_image(struct proc *p, const char *path, char *const argv[], char *const envp[])
{
    struct file *f;
    /* A relative path starts at the caller's working directory (spawn's
     * caller is the parent; at boot there is none: the root). */
    struct proc *caller = proc_current();
    int err = vfs_open(caller ? caller->cwd : NULL, path, O_RDONLY, 0, &f);
    if (err)
        return err;
    struct stat st;
    struct elf64_ehdr eh;
    struct elf64_phdr ph[MAX_PHDRS];
    pte_t *pt = NULL;
    int64_t sp = 0;
    uint64_t top = USER_MIN;

    err = vfs_fstat(f, &st);
    if (!err && !S_ISREG(st.st_mode))
        err = -EACCES;
    if (!err)
        err = read_at(f, 0, &eh, sizeof eh);
    if (!err && (eh.ident[0] != 0x7f || eh.ident[1] != 'E' || eh.ident[2] != 'L' ||
                 eh.ident[3] != 'F' || eh.ident[4] != 2 /* 64-bit */ ||
                 eh.ident[5] != 1 /* little-endian */ || eh.machine != EM_RISCV ||
                 eh.type != ET_EXEC || eh.phentsize != sizeof(struct elf64_phdr) ||
                 eh.phnum == 0 || eh.phnum > MAX_PHDRS))
        err = -ENOEXEC;
    if (!err)
        err = read_at(f, eh.phoff, ph, eh.phnum * sizeof(struct elf64_phdr));
    if (!err && !(pt = vm_create()))
        err = -ENOMEM;
    for (int i = 0; !err && i < eh.phnum; i++) {
        if (ph[i].type != PT_LOAD || ph[i].memsz == 0)
            continue; /* an empty segment (e.g. no rodata) maps nothing */
        err = load_segment(f, pt, &ph[i], PAGE_OWNER_PROC(p->pid));
        if (!err && ph[i].vaddr + ph[i].memsz > top)
            top = ph[i].vaddr + ph[i].memsz;
    }
    if (!err && (eh.entry < USER_MIN || eh.entry >= top))
        err = -ENOEXEC;
    if (!err)
        err = uvm_alloc(pt, USER_STACK_TOP - USER_STACK_INIT, USER_STACK_INIT, VM_R | VM_W,
                        PAGE_OWNER_PROC(p->pid));
    if (!err) {
        sp = build_stack(pt, argv, envp);
        if (sp < 0)
            err = (int)sp;
    }
    file_put(f);
    if (err) {
        if (pt)
            uvm_destroy(pt);
        return err;
    }

    /* Point of no return: switch to the new image. */
    pte_t *old = p->pagetable;
    p->pagetable = pt;
    if (p == proc_current())
        vm_activate(pt);
    if (old)
        uvm_destroy(old);
    p->heap_start = p->brk = (top + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    p->stack_lo = USER_STACK_TOP - USER_STACK_INIT;
    p->mmap_next = USER_MMAP_BASE;
    memset(p->tf, 0, TRAP_FRAME_SIZE);
    p->tf->sepc = eh.entry;
    p->tf->regs[2] = (uint64_t)sp;
    p->tf->sstatus = (csr_read(sstatus) & ~(SSTATUS_SPP | SSTATUS_SIE | SSTATUS_FS_MASK)) |
                     SSTATUS_SPIE | SSTATUS_FS_INITIAL;
    memset(&p->fp, 0, sizeof p->fp);
    signal_exec(p);
    const char *base = path;
    for (const char *c = path; *c; c++)
        if (*c == '/')
            base = c + 1;
    task_set_name(&p->task, base);
    return 0;
}

int proc_exec(const char *path, char *const argv[], char *const envp[])
{
    struct proc *p = proc_current();
    int err = exec_image(p, path, argv, envp);
    if (!err)
        fp_restore(&p->fp); /* the new image starts with clear FP registers */
    return err;
}
