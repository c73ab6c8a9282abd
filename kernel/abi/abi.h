/*
 * kernel/abi/abi.h — the data the kernel and user space exchange through system
 * calls: flag values, the structures copied in and out, and encodings.
 * The user C library's headers (user/lib/include) take their definitions
 * from here, so there is exactly one of each.
 *
 * Invariants:
 *  - Only #defines and structures built from fixed-size types; every
 *    structure's size is pinned by a _Static_assert so a change is noticed.
 *    Numbers the C standard or POSIX name keep those names (O_CREAT,
 *    struct stat, SIGINT, ...) and, where one exists, Linux's value.
 *  - The structures are hidden from assembly (__ASSEMBLER__).
 *  - Host unit tests: the names collide with the host C library's
 *    <fcntl.h>, <sys/stat.h>, <signal.h>, <time.h>, <dirent.h>; a host test
 *    that includes this header must not include those.
 *  - ioctl request numbers are added here by the owners of the devices.
 */
#ifndef KERNEL_ABI_H
#define KERNEL_ABI_H

#ifndef __ASSEMBLER__
#include <stdint.h>
#endif

/* ---- open(): flags (Linux's generic values; octal) ------------------------ */
#define O_RDONLY      0
#define O_WRONLY      1
#define O_RDWR        2
#define O_ACCMODE     3         /* mask of the three above */
#define O_CREAT       0100
#define O_EXCL        0200
#define O_TRUNC       01000
#define O_APPEND      02000
#define O_NONBLOCK    04000
#define O_DIRECTORY   0200000

/* ---- lseek(): whence ------------------------------------------------------ */
#define SEEK_SET      0
#define SEEK_CUR      1
#define SEEK_END      2

/* ---- file modes: st_mode and mkdir/open's mode (ext2's i_mode bits) ------- */
#define S_IFMT        0170000   /* mask of the type */
#define S_IFSOCK      0140000
#define S_IFLNK       0120000
#define S_IFREG       0100000
#define S_IFBLK       0060000
#define S_IFDIR       0040000
#define S_IFCHR       0020000
#define S_IFIFO       0010000
#define S_ISUID       04000
#define S_ISGID       02000
#define S_ISVTX       01000
#define S_IRWXU       0700
#define S_IRUSR       0400
#define S_IWUSR       0200
#define S_IXUSR       0100
#define S_IRWXG       070
#define S_IRGRP       040
#define S_IWGRP       020
#define S_IXGRP       010
#define S_IRWXO       07
#define S_IROTH       04
#define S_IWOTH       02
#define S_IXOTH       01
#define S_ISREG(m)    (((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m)    (((m) & S_IFMT) == S_IFDIR)
#define S_ISCHR(m)    (((m) & S_IFMT) == S_IFCHR)
#define S_ISBLK(m)    (((m) & S_IFMT) == S_IFBLK)
#define S_ISFIFO(m)   (((m) & S_IFMT) == S_IFIFO)
#define S_ISLNK(m)    (((m) & S_IFMT) == S_IFLNK)
#define S_ISSOCK(m)   (((m) & S_IFMT) == S_IFSOCK)

/* ---- getdents(): d_type (Linux's values) ---------------------------------- */
#define DT_UNKNOWN    0
#define DT_FIFO       1
#define DT_CHR        2
#define DT_DIR        4
#define DT_BLK        6
#define DT_REG        8
#define DT_LNK        10
#define DT_SOCK       12

#define NAME_MAX      255       /* longest file name, without the NUL */
#define PATH_MAX      4096      /* longest path, with the NUL */

/* ---- mmap() --------------------------------------------------------------- */
#define PROT_NONE     0
#define PROT_READ     1
#define PROT_WRITE    2
#define PROT_EXEC     4
#define MAP_SHARED    0x01
#define MAP_PRIVATE   0x02
#define MAP_FIXED     0x10
#define MAP_ANONYMOUS 0x20
#define MAP_ANON      MAP_ANONYMOUS

