/*
 * user/sysfuzz.c — a seeded system-call fuzzer (issue 13).
 *
 *   sysfuzz [-s SEED] [-n CALLS] [-t SECONDS] [-b BATCH] [-x known] [-v]
 *
 * Calls every system call number (0 .. SYS_COUNT+3, and huge ones) with
 * hostile arguments at full 64-bit width — 0, -1, INT_MIN/MAX,
 * 0x100000000+small, huge lengths, unmapped and kernel addresses, pointers
 * that straddle the end of a mapping, random bits — mixed with well-formed
 * arguments (valid descriptors, paths under /tmp/fz, sane structures) so
 * calls get past the first check and go deep. The point is the kernel:
 * whatever a process passes, the kernel must not panic, hang or corrupt
 * the file system. Ends with a summary line and exit status 0 when the
 * kernel still forks, execs and does file I/O.
 *
 * Structure:
 *  - The supervisor (the process started) never fuzzes. It forks one
 *    worker per batch of BATCH_CALLS calls; the worker's call sequence
 *    depends only on (SEED, batch number), so `sysfuzz -s SEED -b B -n ...`
 *    replays from batch B. A worker may wreck itself (close its
 *    descriptors, shrink its heap, install a handler at a random address,
 *    be killed by a signal): the supervisor just counts the death and
 *    starts the next batch.
 *  - The worker reports each call (number, outcome) as one 4-byte record
 *    through a pipe at REPORT_FD; the fuzzer never hands REPORT_FD to a
 *    call. Calls block legitimately (a read of the console, a wait): the
 *    worker arms a 20 ms one-shot SIGALRM before each call so the call ends
 *    with EINTR, and the supervisor kills a worker that reports nothing for
 *    WORKER_STALL_MS.
 *  - Calls that would end or maim the worker pointlessly run in a forked
 *    child of the worker: exit, execve, sigreturn, munmap (it may unmap
 *    our own text or stack), kill (the target may be ourselves). A child
 *    that dies by a signal is fine and counted. reboot runs in the worker
 *    but never with the power-off/halt/restart commands: that would end the
 *    test machine, which proves nothing.
 *  - Paths come from a pool under /tmp/fz (made and removed by the
 *    supervisor); system files (/bin, /dev) appear only in calls that
 *    cannot change them, so the fuzzer does not delete the shell it runs
 *    under. kill never targets the supervisor or its parent (the shell).
 *  - `-x known` skips the argument patterns of bugs being fixed elsewhere
 *    (issue 13 items 1-4: 64-bit signal/pid values, tiny or wrapping timer
 *    intervals, nanosleep overflow, huge munmap ranges, signals to init,
 *    TIOCSPGRP, PROT_EXEC device mappings) so a development run finds the
 *    others. `make test` never passes it.
 *  - `-v` prints every call before it is made (to the console), so the
 *    last line before a kernel panic names the culprit.
 *  - At the end: leftover fuzz processes are killed (one that survives
 *    SIGKILL fails the run), the kernel's page tables, kernel stacks,
 *    process pages and pipe pages must be back to their starting counts
 *    (/dev/meminfo), and a spawn and a file write/read-back must work.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kernel/lib/splitmix64.h"

#define BATCH_CALLS 400         /* calls per worker */
#define WORKER_STALL_MS 2000    /* a worker silent this long is killed */
#define REPORT_FD 30            /* the worker's end of the report pipe */
#define LOG_FD 29               /* -v: the console, kept for the call log */
#define MAX_NR (SYS_COUNT + 4)  /* numbers 0..MAX_NR-1 counted one by one */
#define ERRNO_SLOTS 134
#define FUZZ_DIR "/tmp/fz"

/* What a record's outcome means besides 0 (success) and errno > 0. */
#define OUT_CHILD_SIGNALED -1   /* the call ran in a child, which a signal killed */
#define OUT_CHILD_NORETURN -2   /* ... which exited or exec'd (exit, execve) */

struct record {
    uint16_t nr;                /* MAX_NR - 1 stands for "huge number" */
    int16_t outcome;
};

static struct {
    uint64_t seed;
    long max_calls;
    long seconds;
    long first_batch;
    bool skip_known;
    bool verbose;
    pid_t protected_pids[2];    /* the supervisor and its parent */
} opt = { 1, 10000, 0, 0, false, false, { 0, 0 } };

/* ---- the generator: splitmix64, one stream per batch ------------------- */

static uint64_t rng_state;

static uint64_t rnd(void) { return splitmix64_next(&rng_state); }

static uint64_t below(uint64_t n) { return n ? rnd() % n : 0; }
static bool chance(unsigned percent) { return below(100) < percent; }

/* ---- the worker's playground: buffers, descriptors, paths -------------- */

static uint8_t scratch[65536];          /* valid, writable */
static char path_pool_text[8192];       /* NUL-separated paths */
static const char *paths[40];
static unsigned npaths, nsystem_paths;  /* paths[0..nsystem_paths) are system paths */
static uint8_t *edge_page;              /* a mapped page with an unmapped page after it */
static struct timespec ts_arg[2];
static struct itimerval itv_arg;
static struct sigaction sa_arg;
static uint64_t sigset_arg;
static uint64_t argv_arg[8], argv_bad[8];
static int fd_pool[24];
static unsigned nfds;
static pid_t kids[64];
static unsigned nkids;
static volatile sig_atomic_t alarm_hits;
static int call_limit;                  /* calls this process makes */

static void on_alarm(int sig) { (void)sig; alarm_hits++; }
static uint64_t hostile_int(void);
static uint64_t hostile_ptr(void);

static void add_path(const char *p, bool system)
{
    static size_t used;
    size_t n = strlen(p) + 1;
    if (used + n > sizeof path_pool_text || npaths == sizeof paths / sizeof *paths)
        return;
    memcpy(path_pool_text + used, p, n);
    paths[npaths++] = path_pool_text + used;
    if (system)
        nsystem_paths = npaths;
    used += n;
}

static void build_paths(void)
{
    /* System paths first: only calls that cannot change them see them. */
    const char *sys[] = { "/bin/true", "/bin/echo", "/dev/null", "/dev/zero", "/dev/console",
                          "/dev", "/bin", "/dev/fb0", "/dev/audio", "/dev/meminfo" };
    for (unsigned i = 0; i < sizeof sys / sizeof *sys; i++)
        add_path(sys[i], true);
    const char *mine[] = { FUZZ_DIR "/f0", FUZZ_DIR "/f1", FUZZ_DIR "/d0", FUZZ_DIR "/d0/x",
                           FUZZ_DIR "/new", FUZZ_DIR "/f0/", FUZZ_DIR "/../fz/f1", FUZZ_DIR,
                           FUZZ_DIR "/", ".", "..", "", "/", "/.", "/..", "f0", "d0/../f0",
                           "//tmp///fz//f1", FUZZ_DIR "/elf", FUZZ_DIR "/d0/..", "d0/x/y",
                           FUZZ_DIR "/\x80\xff\x01name" };
    for (unsigned i = 0; i < sizeof mine / sizeof *mine; i++)
        add_path(mine[i], false);
    static char longname[300], longpath[PATH_MAX + 8];
    memset(longname, 'n', sizeof longname - 1);
    add_path(longname, false); /* a component longer than NAME_MAX */
    for (size_t i = 0; i + 2 < sizeof longpath; i += 2)
        memcpy(longpath + i, "a/", 2);
    add_path(longpath + sizeof longpath - PATH_MAX - 1, false); /* PATH_MAX long */
}

static void open_fds(void)
{
    int p[2];
    const struct { const char *path; int flags; } files[] = {
        { FUZZ_DIR "/f0", O_RDWR | O_CREAT }, { FUZZ_DIR, O_RDONLY },
        { "/dev/null", O_RDWR }, { "/dev/zero", O_RDONLY }, { "/dev/console", O_RDONLY },
        { "/dev/fb0", O_RDWR }, { "/dev/audio", O_WRONLY }, { "/dev/meminfo", O_RDONLY },
        { "/dev/ps", O_RDONLY }, { "/dev/stat", O_RDONLY }, { "/", O_RDONLY },
        { FUZZ_DIR "/f1", O_WRONLY | O_APPEND | O_CREAT }, { "/bin/true", O_RDONLY },
    };
    for (unsigned i = 0; i < sizeof files / sizeof *files; i++) {
        int fd = open(files[i].path, files[i].flags, 0644);
        if (fd >= 0)
            fd_pool[nfds++] = fd;
    }
    /* Every other device too (the keyboard, whatever was added since). */
    DIR *d = opendir("/dev");
    struct dirent *e;
    static char dev[64];
    while (d && (e = readdir(d)) != NULL && nfds < sizeof fd_pool / sizeof *fd_pool - 2) {
        snprintf(dev, sizeof dev, "/dev/%s", e->d_name);
        bool have = false;
        for (unsigned i = 0; i < sizeof files / sizeof *files; i++)
            have |= !strcmp(files[i].path, dev);
        int fd = have || e->d_name[0] == '.' ? -1 : open(dev, O_RDONLY);
        if (fd >= 0)
            fd_pool[nfds++] = fd;
    }
    if (d)
        closedir(d);
    /* A pipe with data and no writer (reads never block), and one with
     * no reader (writes fail with EPIPE). */
    if (pipe(p) == 0) {
        write(p[1], "sysfuzz pipe data", 17);
        close(p[1]);
        fd_pool[nfds++] = p[0];
    }
    if (pipe(p) == 0) {
        close(p[0]);
        fd_pool[nfds++] = p[1];
    }
}