/* ---- clock_gettime(): clock ids -------------------------------------------- */
#define CLOCK_REALTIME   0      /* wall clock (goldfish RTC + elapsed time) */
#define CLOCK_MONOTONIC  1      /* time since boot, never goes back */

/* ---- wait4(): options and the status word (Linux's encoding) ------------- */
#define WNOHANG       1         /* return 0 instead of blocking */
#define WUNTRACED     2         /* also report stopped children */
/* Built by the kernel: */
#define W_EXITCODE(code, sig) ((((code) & 0xff) << 8) | ((sig) & 0x7f))
#define W_STOPCODE(sig)       ((((sig) & 0xff) << 8) | 0x7f)
/* Read by user space: */
#define WIFEXITED(s)    (((s) & 0x7f) == 0)
#define WEXITSTATUS(s)  (((s) >> 8) & 0xff)
#define WIFSIGNALED(s)  (((s) & 0x7f) != 0 && ((s) & 0x7f) != 0x7f)
#define WTERMSIG(s)     ((s) & 0x7f)
#define WIFSTOPPED(s)   (((s) & 0xff) == 0x7f)
#define WSTOPSIG(s)     WEXITSTATUS(s)

/* ---- signals (Linux's numbers) -------------------------------------------- */
#define SIGHUP        1
#define SIGINT        2
#define SIGQUIT       3
#define SIGILL        4
#define SIGTRAP       5
#define SIGABRT       6
#define SIGBUS        7
#define SIGFPE        8
#define SIGKILL       9
#define SIGUSR1      10
#define SIGSEGV      11
#define SIGUSR2      12
#define SIGPIPE      13
#define SIGALRM      14
#define SIGTERM      15
#define SIGCHLD      17
#define SIGCONT      18
#define SIGSTOP      19
#define SIGTSTP      20
#define SIGTTIN      21
#define SIGTTOU      22
#define SIGURG       23
#define SIGWINCH     28
#define NSIG         32         /* signals are 1..NSIG-1 */
#define SIGNAL_BIT(sig) (1UL << ((sig) - 1))  /* in a uint64_t signal set */

/* sigaction(): handler values, flags; sigprocmask(): how */
#define SIG_DFL_VALUE 0         /* sa_handler: default action */
#define SIG_IGN_VALUE 1         /* sa_handler: ignore */
#define SA_RESTART    0x10000000
#define SA_NODEFER    0x40000000
#define SA_RESETHAND  0x80000000
#define SIG_BLOCK     0
#define SIG_UNBLOCK   1
#define SIG_SETMASK   2

/* setitimer()/getitimer(): which */
#define ITIMER_REAL   0         /* counts wall time, delivers SIGALRM */

/* ---- reboot(): commands (Linux's magic values) ---------------------------- */
#define REBOOT_CMD_RESTART    0x01234567
#define REBOOT_CMD_HALT       0xCDEF0123
#define REBOOT_CMD_POWER_OFF  0x4321FEDC   /* arg: exit status QEMU reports */

/* ---- ioctl() requests ----------------------------------------------------- */
/* The console (kernel/dev/devices.c). TIOCGPGRP/TIOCSPGRP take a pointer to
 * an int pid (the foreground process, which gets SIGINT on ^C);
 * TIOCGMODE/TIOCSMODE get/set the line-discipline flags as a plain int
 * argument: 0x1 canonical, 0x2 echo, 0x4 signals (^C), 0x8 CR to NL. */
#define TIOCGPGRP     0x540F
#define TIOCSPGRP     0x5410
#define TIOCGMODE     0x5480    /* returns the flags */
#define TIOCSMODE     0x5481    /* arg: the new flags */
#define TIOCGWINSZ    0x5413    /* terminal size into struct winsize; the
                                   libc's isatty() asks this */
#define TIOCSWINSZ    0x5414    /* struct winsize in: the size of the serial
                                   terminal (rows, cols 1..999; EINVAL else) */