/* A copy of /bin/true with a few header bytes changed: exec's loader. */
static void write_mangled_elf(void)
{
    static uint8_t image[32768];
    int fd = open("/bin/true", O_RDONLY);
    if (fd < 0)
        return;
    ssize_t n = read(fd, image, sizeof image);
    close(fd);
    if (n <= 64)
        return;
    unsigned flips = (unsigned)below(4);
    for (unsigned i = 0; i < flips; i++)
        image[below(n < 512 ? (uint64_t)n : 512)] = (uint8_t)rnd();
    if (chance(60)) {
        /* One field of the ELF header or of a program header (offset,
         * vaddr, filesz, memsz, entry, phoff...) made hostile. */
        static const uint16_t at8[] = { 24, 32, 64 + 8, 64 + 16, 64 + 32, 64 + 40,
                                        120 + 8, 120 + 16, 120 + 32, 120 + 40 };
        uint64_t v = chance(50) ? hostile_int() : hostile_ptr();
        memcpy(image + at8[below(sizeof at8 / sizeof *at8)], &v, 8);
    }
    if (chance(20))
        n = (ssize_t)below((uint64_t)n);
    fd = open(FUZZ_DIR "/elf", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (fd >= 0) {
        write(fd, image, (size_t)n);
        close(fd);
    }
}

static void worker_setup(void)
{
    for (int fd = 0; fd < 3; fd++)
        close(fd);
    int null = open("/dev/null", O_RDWR); /* fds 0, 1, 2: nothing to read or print */
    dup(null);
    dup(null);
    signal(SIGPIPE, SIG_IGN);
    chdir(FUZZ_DIR);
    build_paths();
    open_fds();
    write_mangled_elf();
    edge_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (edge_page == MAP_FAILED)
        edge_page = scratch;
    for (size_t i = 0; i < sizeof scratch; i++)
        scratch[i] = (uint8_t)rnd();
    argv_arg[0] = (uint64_t)"true";
    argv_arg[1] = 0;
    for (unsigned i = 0; i < 8; i++)
        argv_bad[i] = rnd(); /* no NULL: runs off the end or faults */
}

/* ---- arguments ---------------------------------------------------------- */

/* Integers at full width: the kernel must check all 64 bits. */
static uint64_t hostile_int(void)
{
    static const uint64_t pool[] = {
        0, 1, 2, 3, (uint64_t)-1, (uint64_t)-2, 0x7fffffff, 0x80000000ULL, 0xffffffffULL,
        (uint64_t)(int64_t)INT32_MIN, 0x100000000ULL, 0x100000001ULL, 0x100000002ULL,
        0x100000009ULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL, (uint64_t)-4096,
        (uint64_t)-4095, 1ULL << 62, 4096, 4095, 65536, 1ULL << 40, 0xffffffff00000001ULL,
    };
    switch (below(4)) {
    case 0: return rnd();
    case 1: return below(64);
    case 2: return (uint32_t)rnd();
    default: return pool[below(sizeof pool / sizeof *pool)];
    }
}

/* Pointers the kernel must refuse or survive (docs/memory-map.md). */
static uint64_t hostile_ptr(void)
{
    uint64_t edge_end = (uint64_t)edge_page + 4096;
    const uint64_t pool[] = {
        0, 1, 8, 0xfff, 0x10000 /* our text: readable, not writable */,
        0x1000000000ULL /* unmapped */, edge_end - 1, edge_end - 4, edge_end - 8,
        edge_end - 16, edge_end - 100, 0x3fffffffffULL, 0x3ffffffff8ULL, 0x4000000000ULL,
        0x3fffff0000ULL - 8 /* stack top */, 0xffffffc000000000ULL /* direct map */,
        0xffffffc080200000ULL /* kernel image, direct-mapped */, 0xffffffd000000000ULL,
        0xffffffff80200000ULL /* kernel text */, 0xffffffff80201000ULL,
        0x8000000000000000ULL, (uint64_t)-4096, (uint64_t)-1,
        (uint64_t)scratch | 0x100000000ULL, (uint64_t)scratch + (1ULL << 39),
    };
    return pool[below(sizeof pool / sizeof *pool)];
}

static uint64_t any_fd(void)
{
    if (chance(75) && nfds)
        return (uint64_t)fd_pool[below(nfds)];
    if (chance(50))
        return below(32);
    return hostile_int();
}

static uint64_t buffer_ptr(void)
{
    if (chance(70))
        return (uint64_t)scratch + below(512);
    return hostile_ptr();
}

static uint64_t length(void)
{
    static const uint64_t pool[] = { 0, 1, 7, 64, 512, 4096, 65536, 65537, 1 << 20,
                                     0x7fffffffffffffffULL, (uint64_t)-1, 0x100000000ULL };
    return chance(70) ? pool[below(sizeof pool / sizeof *pool)] : hostile_int();
}

/* File offsets at ext2's mapping boundaries (4 KiB blocks: 12 direct,
 * then single, double, triple indirect) and its 1 TiB size limit. */
static uint64_t file_offset(void)
{
    static const uint64_t pool[] = {
        12 * 4096ULL, (12 + 1024) * 4096ULL, (12 + 1024 + 1024 * 1024) * 4096ULL,
        (12 + 1024 + 1024 * 1024ULL + 1024ULL * 1024 * 1024) * 4096, 1ULL << 40,
        (1ULL << 32) * 4096, 1ULL << 63,
    };
    if (chance(40))
        return length();
    return pool[below(sizeof pool / sizeof *pool)] + below(3) - 1;
}

static uint64_t path_arg(bool mutating)
{
    if (chance(15))
        return hostile_ptr();
    if (chance(5))
        return (uint64_t)scratch + below(256); /* random bytes */
    unsigned lo = mutating ? nsystem_paths : 0;
    return (uint64_t)paths[lo + below(npaths - lo)];
}

static uint64_t sane_or(uint64_t sane, unsigned percent)
{
    return chance(percent) ? sane : hostile_int();
}

static void fill_timespec(void)
{
    for (int i = 0; i < 2; i++) {
        ts_arg[i].tv_sec = (int64_t)(chance(80) ? below(2) * 0 : hostile_int());
        ts_arg[i].tv_nsec = (int64_t)(chance(80) ? below(3000000) : hostile_int());
    }
}

static void fill_itimer(void)
{
    uint64_t *f = (uint64_t *)&itv_arg;
    for (int i = 0; i < 4; i++)
        f[i] = chance(70) ? below(i & 1 ? 1000000 : 2) : hostile_int();
}

static void fill_sigaction(void)
{
    static const uint64_t handlers[] = { 0, 1, (uint64_t)on_alarm, 0x10000,
                                         0xffffffff80200000ULL, 0x1000000000ULL };
    sa_arg.sa_handler = chance(80) ? handlers[below(6)] : hostile_int();
    sa_arg.sa_mask = chance(50) ? below(1 << 20) : rnd();
    sa_arg.sa_flags = chance(70) ? (below(8) << 28) : hostile_int();
    sa_arg.sa_restorer = chance(70) ? (uint64_t)__sigreturn_stub : hostile_ptr();
    sigset_arg = chance(50) ? SIGNAL_BIT(below(32) + 1) : rnd();
}

static uint64_t struct_ptr(void *valid)
{
    return chance(75) ? (uint64_t)valid : hostile_ptr();
}

static uint64_t ioctl_request(void)
{
    static const uint64_t reqs[] = { TIOCGPGRP, TIOCSPGRP, TIOCGMODE, TIOCSMODE, TIOCGWINSZ,
                                     FBIOC_GET_INFO, FBIOC_PRESENT, AUDIO_SET_FORMAT,
                                     AUDIO_GET_CLOCK, AUDIO_DRAIN, AUDIO_PAUSE, AUDIO_RESUME,
                                     AUDIO_SET_LATENCY, AUDIO_FLUSH };
    uint64_t r = reqs[below(sizeof reqs / sizeof *reqs)];
    return chance(80) ? r : (chance(50) ? r | 0x100000000ULL : hostile_int());
}

/* A plausible structure for the request, or anything. */
static uint64_t ioctl_arg(void)
{
    static uint32_t words[4];
    switch (below(4)) {
    case 0: /* struct audio_format */
        words[0] = chance(70) ? (chance(50) ? 44100 : 48000) : (uint32_t)rnd();
        words[1] = chance(70) ? 1 + (uint32_t)below(2) : (uint32_t)rnd();
        return (uint64_t)words;
    case 1: /* struct fb_present, an int pid, a mode */
        for (int i = 0; i < 4; i++)
            words[i] = chance(50) ? (uint32_t)below(2000) : (uint32_t)hostile_int();
        return (uint64_t)words;
    case 2: return buffer_ptr();
    default: return hostile_int();
    }
}

/* A pid: ours, a child's, init, nonexistent, or hostile. Never the
 * supervisor or the shell: killing them proves nothing about the kernel. */
static uint64_t pid_arg(void)
{
    uint64_t pid;
    switch (below(5)) {
    case 0: pid = (uint64_t)getpid(); break;
    case 1: pid = nkids ? (uint64_t)kids[below(nkids)] : 1; break;
    case 2: pid = chance(50) ? 1 : 30000 + below(100); break;
    default: pid = hostile_int(); break;
    }
    return pid; /* protect() keeps the supervisor and the shell out */
}

static uint64_t signal_arg(void)
{
    return chance(80) ? below(34) : hostile_int();
}

/* ---- one call: number and arguments ------------------------------------- */

struct call {
    uint64_t nr, a[6];
};

static bool is_mutating_open(uint64_t flags)
{
    return (flags & (O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND)) != 0;
}

static void args_for(struct call *c)
{
    uint64_t *a = c->a;
    switch (c->nr) {
    case SYS_exit: a[0] = hostile_int(); break;
    case SYS_execve: case SYS_spawn:
        a[0] = chance(30) ? (uint64_t)FUZZ_DIR "/elf" : path_arg(false);
        a[1] = chance(60) ? (uint64_t)argv_arg : (chance(50) ? (uint64_t)argv_bad : hostile_ptr());
        a[2] = chance(60) ? 0 : (chance(50) ? (uint64_t)argv_bad : hostile_ptr());
        break;
    case SYS_wait4:
        a[0] = chance(50) ? (uint64_t)-1 : pid_arg();
        a[1] = buffer_ptr(); a[2] = sane_or(below(4), 80); a[3] = sane_or(0, 80); break;
    case SYS_kill: a[0] = pid_arg(); a[1] = signal_arg(); break;
    case SYS_brk: a[0] = chance(50) ? (uint64_t)sbrk(0) + below(1 << 20) - (1 << 19)
                                    : hostile_ptr(); break;
    case SYS_mmap:
        a[0] = chance(50) ? 0 : hostile_ptr(); a[1] = length();
        a[2] = sane_or(below(8), 80); a[3] = sane_or(below(64), 70);
        a[4] = any_fd(); a[5] = sane_or(below(4) * 4096, 80); break;
    case SYS_munmap:
        a[0] = chance(50) ? (uint64_t)edge_page + 4096 * (below(64) - 8) : hostile_ptr();
        a[1] = length(); break;
    case SYS_open: {
        a[1] = sane_or(below(0400000), 85); a[2] = sane_or(0644, 70);
        a[0] = path_arg(is_mutating_open(a[1]));
        break;
    }
    case SYS_close: case SYS_dup: case SYS_fstat: case SYS_ftruncate:
        a[0] = any_fd(); a[1] = c->nr == SYS_ftruncate ? file_offset() : buffer_ptr(); break;
    case SYS_read: case SYS_write: case SYS_getdents:
        a[0] = any_fd(); a[1] = buffer_ptr(); a[2] = length(); break;
    case SYS_lseek: a[0] = any_fd(); a[1] = file_offset(); a[2] = sane_or(below(3), 80); break;
    case SYS_stat: a[0] = path_arg(false); a[1] = buffer_ptr(); break;
    case SYS_mkdir: case SYS_unlink: case SYS_rmdir: case SYS_chdir: case SYS_truncate:
        a[0] = path_arg(c->nr != SYS_chdir); a[1] = file_offset(); break;
    case SYS_rename: a[0] = path_arg(true); a[1] = path_arg(true); break;
    case SYS_getcwd: a[0] = buffer_ptr(); a[1] = length(); break;
    case SYS_dup2: a[0] = any_fd(); a[1] = any_fd(); break;
    case SYS_pipe: a[0] = buffer_ptr(); break;
    case SYS_ioctl: a[0] = any_fd(); a[1] = ioctl_request(); a[2] = ioctl_arg(); break;
    case SYS_nanosleep: fill_timespec(); a[0] = struct_ptr(&ts_arg[0]);
        a[1] = struct_ptr(&ts_arg[1]); break;
    case SYS_clock_gettime: a[0] = sane_or(below(3), 80); a[1] = buffer_ptr(); break;
    case SYS_uname: a[0] = buffer_ptr(); break;
    case SYS_reboot: a[0] = hostile_int(); a[1] = hostile_int(); break;
    case SYS_sigaction: fill_sigaction(); a[0] = signal_arg();
        a[1] = struct_ptr(&sa_arg); a[2] = chance(50) ? 0 : buffer_ptr(); break;
    case SYS_sigprocmask: fill_sigaction(); a[0] = sane_or(below(3), 80);
        a[1] = struct_ptr(&sigset_arg); a[2] = chance(50) ? 0 : buffer_ptr(); break;
    case SYS_alarm: a[0] = sane_or(below(3), 50); break;
    case SYS_setitimer: case SYS_getitimer: fill_itimer(); a[0] = sane_or(0, 80);
        a[1] = struct_ptr(&itv_arg); a[2] = chance(50) ? 0 : buffer_ptr(); break;
    default: break;
    }
}

static void make_call(struct call *c)
{
    if (chance(92))
        c->nr = below(MAX_NR);
    else {
        static const uint64_t huge[] = { 0x100000000ULL, 0x8000000000000000ULL, (uint64_t)-1,
                                         0xffffffffULL, 1000 };
        c->nr = huge[below(5)] + (chance(50) ? below(SYS_COUNT) : 0);
    }
    for (int i = 0; i < 6; i++)
        c->a[i] = chance(60) ? hostile_int() : hostile_ptr();
    if (!chance(10)) /* sometimes all garbage; mostly shaped to go deep */
        args_for(c);
}

/* Never hand the report pipe to a call that takes a descriptor, nor the
 * supervisor's or the shell's pid to kill (whatever built the arguments:
 * an all-garbage call too; compared as the int the kernel uses). */
static void protect(struct call *c)
{
    for (int i = 0; i < 2; i++)
        if ((int)c->a[i] == REPORT_FD || (int)c->a[i] == LOG_FD)
            c->a[i] = 5;
    for (int i = 0; i < 2; i++)
        if (c->nr == SYS_kill && (int)c->a[0] == opt.protected_pids[i])
            c->a[0] = (uint64_t)getpid();
}

/* Calls that would take the machine down: not run (see the top). */
static void defuse_reboot(struct call *c)
{
    uint32_t cmd = (uint32_t)c->a[0];
    if (c->nr == SYS_reboot && (cmd == REBOOT_CMD_POWER_OFF || cmd == REBOOT_CMD_HALT ||
                                cmd == REBOOT_CMD_RESTART))
        c->a[0] ^= 1;
}

static bool fits_int(uint64_t v) { return (uint64_t)(int64_t)(int32_t)v == v; }

/* -x known: leave out the patterns of the bugs being fixed elsewhere. */
static void skip_known(struct call *c)
{
    uint64_t *a = c->a;
    switch (c->nr) {
    case SYS_kill:
        if (!fits_int(a[0]) || (int)a[0] == 1)
            a[0] = (uint64_t)getpid();
        if (!fits_int(a[1]))
            a[1] = 0;
        break;
    case SYS_sigaction: if (!fits_int(a[0])) a[0] = SIGUSR1; break;
    case SYS_setitimer:
        a[1] = (uint64_t)&itv_arg;
        itv_arg.it_interval.tv_sec = 0;
        itv_arg.it_interval.tv_usec = 0;
        itv_arg.it_value.tv_sec = 0;
        itv_arg.it_value.tv_usec = (int64_t)(below(900000) + 1000);
        break;
    case SYS_alarm: a[0] %= 3; break;
    case SYS_nanosleep:
        a[0] = (uint64_t)&ts_arg[0];
        ts_arg[0].tv_sec = 0;
        ts_arg[0].tv_nsec = (int64_t)below(1000000);
        break;
    case SYS_munmap: if (a[1] > (1u << 30)) a[1] = 4096; break;
    case SYS_ioctl: if ((uint32_t)a[1] == TIOCSPGRP) a[1] = TIOCGPGRP; break;
    case SYS_mmap: if (!(a[3] & MAP_ANONYMOUS)) a[2] &= ~(uint64_t)PROT_EXEC; break;
    default: break;
    }
}

/* ---- running calls ------------------------------------------------------ */

static void report(uint64_t nr, long outcome)
{
    struct record r = { (uint16_t)(nr < MAX_NR ? nr : MAX_NR - 1), (int16_t)outcome };
    if (write(REPORT_FD, &r, sizeof r) != sizeof r)
        _exit(3); /* the supervisor is gone, or we lost the pipe */
}

static void log_call(long batch, int i, const struct call *c)
{
    char line[200];
    int n = snprintf(line, sizeof line,
                     "sysfuzz: b%ld #%d pid %d nr=%lu (0x%lx, 0x%lx, 0x%lx, 0x%lx, 0x%lx, 0x%lx)\n",
                     batch, i, getpid(),
                     (unsigned long)c->nr, (unsigned long)c->a[0], (unsigned long)c->a[1],
                     (unsigned long)c->a[2], (unsigned long)c->a[3], (unsigned long)c->a[4],
                     (unsigned long)c->a[5]);
    write(LOG_FD, line, (size_t)n);
}

/* Before each call: SIGALRM (ours, not restarting) in 20 ms, so a call
 * that blocks ends with EINTR instead of stalling the batch. */
static void arm_watchdog(bool reinstall)
{
    if (reinstall) {
        struct sigaction sa = { (uint64_t)on_alarm, 0, 0, 0 };
        sigaction(SIGALRM, &sa, NULL);
        sigset_t s = SIGNAL_BIT(SIGALRM);
        sigprocmask(SIG_UNBLOCK, &s, NULL);
    }
    struct itimerval t = { { 0, 0 }, { 0, 20000 } };
    setitimer(ITIMER_REAL, &t, NULL);
}

static void disarm_watchdog(void)
{
    struct itimerval t = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &t, NULL);
}