/* ---- /dev/fb0 ioctls (owner: display, gfx/fbdev.c; docs/display.md) ------ */
#define FBIOC_GET_INFO  0x4680  /* struct fb_geometry out */
#define FBIOC_PRESENT   0x4681  /* struct fb_present in: show that rectangle */
#define FB_FORMAT_B8G8R8X8 2    /* pixel = little-endian uint32 0x00RRGGBB */
/* ---- end of /dev/fb0 ioctls ---------------------------------------------- */

/* /dev/audio (audio/audio_dev.c, docs/audio.md). */
#define AUDIO_SET_FORMAT  0x4101    /* arg: struct audio_format *; before the first write */
#define AUDIO_GET_CLOCK   0x4102    /* arg: struct audio_clock * */
#define AUDIO_DRAIN       0x4103    /* wait until everything written has played */
#define AUDIO_PAUSE       0x4104
#define AUDIO_RESUME      0x4105
#define AUDIO_SET_LATENCY 0x4106    /* arg: nanoseconds (the clock's latency estimate) */
#define AUDIO_FLUSH       0x4107    /* drop everything not yet heard; the clock restarts at 0 */

#define UTSNAME_LENGTH 65

#ifndef __ASSEMBLER__

struct timespec {
    int64_t tv_sec;
    int64_t tv_nsec;            /* 0..999999999 */
};
_Static_assert(sizeof(struct timespec) == 16, "ABI: struct timespec");

struct timeval {
    int64_t tv_sec;
    int64_t tv_usec;            /* 0..999999 */
};
_Static_assert(sizeof(struct timeval) == 16, "ABI: struct timeval");

struct itimerval {
    struct timeval it_interval; /* reload value; zero = one-shot */
    struct timeval it_value;    /* time to the next expiry; zero = disarmed */
};
_Static_assert(sizeof(struct itimerval) == 32, "ABI: struct itimerval");

/* stat()/fstat(). Times are seconds + nanoseconds since the epoch. */
struct stat {
    uint64_t st_dev;            /* device the file lives on */
    uint64_t st_ino;            /* inode number */
    uint32_t st_mode;           /* S_IF* type | permission bits */
    uint32_t st_nlink;
    uint32_t st_uid;
    uint32_t st_gid;
    uint64_t st_rdev;           /* for device files: which device */
    int64_t  st_size;           /* bytes */
    int64_t  st_blocks;         /* 512-byte units allocated */
    uint32_t st_blksize;        /* preferred I/O size */
    uint32_t st_reserved;       /* zero */
    struct timespec st_atim;
    struct timespec st_mtim;
    struct timespec st_ctim;
};
_Static_assert(sizeof(struct stat) == 112, "ABI: struct stat");

/*
 * getdents() fills a buffer with records like this one, back to back. Each
 * record is d_reclen bytes: the 11-byte header, the name with its NUL, then
 * padding up to a multiple of 8 (so the next header is aligned). Records are
 * not sizeof(struct dirent) long; walk them by d_reclen.
 */
struct dirent {
    uint64_t d_ino;
    uint16_t d_reclen;
    uint8_t  d_type;            /* DT_* */
    char     d_name[];          /* NUL-terminated, at most NAME_MAX bytes */
};
_Static_assert(sizeof(struct dirent) == 16, "ABI: struct dirent header");
#define DIRENT_NAME_OFFSET 11   /* offsetof(struct dirent, d_name) */
/* Record length for a name of n bytes (without its NUL). */
#define DIRENT_RECLEN(n) ((DIRENT_NAME_OFFSET + (n) + 1 + 7) & ~7)

struct utsname {
    char sysname[UTSNAME_LENGTH];   /* each NUL-terminated */
    char nodename[UTSNAME_LENGTH];
    char release[UTSNAME_LENGTH];
    char version[UTSNAME_LENGTH];
    char machine[UTSNAME_LENGTH];   /* "riscv64" */
};
_Static_assert(sizeof(struct utsname) == 5 * 65, "ABI: struct utsname");