/* The mmap area (docs/memory-map.md), well below the stack: unmapping
 * there cannot hurt the worker's text, data or stack. */
#define MMAP_AREA_LO 0x2000000000ULL
#define MMAP_AREA_HI 0x3f00000000ULL

static bool runs_in_child(const struct call *c)
{
    if (c->nr == SYS_munmap)
        return !(c->a[0] >= MMAP_AREA_LO && c->a[0] < MMAP_AREA_HI &&
                 c->a[1] <= MMAP_AREA_HI - c->a[0]);
    return c->nr == SYS_exit || c->nr == SYS_execve || c->nr == SYS_sigreturn ||
           c->nr == SYS_kill;
}

static long call_now(const struct call *c)
{
    return __syscall6((long)c->nr, (long)c->a[0], (long)c->a[1], (long)c->a[2],
                      (long)c->a[3], (long)c->a[4], (long)c->a[5]);
}

/* The call in a forked child: its outcome (errno, 0, or OUT_CHILD_*). */
static long call_in_child(struct call *c)
{
    pid_t self = getpid();
    pid_t pid = fork();
    if (pid < 0)
        return errno;
    if (pid == 0) {
        if (c->nr == SYS_kill && (int)c->a[0] == self) /* "ourselves" is the child now */
            c->a[0] = (c->a[0] & ~0xffffffffULL) | (uint32_t)getpid();
        long r = call_now(c);
        _exit(r < 0 && r > -ERRNO_SLOTS ? (int)-r : 0);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) != pid) {
        if (errno != EINTR)
            return errno;
        kill(pid, SIGKILL); /* blocked or stopped: enough */
        arm_watchdog(true);
    }
    if (WIFSIGNALED(status))
        return OUT_CHILD_SIGNALED;
    if (c->nr == SYS_exit || (c->nr == SYS_execve && WEXITSTATUS(status) == 0))
        return OUT_CHILD_NORETURN;
    return WEXITSTATUS(status);
}

static void remember_kid(long pid)
{
    if (pid > 0 && nkids < sizeof kids / sizeof *kids)
        kids[nkids++] = (pid_t)pid;
}

static void one_call(long batch, int i)
{
    struct call c;
    make_call(&c);
    protect(&c);
    defuse_reboot(&c);
    if (opt.skip_known)
        skip_known(&c);
    if (opt.verbose)
        log_call(batch, i, &c);
    long outcome;
    if (runs_in_child(&c)) {
        outcome = call_in_child(&c);
    } else {
        long r = call_now(&c);
        outcome = r < 0 && r > -ERRNO_SLOTS ? -r : 0;
        if (c.nr == SYS_fork && r == 0) {
            /* A fuzz-made child fuzzes alongside us for a few calls (its
             * own calls, reported on the same pipe), then exits. */
            nkids = 0;
            call_limit = i + 1 + (int)below(20);
        }
        if (c.nr == SYS_mmap && r > 0 && r < (long)MMAP_AREA_HI && (c.a[2] & PROT_WRITE)) {
            ((volatile uint8_t *)r)[0] = 1; /* use it: copy-on-write after a fork */
            ((volatile uint8_t *)r)[((c.a[1] - 1) & ~4095ULL)] = 2;
        }
        if ((c.nr == SYS_fork || c.nr == SYS_spawn) && r > 0)
            remember_kid(r);
        if (c.nr == SYS_pipe && r == 0 && c.a[0] >= (uint64_t)scratch &&
            c.a[0] < (uint64_t)scratch + sizeof scratch - 8)
            close(((int *)c.a[0])[1]); /* so reads of the new pipe never block */
    }
    report(c.nr, outcome);
}