/* sigaction(): docs/signals.md. */
struct sigaction {
    uint64_t sa_handler;        /* a function, SIG_DFL_VALUE or SIG_IGN_VALUE */
    uint64_t sa_mask;           /* bit (sig - 1): blocked while it runs */
    uint64_t sa_flags;          /* SA_* */
    uint64_t sa_restorer;       /* user code the handler returns into; the
                                   libc points it at its sigreturn stub */
};
_Static_assert(sizeof(struct sigaction) == 32, "ABI: struct sigaction");

/*
 * The register state a signal interrupted. The kernel saves it on the user
 * stack (in a struct signal_frame) before running a handler, passes its
 * address as the handler's third argument (handler(sig, NULL, ctx)), and
 * sigreturn puts it all back, so a handler may change it (e.g. skip a
 * faulting instruction by advancing pc).
 */
struct sigcontext {
    uint64_t pc;                /* where the interrupted code resumes */
    uint64_t regs[32];          /* x0..x31 as they were (regs[0] unused) */
    uint64_t fregs[32];         /* f0..f31 (raw 64-bit) */
    uint64_t fcsr;
    uint64_t blocked;           /* the signal mask sigreturn restores */
};
_Static_assert(sizeof(struct sigcontext) == 536, "ABI: struct sigcontext");

/* What the kernel pushes (16-byte aligned) below the interrupted sp. The
 * handler returns (ra) to sa_restorer, which calls SYS_sigreturn with sp
 * pointing at this frame. */
struct signal_frame {
    struct sigcontext ctx;
    uint64_t magic;             /* SIGNAL_FRAME_MAGIC: sigreturn checks it */
};
#define SIGNAL_FRAME_MAGIC 0x5349474652414d45ULL /* "SIGFRAME" */
_Static_assert(sizeof(struct signal_frame) % 16 == 0, "ABI: struct signal_frame");

/* ioctl(TIOCGWINSZ) */
struct winsize {
    uint16_t ws_row, ws_col;        /* characters */
    uint16_t ws_xpixel, ws_ypixel;  /* pixels, 0 if unknown */
};
_Static_assert(sizeof(struct winsize) == 8, "ABI: struct winsize");

/* ---- /dev/fb0 (owner: display) ------------------------------------------- */
/* ioctl(FBIOC_GET_INFO). mmap() the device for `size` bytes from offset 0
 * (shared): pixel (x, y) is at y * stride + x * 4. */
struct fb_geometry {
    uint32_t width, height;     /* pixels */
    uint32_t stride;            /* bytes per row */
    uint32_t format;            /* FB_FORMAT_* */
    uint64_t size;              /* bytes mappable, a multiple of 4096 */
};
_Static_assert(sizeof(struct fb_geometry) == 24, "ABI: struct fb_geometry");

/* ioctl(FBIOC_PRESENT): rectangle in pixels, clipped to the screen; waits
 * until the display shows it. */
struct fb_present {
    uint32_t x, y, w, h;
};
_Static_assert(sizeof(struct fb_present) == 16, "ABI: struct fb_present");
/* ---- end of /dev/fb0 ----------------------------------------------------- */

/* ioctl(AUDIO_SET_FORMAT): signed 16-bit little-endian samples only. */
struct audio_format {
    uint32_t rate;              /* 44100 or 48000 */
    uint32_t channels;          /* 1 or 2 */
};
_Static_assert(sizeof(struct audio_format) == 8, "ABI: struct audio_format");

/* ioctl(AUDIO_GET_CLOCK): the playback clock and counters. */
struct audio_clock {
    uint64_t frames_played;     /* stream frames heard: written frames that
                                   have played, minus the latency estimate */
    uint64_t frames_written;
    uint64_t underruns;         /* periods of silence played for lack of data */
    uint64_t queued_bytes;      /* written, not yet sent to the device */
    uint64_t latency_ns;        /* the estimate subtracted */
    uint32_t rate, channels;
    uint32_t paused;
    uint32_t silent;            /* 1: the device stopped completing periods;
                                   the stream advances on a timer at the
                                   nominal rate, and nothing is heard */
};
_Static_assert(sizeof(struct audio_clock) == 56, "ABI: struct audio_clock");

#endif /* !__ASSEMBLER__ */
#endif