static void reap_kids(void)
{
    for (unsigned i = 0; i < nkids; i++) {
        kill(kids[i], SIGKILL);
        waitpid(kids[i], NULL, 0);
    }
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
}

static __attribute__((noreturn)) void worker(long batch, int calls)
{
    rng_state = opt.seed * 0x100000001b3ULL + (uint64_t)batch;
    worker_setup();
    call_limit = calls;
    for (int i = 0; i < call_limit; i++) {
        /* Our SIGALRM handler and mask, unless a call may have changed them. */
        arm_watchdog(true);
        one_call(batch, i);
        disarm_watchdog();
    }
    reap_kids();
    _exit(0);
}

/* ---- the supervisor ----------------------------------------------------- */

static struct {
    long calls, per_nr[MAX_NR], per_errno[ERRNO_SLOTS], ok;
    long child_signaled, child_noreturn;
    long workers, worker_signaled[NSIG], worker_stalled, worker_other;
} stats;

static void count(const struct record *r)
{
    stats.calls++;
    stats.per_nr[r->nr < MAX_NR ? r->nr : MAX_NR - 1]++;
    if (r->outcome == 0)
        stats.ok++;
    else if (r->outcome == OUT_CHILD_SIGNALED)
        stats.child_signaled++;
    else if (r->outcome == OUT_CHILD_NORETURN)
        stats.child_noreturn++;
    else if (r->outcome > 0 && r->outcome < ERRNO_SLOTS)
        stats.per_errno[r->outcome]++;
}

static uint64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static void sup_alarm(int sig) { (void)sig; }

/* Reads the worker's records until it ends (or stalls and is killed). */
static void collect(pid_t pid, int rfd)
{
    static uint8_t buf[4096];
    size_t have = 0;
    uint64_t last = now_ms();
    int status = 0;
    bool reaped = false;
    for (;;) {
        ssize_t n = read(rfd, buf + have, sizeof buf - have);
        if (n > 0) {
            have += (size_t)n;
            size_t whole = have / sizeof(struct record) * sizeof(struct record);
            for (size_t off = 0; off < whole; off += sizeof(struct record))
                count((const struct record *)(buf + off));
            memmove(buf, buf + whole, have - whole);
            have -= whole;
            last = now_ms();
            continue;
        }
        if (n == 0)
            break; /* every writer is gone */
        if (!reaped && waitpid(pid, &status, WNOHANG) == pid)
            reaped = true;
        if (reaped)
            break; /* its children may keep the pipe open: do not wait for them */
        if (now_ms() - last > WORKER_STALL_MS) {
            printf("sysfuzz: worker %d silent for %d ms: killing it\n", pid, WORKER_STALL_MS);
            stats.worker_stalled++;
            kill(pid, SIGKILL);
            last = now_ms();
        }
    }
    while (!reaped && !(reaped = waitpid(pid, &status, 0) == pid) && errno == EINTR)
        ; /* our 100 ms alarm interrupts the wait */
    if (WIFSIGNALED(status) && WTERMSIG(status) < NSIG)
        stats.worker_signaled[WTERMSIG(status)]++;
    else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        stats.worker_other++;
}

static void run_batch(long batch, int calls)
{
    int p[2];
    if (pipe(p) < 0) {
        printf("sysfuzz: pipe: %s\n", strerror(errno));
        exit(1);
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        if (opt.verbose)
            dup2(1, LOG_FD);
        dup2(p[1], REPORT_FD);
        if (p[1] != REPORT_FD)
            close(p[1]);
        worker(batch, calls);
    }
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        printf("sysfuzz: fork: %s\n", strerror(errno));
        return;
    }
    stats.workers++;
    collect(pid, p[0]);
    close(p[0]);
}

/* ---- setup, the end, main ----------------------------------------------- */

/* The first entry of a directory besides . and .., as dir/NAME (malloc'd). */
static char *first_entry(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char *child = NULL;
    while (d && !child && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        if ((child = malloc(n)) != NULL)
            snprintf(child, n, "%s/%s", dir, e->d_name);
    }
    if (d)
        closedir(d);
    return child;
}

/* rm -r: one entry at a time, reopening the directory after each removal
 * (no reliance on readdir's position across unlinks); gives up on an entry
 * that will not go. */
static void remove_tree(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(path);
        return;
    }
    char *child;
    while ((child = first_entry(path)) != NULL) {
        remove_tree(child);
        bool stuck = stat(child, &st) == 0;
        if (stuck)
            printf("sysfuzz: cannot remove %s: %s\n", child, strerror(errno));
        free(child);
        if (stuck)
            break;
    }
    rmdir(path);
}

static void make_playground(void)
{
    remove_tree(FUZZ_DIR);
    mkdir("/tmp", 0777);
    if (mkdir(FUZZ_DIR, 0777) < 0 || mkdir(FUZZ_DIR "/d0", 0777) < 0) {
        printf("sysfuzz: cannot make %s: %s\n", FUZZ_DIR, strerror(errno));
        exit(1);
    }
    int fd = open(FUZZ_DIR "/f1", O_WRONLY | O_CREAT, 0644);
    if (fd >= 0) {
        write(fd, "some bytes\n", 11);
        close(fd);
    }
}

/* Processes the fuzz left behind: a fork-made child that died before
 * reaping its spawns, a mangled ELF looping forever ("elf"). Kills them
 * (never the shell: only names this fuzzer runs); returns how many are
 * still there, zombies aside (init reaps those). */
static int kill_leftovers(bool do_kill)
{
    static char table[8192];
    int fd = open("/dev/ps", O_RDONLY), left = 0;
    ssize_t n = fd >= 0 ? read(fd, table, sizeof table - 1) : -1;
    if (fd >= 0)
        close(fd);
    table[n > 0 ? n : 0] = '\0';
    char *next;
    for (char *line = strchr(table, '\n'); line && line[1]; line = next) {
        next = strchr(line + 1, '\n');
        if (!next)
            break;
        *next = '\0'; /* the searches below stay within this line */
        int pid = atoi(line + 1);
        const char *name = strrchr(line + 1, ' ');
        bool ours = name && (!strcmp(name + 1, "elf") ||
                             (!strcmp(name + 1, "sysfuzz") && pid != getpid()));
        bool zombie = strstr(line + 1, " zombie ") != NULL;
        *next = '\n';
        if (!ours || zombie)
            continue;
        left++;
        if (do_kill)
            kill(pid, SIGKILL);
    }
    return left;
}

/* Pages by owner (/dev/meminfo) that must come back once every fuzz
 * process is gone: page tables, kernel stacks, process memory, pipes. */
static const char *const watched[] = { "pagetable", "stack", "processes", "pipe" };
#define NWATCHED (sizeof watched / sizeof *watched)

static void read_pages(long out[NWATCHED])
{
    static char text[2048];
    int fd = open("/dev/meminfo", O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, text, sizeof text - 1) : -1;
    if (fd >= 0)
        close(fd);
    text[n > 0 ? n : 0] = '\0';
    for (unsigned i = 0; i < NWATCHED; i++) {
        out[i] = 0;
        for (char *at = text; (at = strstr(at, watched[i])) != NULL; at++)
            if (at[-1] == ' ' && at[strlen(watched[i])] == ' ')
                out[i] = strtol(at + strlen(watched[i]), NULL, 10);
    }
}

/* Kernel memory the fuzzing left allocated, in pages (a small margin for
 * our own page tables and heap); polls while init reaps the last zombies. */
static bool pages_came_back(const long before[NWATCHED])
{
    static const long margin[NWATCHED] = { 4, 0, 16, 0 };
    long now[NWATCHED];
    bool back = false;
    for (int tries = 0; tries < 30 && !back; tries++) {
        if (tries)
            usleep(100000);
        read_pages(now);
        back = true;
        for (unsigned i = 0; i < NWATCHED; i++)
            back &= now[i] <= before[i] + margin[i];
    }
    if (!back) {
        static char table[8192]; /* who is still there, for the report */
        int fd = open("/dev/ps", O_RDONLY);
        ssize_t n = fd >= 0 ? read(fd, table, sizeof table - 1) : -1;
        if (fd >= 0)
            close(fd);
        table[n > 0 ? n : 0] = '\0';
        printf("%s", table);
    }
    if (!back)
        for (unsigned i = 0; i < NWATCHED; i++)
            printf("sysfuzz: %s pages: %ld before, %ld after%s\n", watched[i], before[i],
                   now[i], now[i] > before[i] + margin[i] ? "  LEAK" : "");
    return back;
}

/* Is the kernel still itself? A fork+exec, a file written and read back. */
static bool kernel_alive(void)
{
    char *argv[] = { "true", NULL };
    pid_t pid = spawn("/bin/true", argv, NULL);
    int status = -1;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0) {
        printf("sysfuzz: /bin/true: pid %d status %#x\n", pid, status);
        return false;
    }
    const char msg[] = "still here";
    char back[sizeof msg] = "";
    /* Not under FUZZ_DIR: a fuzzed rename may have moved that away. */
    int fd = open("/tmp/sysfuzz.alive", O_RDWR | O_CREAT | O_TRUNC, 0644);
    bool ok = fd >= 0 && write(fd, msg, sizeof msg) == sizeof msg &&
              lseek(fd, 0, SEEK_SET) == 0 && read(fd, back, sizeof back) == sizeof back &&
              !memcmp(msg, back, sizeof msg);
    if (!ok)
        printf("sysfuzz: file write/read back failed: %s\n", strerror(errno));
    if (fd >= 0)
        close(fd);
    unlink("/tmp/sysfuzz.alive");
    return ok;
}

static const char *errno_name(int e)
{
#define E(x) [x] = #x
    static const char *const names[ERRNO_SLOTS] = {
        E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG), E(ENOEXEC),
        E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES), E(EFAULT), E(EBUSY),
        E(EEXIST), E(EXDEV), E(ENODEV), E(ENOTDIR), E(EISDIR), E(EINVAL), E(ENFILE),
        E(EMFILE), E(ENOTTY), E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EPIPE),
        E(ERANGE), E(ENAMETOOLONG), E(ENOSYS), E(ENOTEMPTY), E(EOVERFLOW), E(EUCLEAN),
    };
#undef E
    return e > 0 && e < ERRNO_SLOTS ? names[e] : NULL;
}

static void print_summary(uint64_t ms)
{
    int covered = 0;
    for (int nr = 0; nr < MAX_NR; nr++)
        covered += stats.per_nr[nr] > 0;
    long worker_deaths = stats.worker_other;
    for (int s = 0; s < NSIG; s++)
        worker_deaths += stats.worker_signaled[s];
    printf("sysfuzz: seed=%lu calls=%ld numbers=%d/%d huge_numbers=%ld ok=%ld", 
           (unsigned long)opt.seed, stats.calls, covered, MAX_NR, stats.per_nr[MAX_NR - 1],
           stats.ok);
    for (int e = 1; e < ERRNO_SLOTS; e++)
        if (stats.per_errno[e])
        {
            if (errno_name(e))
                printf(" %s=%ld", errno_name(e), stats.per_errno[e]);
            else
                printf(" E%d=%ld", e, stats.per_errno[e]);
        }
    printf(" children_killed=%ld children_gone=%ld workers=%ld worker_deaths=%ld",
           stats.child_signaled, stats.child_noreturn, stats.workers, worker_deaths);
    for (int s = 1; s < NSIG; s++)
        if (stats.worker_signaled[s])
            printf(" by_sig%d=%ld", s, stats.worker_signaled[s]);
    printf(" stalled=%ld secs=%lu\n", stats.worker_stalled, (unsigned long)(ms / 1000));
}

static __attribute__((noreturn)) void usage(void)
{
    printf("usage: sysfuzz [-s SEED] [-n CALLS] [-t SECONDS] [-b BATCH] [-x known] [-v]\n");
    exit(2);
}

static void parse_args(int argc, char **argv)
{
    bool calls_given = false;
    int c;
    while ((c = getopt(argc, argv, "s:n:t:b:x:v")) != -1) {
        switch (c) {
        case 's': opt.seed = strtoull(optarg, NULL, 0); break;
        case 'n': opt.max_calls = strtol(optarg, NULL, 0); calls_given = true; break;
        case 't': opt.seconds = strtol(optarg, NULL, 0); break;
        case 'b': opt.first_batch = strtol(optarg, NULL, 0); break;
        case 'x': if (strcmp(optarg, "known")) usage(); opt.skip_known = true; break;
        case 'v': opt.verbose = true; break;
        default: usage();
        }
    }
    if (optind != argc || opt.max_calls < 0 || opt.seconds < 0 || opt.first_batch < 0)
        usage();
    if (opt.seconds && !calls_given)
        opt.max_calls = 0; /* only the time limit */
}

int main(int argc, char **argv)
{
    parse_args(argc, argv);
    opt.protected_pids[0] = getpid();
    opt.protected_pids[1] = getppid();
    printf("sysfuzz: seed=%lu calls=%ld seconds=%ld first_batch=%ld%s "
           "(replay: sysfuzz -s %lu -b BATCH)\n", (unsigned long)opt.seed, opt.max_calls,
           opt.seconds, opt.first_batch, opt.skip_known ? " skipping known bugs" : "",
           (unsigned long)opt.seed);
    make_playground();
    long pages_before[NWATCHED];
    read_pages(pages_before);
    /* Our reads of the report pipe wake every 100 ms to watch for stalls. */
    struct sigaction sa = { (uint64_t)sup_alarm, 0, 0, 0 };
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval tick = { { 0, 100000 }, { 0, 100000 } };
    setitimer(ITIMER_REAL, &tick, NULL);
    uint64_t start = now_ms();
    for (long batch = opt.first_batch;; batch++) {
        if (opt.max_calls && stats.calls >= opt.max_calls)
            break;
        if (opt.seconds && now_ms() - start >= (uint64_t)opt.seconds * 1000)
            break;
        long left = opt.max_calls ? opt.max_calls - stats.calls : BATCH_CALLS;
        long before = stats.calls;
        run_batch(batch, (int)(left < BATCH_CALLS ? left : BATCH_CALLS));
        if (stats.calls == before && stats.workers > 1000)
            break; /* nothing gets through: say so below instead of looping */
    }
    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &off, NULL);
    print_summary(now_ms() - start);
    int leftovers = kill_leftovers(true), unkillable = 0;
    for (int i = 0; i < 20 && (unkillable = kill_leftovers(false)) > 0; i++)
        usleep(100000);
    if (leftovers)
        printf("sysfuzz: %d leftover processes killed, %d survived SIGKILL\n", leftovers,
               unkillable);
    bool alive = unkillable == 0 && kernel_alive() && pages_came_back(pages_before);
    remove_tree(FUZZ_DIR);
    printf("sysfuzz: %s\n", alive ? "kernel alive" : "KERNEL BROKEN");
    return alive ? 0 : 1;
}
