/*
 * user/player/player.c — plays a .bav clip full screen with sound, in sync.
 *
 *   player FILE.bav [--loop] [--scale N|fit] [--no-audio] [--stats]
 *          [--latency-ms N] [--text[=half|braille|ascii]]
 *
 * Interface: takes /dev/fb0 (mmap, FBIOC_PRESENT) and /dev/audio, reads the
 * clip front to back, shows each frame when the audio clock reaches its
 * timestamp. Keys on the console (raw mode while playing): space pauses and
 * resumes, left/right seek -/+5 s to the nearest chunk, q quits. Exit
 * status 0 after playing (or q), 1 with one line "player: FILE: why" on a
 * missing, truncated or corrupt clip or a device error, 2 on bad usage.
 * --stats prints the playback statistics, the last line of them
 * "player-stats: key=value ..." for tests (docs/player.md). The audio
 * clock's latency estimate (the time from a period's completion to its being
 * heard, which depends on the host backend) is /dev/audio's, which the
 * kernel takes from tools/run.py (bootarg audio_latency_ms); --latency-ms
 * overrides it (AUDIO_SET_LATENCY). --text draws the clip as text cells on
 * the terminal (stdout) instead, with textmode.c: half blocks (the
 * default), braille or ASCII, sized by TIOCGWINSZ; so does a run without
 * a display (/dev/fb0 does not open), saying so in one line. The terminal
 * is restored on exit, q, ^C, SIGINT/SIGTERM and a crash.
 *
 * Invariants (docs/player.md explains the design):
 *  - One timeline, in ticks of the audio rate (48000 without audio):
 *    tick 0 is the first sample of the current run of the stream (after a
 *    seek the stream restarts at 0). Every chunk in play order has a base
 *    tick; frame f of chunk c is due at base(c) + T(f) - T(first frame of c)
 *    with T(f) = f * fps_den * rate / fps_num, and the chunk's audio starts
 *    at base(c) too (padded with silence up to the chunk's duration when the
 *    clip's PCM is short), so audio written and frames shown agree by
 *    construction, also across a --loop wrap.
 *  - Chunks live in NSLOTS buffers. A buffer is reused only when both the
 *    video cursor and the audio cursor have moved past its chunk. Reading is
 *    done in pieces of at most READ_PIECE between frames, so a disk read
 *    never holds a due frame for more than one piece.
 *  - The clock is AUDIO_GET_CLOCK's frames_played (what is being heard), or
 *    CLOCK_MONOTONIC minus paused time without audio. Waiting is nanosleep,
 *    never a spin.
 *  - The decoder is bav.c's; frames are decoded into `cur` (the delta
 *    reference, 1 byte per pixel) and only the damaged rectangle is blitted
 *    and presented (text mode: only the cells under it are re-rendered and
 *    only the changed ones sent).
 *  - Text mode: between the start and end sequences nothing but frames is
 *    written to the terminal; messages are held back (note()) and printed
 *    after the end sequence.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kernel/abi/abi.h"
#include "user/player/bav.h"
#include "user/player/textmode.h"

#define NSLOTS 3
#define READ_PIECE (32 * 1024)   /* largest read piece; a slow disk halves it */
#define READ_PIECE_MIN 4096
#define AUDIO_LEAD_MS 300         /* sound queued ahead of the device */
#define MAX_SLEEP_MS 10           /* keys are polled at least this often */
#define SEEK_SECONDS 5
#define NO_AUDIO_RATE 48000       /* timeline ticks per second without audio */

static const char *prog_path;

/* The previous loop turn, to explain a drop: its length and parts. */
static struct {
    uint64_t start_ns, gap_ns, present_ns, read_ns, sleep_ns;
} turn;

/* ---- clip and buffers ----------------------------------------------------- */

struct slot {
    bool used;                    /* holds (or is loading) chunk `chunk` */
    bool ready;                   /* read completely and CRC-checked */
    uint64_t seq;                 /* position in play order */
    uint32_t chunk;
    uint64_t base, dur;           /* ticks: start on the timeline, length */
    struct bav_index_entry e;
    struct bav_chunk c;
    uint8_t *buf;                 /* the whole chunk: header + payload */
    size_t filled;
};

static struct {
    int fd;
    struct bav_header h;
    uint8_t *index;
    uint64_t rate;                /* timeline ticks per second */
    bool has_audio;
    uint32_t frame_bytes_audio;   /* bytes per sample frame */
    struct slot slots[NSLOTS];
    uint64_t file_pos;
    /* reader: next chunk to load, its sequence number and base tick */
    uint32_t load_chunk;
    uint64_t load_seq, load_base;
    bool load_done;               /* no more chunks (end without --loop) */
} clip;

static struct {
    bool loop, use_audio, stats;
    int scale;                    /* 0 = fit */
    long latency_ms;              /* -1: keep the device's estimate */
    int text;                     /* -1: the screen; else enum text_glyphs */
} opt;

static void text_restore(void);

static void fail(const char *what, const char *why)
{
    text_restore();               /* the message goes below the picture */
    fprintf(stderr, "player: %s: %s\n", what, why);
    exit(1);
}

/* Text mode: the terminal shows the picture, so messages while playing
 * wait here (up to the buffer; later ones are counted) and are printed
 * after the terminal is restored (notes_flush). */
static struct {
    bool hold;
    char buf[4096];
    size_t len;
    unsigned lost;
} notes;

static void note(FILE *to, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!notes.hold) {
        vfprintf(to, fmt, ap);
    } else {
        size_t room = sizeof notes.buf - notes.len;
        int n = vsnprintf(notes.buf + notes.len, room, fmt, ap);
        if (n < 0 || (size_t)n >= room) {
            notes.buf[notes.len] = 0;
            notes.lost++;
        } else {
            notes.len += (size_t)n;
        }
    }
    va_end(ap);
}

static void notes_flush(void)
{
    notes.hold = false;
    fputs(notes.buf, stdout);
    if (notes.lost)
        printf("player: (%u more messages while playing not kept)\n", notes.lost);
    notes.len = 0;
    notes.buf[0] = 0;
    notes.lost = 0;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p)
        fail(prog_path, "out of memory");
    return p;
}

static uint64_t frame_tick(uint64_t f)
{
    return (uint64_t)((unsigned __int128)f * clip.h.fps_den * clip.rate / clip.h.fps_num);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sleep_ns(uint64_t ns)
{
    struct timespec ts = { (int64_t)(ns / 1000000000ull), (int64_t)(ns % 1000000000ull) };
    nanosleep(&ts, NULL);
}

static void read_exact(void *buf, size_t len, uint64_t off, const char *what)
{
    if (lseek(clip.fd, (off_t)off, SEEK_SET) < 0)
        fail(prog_path, strerror(errno));
    size_t done = 0;
    while (done < len) {
        ssize_t n = read(clip.fd, (uint8_t *)buf + done, len - done);
        if (n < 0)
            fail(prog_path, strerror(errno));
        if (n == 0) {
            char msg[96];
            snprintf(msg, sizeof msg, "truncated: the file ends inside the %s", what);
            fail(prog_path, msg);
        }
        done += (size_t)n;
    }
    clip.file_pos = off + len;
}

static void open_clip(const char *path)
{
    clip.fd = open(path, O_RDONLY);
    if (clip.fd < 0)
        fail(path, strerror(errno));
    struct stat st;
    if (fstat(clip.fd, &st) < 0)
        fail(path, strerror(errno));
    uint8_t hdr[BAV_HEADER_SIZE];
    if (st.st_size < BAV_HEADER_SIZE)
        fail(path, "truncated: shorter than a .bav header (64 bytes)");
    read_exact(hdr, sizeof hdr, 0, "header");
    int err = bav_parse_header(hdr, sizeof hdr, &clip.h);
    if (err) {
        char msg[96];
        snprintf(msg, sizeof msg, "not a valid .bav clip (header: %s)", bav_strerror(err));
        fail(path, msg);
    }
    if ((uint64_t)st.st_size != clip.h.file_size) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s: the header says %u bytes, the file holds %lld",
                 (uint64_t)st.st_size < clip.h.file_size ? "truncated" : "trailing bytes",
                 clip.h.file_size, (long long)st.st_size);
        fail(path, msg);
    }
    size_t index_len = (size_t)clip.h.chunk_count * BAV_INDEX_ENTRY_SIZE;
    clip.index = xmalloc(index_len);
    read_exact(clip.index, index_len, clip.h.index_offset, "index");
    err = bav_check_index(&clip.h, clip.index, index_len);
    if (err) {
        char msg[96];
        snprintf(msg, sizeof msg, "corrupt index: %s", bav_strerror(err));
        fail(path, msg);
    }
    clip.has_audio = clip.h.audio_format == BAV_AUDIO_S16LE;
    clip.frame_bytes_audio = 2u * clip.h.audio_channels;
    uint32_t biggest = 0;
    for (uint32_t i = 0; i < clip.h.chunk_count; i++) {
        struct bav_index_entry e;
        bav_index_entry(&clip.h, clip.index, i, &e);
        if (e.size > biggest)
            biggest = e.size;
    }
    for (int i = 0; i < NSLOTS; i++)
        clip.slots[i].buf = xmalloc(biggest);
}

/* Timeline start and length of chunk i, relative to its own first frame. */
static uint64_t chunk_duration(const struct bav_index_entry *e, uint32_t i)
{
    uint64_t next = i + 1 < clip.h.chunk_count ? e->first_frame + e->frame_count
                                                : clip.h.frame_count;
    uint64_t dur = frame_tick(next) - frame_tick(e->first_frame);
    /* The last chunk carries whatever PCM is left: play all of it. */
    if (clip.has_audio && opt.use_audio && e->sample_count > dur)
        dur = e->sample_count;
    return dur;
}

/* Forget every buffered chunk; the reader starts over at `chunk`, tick 0. */
static void reader_restart(uint32_t chunk)
{
    for (int i = 0; i < NSLOTS; i++)
        clip.slots[i].used = clip.slots[i].ready = false;
    clip.load_chunk = chunk;
    clip.load_seq = 0;
    clip.load_base = 0;
    clip.load_done = false;
}

/* ---- the cursors: video and audio each walk the slots in play order ------- */

static struct {
    uint64_t seq;                 /* slot sequence being decoded */
    bool in_chunk;                /* frame reader started for that slot */
    struct bav_frame_reader r;
    uint32_t frame;               /* next frame number (clip-wide) */
    uint8_t *cur;                 /* decoded frame, the delta reference */
    bool have_shown;
    uint32_t shown_frame;         /* the position seeks count from */
    uint64_t stalled_seq;         /* 1 + the chunk last counted as a stall */
    bool finished;
} video;

static struct {
    int fd;                       /* -1: no audio, the monotonic clock rules */
    uint64_t seq;
    uint64_t written;             /* ticks (sample frames) written this run */
    bool finished;
    bool paused;
    uint64_t mono_start_ns, mono_paused_ns, pause_began_ns;
    uint64_t underruns_before;    /* of earlier runs (a seek reopens) */
    bool said_silent;             /* "plays without sound" was printed */
    uint64_t latency_ns;          /* the clock's latency estimate in use */
} audio;

static struct slot *slot_for(uint64_t seq)
{
    for (int i = 0; i < NSLOTS; i++)
        if (clip.slots[i].used && clip.slots[i].seq == seq)
            return &clip.slots[i];
    return NULL;
}

static bool slot_free(const struct slot *s)
{
    if (!s->used)
        return true;
    bool video_done = s->seq < video.seq || video.finished;
    bool audio_done = audio.fd < 0 || s->seq < audio.seq || audio.finished;
    return video_done && audio_done;
}

/* ---- reading: one piece per call ----------------------------------------- */

static struct {
    uint64_t pieces, bytes, max_piece_ns, total_ns;
    size_t min_piece;             /* smallest piece size used */
} rstats;

static void chunk_error(uint32_t chunk, int err)
{
    char msg[96];
    snprintf(msg, sizeof msg, "corrupt clip: chunk %u: %s", chunk, bav_strerror(err));
    fail(prog_path, msg);
}

/* The read piece: READ_PIECE (1-7 ms on an idle host), halved while pieces
 * take more than half a frame period (a slow host disk: the loop, and with
 * it the feeding of the sound, waits for each piece), doubled back when
 * they take under 4 ms. */
static size_t read_piece = READ_PIECE;

static void piece_adapt(uint64_t took_ns)
{
    if (took_ns > 16000000ull && read_piece > READ_PIECE_MIN)
        read_piece /= 2;
    else if (took_ns < 4000000ull && read_piece < READ_PIECE)
        read_piece *= 2;
    if (read_piece < rstats.min_piece || !rstats.min_piece)
        rstats.min_piece = read_piece;
}

/* Reads at most one piece into the slot being loaded (starting a new one if
 * a buffer is free). Returns true if it read something. */
static bool reader_step(void)
{
    struct slot *s = NULL;
    for (int i = 0; i < NSLOTS; i++)
        if (clip.slots[i].used && !clip.slots[i].ready)
            s = &clip.slots[i];
    if (!s) {
        if (clip.load_done)
            return false;
        for (int i = 0; i < NSLOTS && !s; i++)
            if (slot_free(&clip.slots[i]))
                s = &clip.slots[i];
        if (!s)
            return false;
        s->used = true;
        s->ready = false;
        s->seq = clip.load_seq++;
        s->chunk = clip.load_chunk;
        bav_index_entry(&clip.h, clip.index, s->chunk, &s->e);
        s->base = clip.load_base;
        s->dur = chunk_duration(&s->e, s->chunk);
        s->filled = 0;
        clip.load_base += s->dur;
        if (++clip.load_chunk == clip.h.chunk_count) {
            clip.load_chunk = 0;
            clip.load_done = !opt.loop;
        }
    }
    uint64_t off = s->e.offset + s->filled;
    if (clip.file_pos != off && lseek(clip.fd, (off_t)off, SEEK_SET) < 0)
        fail(prog_path, strerror(errno));
    clip.file_pos = off;
    size_t want = s->e.size - s->filled;
    if (want > read_piece)
        want = read_piece;
    uint64_t t0 = now_ns();
    ssize_t n = read(clip.fd, s->buf + s->filled, want);
    uint64_t took = now_ns() - t0;
    piece_adapt(took);
    if (n < 0)
        fail(prog_path, strerror(errno));
    if (n == 0)
        fail(prog_path, "truncated: the file ended inside a chunk");
    rstats.pieces++;
    rstats.bytes += (uint64_t)n;
    rstats.total_ns += took;
    turn.read_ns += took;
    if (took > rstats.max_piece_ns)
        rstats.max_piece_ns = took;
    s->filled += (size_t)n;
    clip.file_pos += (uint64_t)n;
    if (s->filled == s->e.size) {
        int err = bav_parse_chunk_header(&clip.h, &s->e, s->buf, BAV_CHUNK_HEADER_SIZE, &s->c);
        if (!err)
            err = bav_check_chunk(&s->c, s->buf + BAV_CHUNK_HEADER_SIZE, s->c.payload_size);
        if (err)
            chunk_error(s->chunk, err);
        s->ready = true;
    }
    return true;
}

/* Reads until the chunk with sequence `seq` is ready (start, seek). */
static struct slot *load_now(uint64_t seq)
{
    for (;;) {
        struct slot *s = slot_for(seq);
        if (s && s->ready)
            return s;
        if (!reader_step())
            return NULL;
    }
}

/* ---- the screen ----------------------------------------------------------- */

static struct {
    int fd;
    struct fb_geometry g;
    uint8_t *mem;
    uint32_t num, den;            /* the clip is drawn scaled by num/den */
    uint32_t x, y;                /* where the clip's pixel (0,0) goes */
    uint64_t presents, present_ns_max, present_ns_total;
} screen;

/* --scale N: N/1. fit: the largest whole factor that fits (crisp pixels),
 * or, for a clip bigger than the screen, the fraction that makes its
 * binding side exactly fill the screen. */
static void choose_scale(void)
{
    screen.den = 1;
    if (opt.scale > 0) {
        screen.num = (uint32_t)opt.scale;
        return;
    }
    uint32_t fit_x = screen.g.width / clip.h.width, fit_y = screen.g.height / clip.h.height;
    screen.num = fit_x < fit_y ? fit_x : fit_y;
    if (screen.num >= 1)
        return;
    /* width binds when screen_w / clip_w <= screen_h / clip_h */
    if ((uint64_t)screen.g.width * clip.h.height <= (uint64_t)screen.g.height * clip.h.width)
        screen.num = screen.g.width, screen.den = clip.h.width;
    else
        screen.num = screen.g.height, screen.den = clip.h.height;
    uint32_t a = screen.num, b = screen.den;   /* lowest terms, for the messages */
    while (b) {
        uint32_t t = a % b;
        a = b, b = t;
    }
    screen.num /= a, screen.den /= a;
}

/* "2", or "16/25" when shrunk: for messages and the stats line. */
static const char *scale_text(void)
{
    static char text[24];
    if (screen.den == 1)
        snprintf(text, sizeof text, "%u", screen.num);
    else
        snprintf(text, sizeof text, "%u/%u", screen.num, screen.den);
    return text;
}

static void screen_open(void)
{
    screen.fd = open("/dev/fb0", O_RDWR);
    if (screen.fd < 0)
        fail("/dev/fb0", strerror(errno));
    if (ioctl(screen.fd, FBIOC_GET_INFO, &screen.g) < 0)
        fail("/dev/fb0", strerror(errno));
    if (screen.g.format != FB_FORMAT_B8G8R8X8)
        fail("/dev/fb0", "unsupported pixel format");
    screen.mem = mmap(NULL, screen.g.size, PROT_READ | PROT_WRITE, MAP_SHARED, screen.fd, 0);
    if (screen.mem == MAP_FAILED)
        fail("/dev/fb0", strerror(errno));
    choose_scale();
    uint64_t w = bav_scaled(clip.h.width, screen.num, screen.den);
    uint64_t h = bav_scaled(clip.h.height, screen.num, screen.den);
    screen.x = w < screen.g.width ? (uint32_t)((screen.g.width - w) / 2) : 0;
    screen.y = h < screen.g.height ? (uint32_t)((screen.g.height - h) / 2) : 0;
    /* Letterbox: the whole screen black once; frames only touch their area. */
    memset(screen.mem, 0, (size_t)screen.g.stride * screen.g.height);
    struct fb_present all = { 0, 0, screen.g.width, screen.g.height };
    ioctl(screen.fd, FBIOC_PRESENT, &all);
}

static void screen_show(const struct bav_rect *r)
{
    if (r->x0 >= r->x1 || r->y0 >= r->y1)
        return;
    bav_blit_bgrx(video.cur, clip.h.width, clip.h.height, r, screen.mem, screen.g.stride,
                  screen.g.width, screen.g.height, screen.x, screen.y, screen.num, screen.den);
    uint64_t x0 = screen.x + bav_scaled(r->x0, screen.num, screen.den);
    uint64_t y0 = screen.y + bav_scaled(r->y0, screen.num, screen.den);
    uint64_t x1 = screen.x + bav_scaled(r->x1, screen.num, screen.den);
    uint64_t y1 = screen.y + bav_scaled(r->y1, screen.num, screen.den);
    if (x0 >= x1 || y0 >= y1)
        return;                   /* shrunk: no screen pixel shows this rectangle */
    if (x0 >= screen.g.width || y0 >= screen.g.height)
        return;
    if (x1 > screen.g.width)
        x1 = screen.g.width;
    if (y1 > screen.g.height)
        y1 = screen.g.height;
    struct fb_present p = { (uint32_t)x0, (uint32_t)y0, (uint32_t)(x1 - x0), (uint32_t)(y1 - y0) };
    uint64_t t0 = now_ns();
    if (ioctl(screen.fd, FBIOC_PRESENT, &p) < 0)
        fail("/dev/fb0", strerror(errno));
    uint64_t took = now_ns() - t0;
    screen.present_ns_total += took;
    turn.present_ns += took;
    if (took > screen.present_ns_max)
        screen.present_ns_max = took;
    screen.presents++;
}

/* ---- the terminal (text mode) ------------------------------------------- */

/* Bytes per write(): the console writes a write() with interrupts off,
 * one UART register write per byte (~5 us each under TCG on an idle host,
 * ten times that on a busy one), so a long frame goes in pieces short
 * enough for the sound device's interrupts (it holds 40 ms), and the
 * sound is fed between them. Nothing else is written between a frame's
 * pieces. */
#define TEXT_WRITE_PIECE 512

static struct {
    bool on;                      /* frames go to the terminal, not fb0 */
    int fd;                       /* stdout */
    struct text_renderer r;
    char *out;                    /* text_out_max() bytes */
    char end_seq[48];             /* text_end's bytes, ready for a handler */
    size_t end_len;
    volatile bool playing;        /* start sent, end not yet */
    uint64_t frames, bytes, bytes_max;
    uint64_t skipped;             /* not drawn: the previous write was slower
                                     than a frame period */
    uint64_t render_ns_total;     /* text_frame: computing the cells */
    uint64_t write_ns_total, write_ns_max, last_write_ns;
    uint64_t write_ns_avg;        /* moving average: the look-ahead */
} text;

static void keys_restore(void);
static uint64_t clock_now(void);
static void audio_feed(uint64_t clock);

/* How far ahead of the clock to choose the frame to draw: the time writing
 * a frame takes lately (a frame shows when its last byte is written), at
 * most a second; 0 on the framebuffer (a present takes ~1 ms). */
static uint64_t text_lead_ticks(void)
{
    uint64_t ns = text.on ? text.write_ns_avg : 0;
    if (ns > 1000000000ull)
        ns = 1000000000ull;
    return ns * clip.rate / 1000000000ull;
}

static void text_write(const char *p, size_t n)
{
    while (n) {
        ssize_t put = write(text.fd, p, n < TEXT_WRITE_PIECE ? n : TEXT_WRITE_PIECE);
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0)
            return;               /* the terminal is gone: nothing to draw on */
        p += put;
        n -= (size_t)put;
    }
}

/* Cursor back, colours reset, cursor below the picture. Called at the
 * end, from atexit (fail()) and from signal handlers: write() only. */
static void text_restore(void)
{
    if (!text.playing)
        return;
    text.playing = false;
    text_write(text.end_seq, text.end_len);
}

/* SIGINT/SIGTERM/SIGHUP and crashes: restore the terminal, then die of
 * the signal as if it had not been caught: it is blocked while its
 * handler runs, so the raise() is delivered, with the default action, as
 * the handler returns (before a faulting instruction would run again). */
static void text_on_signal(int sig)
{
    text_restore();
    keys_restore();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* The glyph set and the terminal size (TIOCGWINSZ on stdout, 80x25 when
 * it does not answer): the layout, fixed for the run. */
static void text_open(void)
{
    struct winsize ws = { 0, 0, 0, 0 };
    if (ioctl(1, TIOCGWINSZ, &ws) < 0 || !ws.ws_col || !ws.ws_row)
        ws.ws_row = 25, ws.ws_col = 80;
    int err = text_init(&text.r, (enum text_glyphs)opt.text, clip.h.levels > 2, ws.ws_col,
                        ws.ws_row, clip.h.width, clip.h.height);
    if (err == -1)
        fail("the terminal", "too small for one cell of picture");
    if (err)
        fail(prog_path, "out of memory");
    text.out = xmalloc(text_out_max(&text.r));
    text.end_len = text_end(&text.r, text.end_seq);
    text.fd = 1;
    text.on = true;
}

/* Hides the cursor, sets the colours, clears: from here to text_restore
 * only frames are written (messages are held, note()). */
static void text_begin(void)
{
    static const int caught[] = { SIGINT, SIGTERM, SIGHUP, SIGSEGV, SIGBUS, SIGILL, SIGFPE };
    fflush(stdout);
    fflush(stderr);
    for (size_t i = 0; i < sizeof caught / sizeof caught[0]; i++)
        signal(caught[i], text_on_signal);
    atexit(text_restore);
    notes.hold = true;
    text.playing = true;
    text_write(text.out, text_start(&text.r, text.out));
}

static void text_show(const struct bav_rect *damage)
{
    uint64_t t0 = now_ns();
    size_t n = text_frame(&text.r, video.cur, damage, text.out);
    uint64_t t1 = now_ns();
    /* Piece by piece, feeding the sound in between: a slow terminal must
     * not starve /dev/audio. */
    for (size_t done = 0; done < n; done += TEXT_WRITE_PIECE) {
        if (done)
            audio_feed(clock_now());
        text_write(text.out + done, n - done < TEXT_WRITE_PIECE ? n - done : TEXT_WRITE_PIECE);
    }
    uint64_t took = now_ns() - t1;
    text.write_ns_avg = text.frames ? (text.write_ns_avg * 3 + took) / 4 : took;
    text.render_ns_total += t1 - t0;
    text.write_ns_total += took;
    text.last_write_ns = took;
    if (took > text.write_ns_max)
        text.write_ns_max = took;
    turn.present_ns += took;
    text.frames++;
    text.bytes += n;
    if (n > text.bytes_max)
        text.bytes_max = n;
}

static void output_show(const struct bav_rect *damage)
{
    if (text.on)
        text_show(damage);
    else
        screen_show(damage);
}

/* No display: text mode, said in one line (before anything is drawn). */
static void output_open(void)
{
    if (opt.text < 0) {
        int fd = open("/dev/fb0", O_RDWR);
        if (fd >= 0) {
            close(fd);
            screen_open();
            return;
        }
        opt.text = TEXT_HALF;
        printf("player: no display (/dev/fb0: %s): playing as text on the terminal "
               "(half blocks)\n", strerror(errno));
    }
    text_open();
}

/* ---- audio and the clock -------------------------------------------------- */

static void audio_open(void)
{
    audio.fd = -1;
    if (!clip.has_audio || !opt.use_audio)
        return;
    int fd = open("/dev/audio", O_WRONLY);
    if (fd < 0) {
        fprintf(stderr, "player: /dev/audio: %s: playing without sound\n", strerror(errno));
        opt.use_audio = false;
        return;
    }
    struct audio_format f = { clip.h.audio_rate, clip.h.audio_channels };
    if (ioctl(fd, AUDIO_SET_FORMAT, &f) < 0) {
        fprintf(stderr, "player: /dev/audio cannot play %u Hz, %u channels: %s: "
                "playing without sound\n", f.rate, f.channels, strerror(errno));
        close(fd);
        opt.use_audio = false;
        return;
    }
    if (opt.latency_ms >= 0)
        ioctl(fd, AUDIO_SET_LATENCY, (void *)(uintptr_t)(opt.latency_ms * 1000000));
    struct audio_clock c;
    if (ioctl(fd, AUDIO_GET_CLOCK, &c) == 0)
        audio.latency_ns = c.latency_ns;
    audio.fd = fd;
}

static struct audio_clock last_clock;
static uint64_t underruns_seen;   /* of the current run, for --stats */

/* The timeline position being heard (or the monotonic equivalent). */
static uint64_t clock_now(void)
{
    if (audio.fd >= 0) {
        if (ioctl(audio.fd, AUDIO_GET_CLOCK, &last_clock) < 0)
            fail("/dev/audio", strerror(errno));
        if (last_clock.silent && !audio.said_silent) {
            /* The kernel paces the stream on a timer: timing stays right. */
            note(stderr, "player: the sound device plays nothing (no working audio on "
                         "the host): playing without sound\n");
            audio.said_silent = true;
        }
        if (opt.stats && last_clock.underruns > underruns_seen) {
            /* Where underruns happen says why (start, disk, a slow present). */
            if (underruns_seen < 8)
                note(stdout, "player: underrun at %llu ms (written %llu ms)\n",
                       (unsigned long long)(last_clock.frames_played * 1000 / clip.rate),
                       (unsigned long long)(audio.written * 1000 / clip.rate));
            underruns_seen = last_clock.underruns;
        }
        return last_clock.frames_played;
    }
    uint64_t t = audio.paused ? audio.pause_began_ns : now_ns();
    uint64_t ns = t - audio.mono_start_ns - audio.mono_paused_ns;
    return (uint64_t)((unsigned __int128)ns * clip.rate / 1000000000ull);
}

/* ---- audio buffering: how far ahead to write -------------------------------
 * The lead is counted from what the device has taken (the clock plus the
 * latency estimate), so the sound queued in /dev/audio does not shrink when
 * the estimate grows. AUDIO_LEAD_MS is deep because on a busy host a loop
 * turn or a disk read can take 100-300 ms, and late sound is a click while
 * a late picture is only a dropped frame; it costs no sync (frames follow
 * the clock) and stays below the ring's 341 ms (at 48 kHz), so a write
 * never blocks the loop (docs/player.md, "A busy host"). Recorded for
 * --stats: the most the clock moved between two feeds and the least sound
 * queued before a feed — how near an underrun the run came. */
static struct {
    uint64_t last_clock;          /* clock at the previous feed */
    uint64_t gap_max;             /* ticks the clock moved between two feeds */
    uint64_t low_bytes;           /* least queued in the ring before a feed */
    bool fed, low_set;            /* last_clock, low_bytes are set */
} buffering;

static void buffering_note(uint64_t clock)
{
    if (buffering.fed && clock > buffering.last_clock &&
        clock - buffering.last_clock > buffering.gap_max)
        buffering.gap_max = clock - buffering.last_clock;
    if (clock > 0 && (!buffering.low_set || last_clock.queued_bytes < buffering.low_bytes)) {
        buffering.low_bytes = last_clock.queued_bytes;
        buffering.low_set = true;
    }
    buffering.last_clock = clock;
    buffering.fed = true;
}

static uint64_t lead_ticks(void)
{
    return clip.rate * AUDIO_LEAD_MS / 1000;
}

/* The stream position to have written by: the lead past what the device
 * has taken. */
static uint64_t audio_target(uint64_t clock)
{
    uint64_t latency = last_clock.latency_ns * clip.rate / 1000000000ull;
    return clock + latency + lead_ticks();
}

static uint8_t silence[4096];

/* After the clip's sound: silence, up to the lead like the sound before it.
 * The device runs ahead of what is heard (the latency estimate and the
 * 40 ms it holds), so the sound ends before the last frame's time has
 * passed; without more data it would play underrun silence until the
 * drain. The lead bounds what is queued, so the write never blocks. */
static void audio_tail(uint64_t target)
{
    while (audio.written < target) {
        uint64_t n = target - audio.written;
        if (n > sizeof silence / clip.frame_bytes_audio)
            n = sizeof silence / clip.frame_bytes_audio;
        ssize_t put = write(audio.fd, silence, (size_t)(n * clip.frame_bytes_audio));
        if (put <= 0)
            return;
        audio.written += (uint64_t)put / clip.frame_bytes_audio;
    }
}

/* Writes audio up to the lead ahead of the device. */
static void audio_feed(uint64_t clock)
{
    if (audio.fd < 0 || audio.paused)
        return;
    buffering_note(clock);
    uint64_t target = audio_target(clock);
    if (audio.finished) {
        audio_tail(target);
        return;
    }
    while (audio.written < target) {
        struct slot *s = slot_for(audio.seq);
        if (!s || !s->ready) {
            if (clip.load_done && (!s) && audio.seq >= clip.load_seq) {
                audio.finished = true;
                audio_tail(target);
            }
            return;
        }
        uint64_t off = audio.written - s->base;
        if (off >= s->dur) {
            audio.seq++;
            continue;
        }
        uint64_t n = target - audio.written;
        if (n > s->dur - off)
            n = s->dur - off;
        const uint8_t *src;
        if (off < s->c.sample_count) {
            if (n > s->c.sample_count - off)
                n = s->c.sample_count - off;
            src = s->buf + BAV_CHUNK_HEADER_SIZE + off * clip.frame_bytes_audio;
        } else {
            /* The clip's PCM is short here: keep the timeline with silence. */
            if (n > sizeof silence / clip.frame_bytes_audio)
                n = sizeof silence / clip.frame_bytes_audio;
            src = silence;
        }
        ssize_t put = write(audio.fd, src, (size_t)(n * clip.frame_bytes_audio));
        if (put < 0)
            fail("/dev/audio", strerror(errno));
        audio.written += (uint64_t)put / clip.frame_bytes_audio;
    }
}

static void set_paused(bool paused)
{
    if (paused == audio.paused)
        return;
    audio.paused = paused;
    if (audio.fd >= 0) {
        ioctl(audio.fd, paused ? AUDIO_PAUSE : AUDIO_RESUME, 0);
    } else if (paused) {
        audio.pause_began_ns = now_ns();
    } else {
        audio.mono_paused_ns += now_ns() - audio.pause_began_ns;
    }
}

/* ---- statistics ----------------------------------------------------------- */

#define DECODE_HIST 10000         /* 10 us steps up to 100 ms */

static struct {
    uint64_t shown, dropped, decoded;
    int64_t late_max_us;
    int64_t av_sum_us, av_abs_max_us;
    uint64_t av_count;
    uint64_t t_start_ns, t_first_frame_ns;
    uint64_t idle_start_ns, uptime_start_ns;
    uint64_t stalls;              /* times a due frame waited for the disk */
    uint64_t sleep_ns;            /* time spent in the loop's nanosleep */
    uint32_t drop_reports;
    uint64_t decode_ns;           /* in bav_decode_frame, all frames */
    uint32_t decode_hist[DECODE_HIST];   /* frames by decode time, 10 us steps */
} st;

/* The decode time under which 99 % of the frames decoded, in us. */
static uint64_t decode_p99_us(void)
{
    uint64_t seen = 0;
    for (uint32_t i = 0; i < DECODE_HIST; i++) {
        seen += st.decode_hist[i];
        if (seen * 100 >= st.decoded * 99)
            return (uint64_t)(i + 1) * 10;
    }
    return DECODE_HIST * 10;
}


/* The kernel's exact idle time (/dev/stat idle_ns): the guest was busy for
 * the rest, whoever ran. */
static uint64_t guest_idle_ns(void)
{
    int fd = open("/dev/stat", O_RDONLY);
    if (fd < 0)
        return 0;
    char text[1024];
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0)
        return 0;
    text[n] = 0;
    char *p = strstr(text, "idle_ns ");
    return p ? strtoull(p + 8, NULL, 10) : 0;
}

static void print_ms(const char *label, int64_t us)
{
    uint64_t a = (uint64_t)(us < 0 ? -us : us);
    printf("%s%s%llu.%01llu ms", label, us < 0 ? "-" : "", (unsigned long long)(a / 1000),
           (unsigned long long)(a % 1000 / 100));
}

/* What --stats reports, worked out once. */
struct summary {
    uint64_t own_pm, wake_pm, guest_pm;   /* permille of the run */
    uint64_t own_ns;                      /* the player computing */
    uint64_t underruns, lead_ms, gap_ms, low_ms;
    int64_t av_mean, first_ms;
};

static struct summary summarize(void)
{
    struct summary u;
    uint64_t elapsed = now_ns() - st.uptime_start_ns;
    uint64_t idle = guest_idle_ns() - st.idle_start_ns;
    u.guest_pm = elapsed && idle < elapsed ? (elapsed - idle) * 1000 / elapsed : 0;
    /* The player's own share: wall time outside its nanosleep, less the
     * time blocked in present (text: write) and read (the CPU is free
     * then, or busy for the terminal). Tick sampling misses a process
     * that always wakes just after a tick. */
    uint64_t blocked = st.sleep_ns + screen.present_ns_total + text.write_ns_total +
                       rstats.total_ns;
    u.own_ns = elapsed > blocked ? elapsed - blocked : 0;
    u.own_pm = elapsed ? u.own_ns * 1000 / elapsed : 0;
    u.wake_pm = elapsed ? (elapsed - (st.sleep_ns < elapsed ? st.sleep_ns : elapsed)) * 1000 / elapsed : 0;
    u.underruns = audio.underruns_before + (audio.fd >= 0 ? last_clock.underruns : 0);
    u.av_mean = st.av_count ? st.av_sum_us / (int64_t)st.av_count : 0;
    u.first_ms = st.t_first_frame_ns ? (int64_t)((st.t_first_frame_ns - st.t_start_ns) / 1000000) : -1;
    u.lead_ms = AUDIO_LEAD_MS;
    u.gap_ms = buffering.gap_max * 1000 / clip.rate;
    u.low_ms = clip.frame_bytes_audio
               ? buffering.low_bytes / clip.frame_bytes_audio * 1000 / clip.rate : 0;
    return u;
}

static void print_summary(const struct summary *u)
{
    printf("player: %llu frames shown, %llu dropped, %llu chunks late from the disk\n",
           (unsigned long long)st.shown, (unsigned long long)st.dropped,
           (unsigned long long)st.stalls);
    print_ms("player: worst lateness ", st.late_max_us);
    print_ms("; A/V offset mean ", u->av_mean);
    print_ms(", max ", st.av_abs_max_us);
    printf("\nplayer: audio %s, %llu underruns; first frame after %lld ms\n",
           audio.fd >= 0 ? "clock" : "off (monotonic clock)", (unsigned long long)u->underruns,
           (long long)u->first_ms);
    if (audio.fd >= 0)
        printf("player: audio lead %llu ms (longest gap between feeds %llu ms, "
               "least queued %llu ms); smallest read piece %llu KiB\n",
               (unsigned long long)u->lead_ms, (unsigned long long)u->gap_ms,
               (unsigned long long)u->low_ms, (unsigned long long)(rstats.min_piece / 1024));
    printf("player: cpu busy %llu.%llu%% (player computing), %llu.%llu%% awake incl. present/read "
           "waits, %llu.%llu%% guest busy (all processes and interrupts)\n",
           (unsigned long long)(u->own_pm / 10), (unsigned long long)(u->own_pm % 10),
           (unsigned long long)(u->wake_pm / 10), (unsigned long long)(u->wake_pm % 10),
           (unsigned long long)(u->guest_pm / 10), (unsigned long long)(u->guest_pm % 10));
    printf("player: %llu presents (slowest %llu us), read %llu KiB in %llu pieces "
           "(slowest %llu us)\n",
           (unsigned long long)screen.presents, (unsigned long long)(screen.present_ns_max / 1000),
           (unsigned long long)(rstats.bytes / 1024), (unsigned long long)rstats.pieces,
           (unsigned long long)(rstats.max_piece_ns / 1000));
    if (text.on)
        printf("player: text %s, %ux%u cells at (%u,%u) of %ux%u: %llu frames written, "
               "%llu bytes each on average (most %llu), slowest write %llu us, "
               "%llu skipped for a slow terminal\n",
               text_glyphs_name(text.r.glyphs), text.r.cols, text.r.rows, text.r.x0, text.r.y0,
               text.r.term_cols, text.r.term_rows, (unsigned long long)text.frames,
               (unsigned long long)(text.frames ? text.bytes / text.frames : 0),
               (unsigned long long)text.bytes_max,
               (unsigned long long)(text.write_ns_max / 1000), (unsigned long long)text.skipped);
}

/* The text-mode keys of the player-stats line (docs/player.md). */
static void print_text_keys(void)
{
    uint64_t frames = text.frames ? text.frames : 1;
    printf(" text=%s text_cols=%u text_rows=%u text_x=%u text_y=%u text_frames=%llu "
           "text_bytes=%llu text_bytes_max=%llu text_skipped=%llu text_write_us_max=%llu "
           "text_write_us_mean=%llu text_render_us_mean=%llu",
           text.on ? text_glyphs_name(text.r.glyphs) : "off", text.r.cols, text.r.rows,
           text.r.x0, text.r.y0, (unsigned long long)text.frames,
           (unsigned long long)(text.bytes / frames), (unsigned long long)text.bytes_max,
           (unsigned long long)text.skipped, (unsigned long long)(text.write_ns_max / 1000),
           (unsigned long long)(text.write_ns_total / frames / 1000),
           (unsigned long long)(text.render_ns_total / frames / 1000));
}

static void print_stats(void)
{
    struct summary u = summarize();
    print_summary(&u);
    printf("player-stats: shown=%llu dropped=%llu late_max_us=%lld av_mean_us=%lld "
           "av_max_us=%lld underruns=%llu lead_ms=%llu feed_gap_ms=%llu audio_low_ms=%llu cpu_permille=%llu awake_permille=%llu guest_permille=%llu first_frame_ms=%lld stalls=%llu "
           "scale=%s x=%u y=%u latency_us=%llu decode_us_mean=%llu decode_us_p99=%llu "
           "cpu_us_per_frame=%llu",
           (unsigned long long)st.shown, (unsigned long long)st.dropped,
           (long long)st.late_max_us, (long long)u.av_mean, (long long)st.av_abs_max_us,
           (unsigned long long)u.underruns, (unsigned long long)u.lead_ms,
           (unsigned long long)u.gap_ms, (unsigned long long)u.low_ms, (unsigned long long)u.own_pm, (unsigned long long)u.wake_pm,
           (unsigned long long)u.guest_pm, (long long)u.first_ms,
           (unsigned long long)st.stalls, text.on ? "text" : scale_text(), screen.x, screen.y,
           (unsigned long long)(audio.fd >= 0 ? audio.latency_ns / 1000 : 0),
           (unsigned long long)(st.decoded ? st.decode_ns / 1000 / st.decoded : 0),
           (unsigned long long)(st.decoded ? decode_p99_us() : 0),
           (unsigned long long)(st.decoded ? u.own_ns / 1000 / st.decoded : 0));
    print_text_keys();
    printf("\n");
}

/* ---- video ---------------------------------------------------------------- */

static void rect_union(struct bav_rect *a, const struct bav_rect *b)
{
    if (b->x0 >= b->x1 || b->y0 >= b->y1)
        return;
    if (a->x0 >= a->x1 || a->y0 >= a->y1) {
        *a = *b;
        return;
    }
    if (b->x0 < a->x0) a->x0 = b->x0;
    if (b->y0 < a->y0) a->y0 = b->y0;
    if (b->x1 > a->x1) a->x1 = b->x1;
    if (b->y1 > a->y1) a->y1 = b->y1;
}

/* --stats: says where the time went when frames were dropped (the previous
 * loop turn's length and parts); the first 100 reports, so a test can
 * place every drop of a short clip in time. */
static void report_drop(uint32_t count, uint32_t before)
{
    if (!opt.stats || st.drop_reports >= 100)
        return;
    st.drop_reports++;
    note(stdout, "player: dropped %u frame(s) before %u: turn gap %llu ms (present %llu, "
         "read %llu, sleep %llu ms)\n", count, before,
           (unsigned long long)(turn.gap_ns / 1000000),
           (unsigned long long)(turn.present_ns / 1000000),
           (unsigned long long)(turn.read_ns / 1000000),
           (unsigned long long)(turn.sleep_ns / 1000000));
}

/* Frames decoded (or skipped undecoded) but not shown. In text mode, when
 * the last frame's write took longer than a frame period, the terminal is
 * the reason: those are text_skipped too. */
static void count_dropped(uint32_t n)
{
    st.dropped += n;
    uint64_t period_ns = (uint64_t)clip.h.fps_den * 1000000000ull / clip.h.fps_num;
    if (text.on && text.last_write_ns > period_ns)
        text.skipped += n;
}

static uint64_t due_tick(const struct slot *s, uint32_t frame)
{
    return s->base + frame_tick(frame) - frame_tick(s->e.first_frame);
}

/* Presents the newest of the `decoded` frames due at `clock` (the others
 * count as dropped) and records its lateness and A/V offset. */
static void show_newest(const struct bav_rect *damage, uint32_t decoded, uint32_t newest,
                        uint64_t newest_tick, uint64_t clock)
{
    int64_t late_us = (int64_t)((clock - newest_tick) * 1000000 / clip.rate);
    output_show(damage);
    uint64_t after = clock_now();
    int64_t av_us = ((int64_t)after - (int64_t)newest_tick) * 1000000 / (int64_t)clip.rate;
    if (!st.t_first_frame_ns)
        st.t_first_frame_ns = now_ns();
    st.shown++;
    count_dropped(decoded - 1);
    if (decoded > 1)
        report_drop(decoded - 1, newest);
    if (late_us > st.late_max_us)
        st.late_max_us = late_us;
    st.av_sum_us += av_us;
    st.av_count++;
    if ((av_us < 0 ? -av_us : av_us) > st.av_abs_max_us)
        st.av_abs_max_us = av_us < 0 ? -av_us : av_us;
    video.have_shown = true;
    video.shown_frame = newest;
}

/* Decodes every frame that is due at `now` (only the newest is shown),
 * jumping straight to a later chunk's key frame when a whole chunk is late.
 * Returns the clock tick at which to come back for the next frame, or
 * UINT64_MAX if there is none yet. */
static uint64_t video_step(uint64_t now)
{
    /* Frames are chosen for when they will be seen: a terminal shows a
     * frame only once its bytes are written (text_lead_ticks). */
    uint64_t lead = text_lead_ticks(), clock = now + lead;
    struct bav_rect damage = { 0, 0, 0, 0 };
    uint32_t decoded = 0, newest = 0;
    uint64_t newest_tick = 0, next_tick = UINT64_MAX;
    while (!video.finished) {
        struct slot *s = slot_for(video.seq);
        if (!s || !s->ready) {
            if (clip.load_done && !s && video.seq >= clip.load_seq)
                video.finished = true;
            else if (decoded == 0 && s && due_tick(s, s->e.first_frame) < clock &&
                     video.stalled_seq != video.seq + 1) {
                video.stalled_seq = video.seq + 1;     /* count each chunk once */
                st.stalls++;
            }
            break;
        }
        if (!video.in_chunk) {
            bav_frames_begin(&s->c, s->buf + BAV_CHUNK_HEADER_SIZE, &video.r);
            video.in_chunk = true;
            video.frame = s->e.first_frame;
        }
        uint64_t t = due_tick(s, video.frame);
        if (clock <= t) {
            next_tick = t;
            break;
        }
        /* A later chunk already due? Skip the rest of this one undecoded. */
        struct slot *n = slot_for(video.seq + 1);
        if (n && n->ready && clock > due_tick(n, n->e.first_frame)) {
            uint32_t skipped = s->e.first_frame + s->e.frame_count - video.frame;
            count_dropped(skipped);
            report_drop(skipped, n->e.first_frame);
            video.seq++;
            video.in_chunk = false;
            continue;
        }
        struct bav_frame f;
        int r = bav_next_frame(&video.r, &f);
        if (r <= 0)
            chunk_error(s->chunk, r ? r : BAV_E_FRAME);
        struct bav_rect d;
        uint64_t t0 = now_ns();
        r = bav_decode_frame(&clip.h, &f, video.cur, bav_frame_bytes(&clip.h), &d);
        uint64_t took = now_ns() - t0;
        if (r < 0)
            chunk_error(s->chunk, r);
        st.decode_ns += took;
        st.decode_hist[took / 10000 < DECODE_HIST ? took / 10000 : DECODE_HIST - 1]++;
        rect_union(&damage, &d);
        decoded++;
        st.decoded++;
        newest = video.frame;
        newest_tick = t;
        if (++video.frame == s->e.first_frame + s->e.frame_count) {
            video.seq++;
            video.in_chunk = false;
        }
    }
    if (decoded)
        show_newest(&damage, decoded, newest, newest_tick, clock);
    if (next_tick != UINT64_MAX)
        next_tick = next_tick > lead ? next_tick - lead : 0;
    return next_tick;
}

/* ---- seeking -------------------------------------------------------------- */

/* Restarts playback (picture and sound) at `chunk`. */
static void restart_at(uint32_t chunk)
{
    if (audio.fd >= 0) {
        /* AUDIO_FLUSH drops the queued lead at once and restarts the clock
         * at 0 (a new open would do the same, but only after playing the
         * lead out). */
        struct audio_clock c;
        if (ioctl(audio.fd, AUDIO_GET_CLOCK, &c) == 0)
            audio.underruns_before += c.underruns;
        if (ioctl(audio.fd, AUDIO_FLUSH, 0) < 0) {
            if (audio.paused)
                ioctl(audio.fd, AUDIO_RESUME, 0);
            close(audio.fd);
            audio_open();
        }
        memset(&last_clock, 0, sizeof last_clock);
        underruns_seen = 0;
    }
    audio.paused = false;
    audio.seq = 0;
    audio.written = 0;
    audio.finished = false;
    audio.mono_start_ns = now_ns();
    audio.mono_paused_ns = 0;
    video.seq = 0;
    video.in_chunk = false;
    video.finished = false;
    video.stalled_seq = 0;
    reader_restart(chunk);
    if (!load_now(0))
        fail(prog_path, "cannot read the clip after seeking");
}

static void seek_by(int seconds)
{
    uint32_t from = video.have_shown ? video.shown_frame : 0;
    int64_t target = (int64_t)frame_tick(from) + (int64_t)seconds * (int64_t)clip.rate;
    uint32_t best = 0;
    uint64_t best_dist = UINT64_MAX;
    for (uint32_t i = 0; i < clip.h.chunk_count; i++) {
        struct bav_index_entry e;
        bav_index_entry(&clip.h, clip.index, i, &e);
        int64_t d = (int64_t)frame_tick(e.first_frame) - target;
        uint64_t dist = (uint64_t)(d < 0 ? -d : d);
        if (dist < best_dist) {
            best_dist = dist;
            best = i;
        }
    }
    struct bav_index_entry e;
    bav_index_entry(&clip.h, clip.index, best, &e);
    note(stdout, "player: seek to %u s (chunk %u, frame %u)\n",
           (unsigned)(frame_tick(e.first_frame) / clip.rate), best, e.first_frame);
    restart_at(best);
    /* A second key press before the next frame shows counts from here. */
    video.have_shown = true;
    video.shown_frame = e.first_frame;
}

/* ---- keys ----------------------------------------------------------------- */

enum key { KEY_NONE, KEY_PAUSE, KEY_LEFT, KEY_RIGHT, KEY_QUIT, KEY_INTERRUPT };

static struct {
    int fd;
    int old_mode;
    int esc;                      /* escape-sequence state: 0, 1 after ESC, 2 after ESC [ */
} keys = { -1, 0, 0 };

static void keys_restore(void)
{
    if (keys.fd >= 0)
        ioctl(keys.fd, TIOCSMODE, (void *)(uintptr_t)keys.old_mode);
}

static void keys_open(void)
{
    keys.fd = open("/dev/console", O_RDONLY | O_NONBLOCK);
    if (keys.fd < 0)
        return;
    int mode = ioctl(keys.fd, TIOCGMODE, 0);
    if (mode < 0) {
        close(keys.fd);
        keys.fd = -1;
        return;
    }
    keys.old_mode = mode;
    /* Raw: no line buffering, no echo, no ^C signal, so each key arrives
     * at once and nothing is drawn over the picture. */
    ioctl(keys.fd, TIOCSMODE, (void *)0);
    atexit(keys_restore);
}

static enum key key_poll(void)
{
    if (keys.fd < 0)
        return KEY_NONE;
    unsigned char c;
    while (read(keys.fd, &c, 1) == 1) {
        if (keys.esc == 1) {
            keys.esc = c == '[' ? 2 : 0;
            continue;
        }
        if (keys.esc == 2) {
            keys.esc = 0;
            if (c == 'C')
                return KEY_RIGHT;
            if (c == 'D')
                return KEY_LEFT;
            continue;
        }
        if (c == 0x1b)
            keys.esc = 1;
        else if (c == ' ')
            return KEY_PAUSE;
        else if (c == 'q' || c == 'Q')
            return KEY_QUIT;
        else if (c == 0x03)
            return KEY_INTERRUPT;     /* ^C: raw mode makes it a byte */
    }
    return KEY_NONE;
}

/* ---- main ----------------------------------------------------------------- */

static void usage(void)
{
    fprintf(stderr, "usage: player FILE.bav [--loop] [--scale N|fit] [--no-audio] [--stats] "
            "[--latency-ms N] [--text[=half|braille|ascii]]\n");
    exit(2);
}

static long number_arg(const char *text, long lo, long hi)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (*end || end == text || v < lo || v > hi)
        usage();
    return v;
}

static void parse_args(int argc, char **argv)
{
    opt.use_audio = true;
    opt.latency_ms = -1;
    opt.text = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--loop") == 0)
            opt.loop = true;
        else if (strcmp(a, "--no-audio") == 0)
            opt.use_audio = false;
        else if (strcmp(a, "--stats") == 0)
            opt.stats = true;
        else if (strcmp(a, "--text") == 0)
            opt.text = TEXT_HALF;
        else if (strncmp(a, "--text=", 7) == 0) {
            if ((opt.text = text_glyphs_parse(a + 7)) < 0)
                usage();
        } else if (strcmp(a, "--latency-ms") == 0 && i + 1 < argc)
            opt.latency_ms = number_arg(argv[++i], 0, 1000);
        else if (strcmp(a, "--scale") == 0 && i + 1 < argc) {
            i++;
            opt.scale = strcmp(argv[i], "fit") == 0 ? 0 : (int)number_arg(argv[i], 1, 64);
        } else if (a[0] == '-' || prog_path)
            usage();
        else
            prog_path = a;
    }
    if (!prog_path)
        usage();
}

/* The clip and its first chunk, before any device is taken: a clip that
 * is corrupt from the start fails with the console untouched. */
static void start_clip(void)
{
    open_clip(prog_path);
    clip.rate = clip.has_audio ? clip.h.audio_rate : NO_AUDIO_RATE;
    video.cur = xmalloc((size_t)bav_frame_bytes(&clip.h));
    memset(video.cur, 0, (size_t)bav_frame_bytes(&clip.h));
    reader_restart(0);
    if (!load_now(0))
        fail(prog_path, "no chunk to play");
}

static void open_devices(void)
{
    output_open();
    printf("player: %s: %ux%u, %u.%02u fps, %u frames, %s; ", prog_path, clip.h.width,
           clip.h.height, clip.h.fps_num / clip.h.fps_den,
           (unsigned)((uint64_t)clip.h.fps_num * 100 / clip.h.fps_den % 100), clip.h.frame_count,
           clip.has_audio ? "with audio" : "no audio");
    if (text.on)
        printf("text (%s), %ux%u cells at (%u,%u) of a %ux%u terminal\n",
               text_glyphs_name(text.r.glyphs), text.r.cols, text.r.rows, text.r.x0, text.r.y0,
               text.r.term_cols, text.r.term_rows);
    else
        printf("scale %s at (%u,%u)\n", scale_text(), screen.x, screen.y);
    audio_open();
    if (clip.has_audio && audio.fd >= 0) {
        printf("player: audio %u Hz, %u channels, latency estimate %llu ms; "
               "keys: space pause, left/right seek, q quit\n", clip.h.audio_rate,
               clip.h.audio_channels, (unsigned long long)(audio.latency_ns / 1000000));
    } else {
        printf("player: no sound (%s); keys: space pause, left/right seek, q quit\n",
               !clip.has_audio ? "the clip has none" : "monotonic clock");
    }
    /* Console lines printed from now on are not drawn (fb0 is ours, or the
     * terminal shows the picture), but flush before raw mode so nothing is
     * left half-written. */
    fflush(stdout);
    keys_open();
    if (text.on)
        text_begin();
}

/* Acts on a key; returns the exit status to quit with, or -1 to play on. */
static int handle_key(enum key k)
{
    switch (k) {
    case KEY_PAUSE:
        set_paused(!audio.paused);
        break;
    case KEY_LEFT:
        seek_by(-SEEK_SECONDS);
        break;
    case KEY_RIGHT:
        seek_by(SEEK_SECONDS);
        break;
    case KEY_QUIT:
        return 0;
    case KEY_INTERRUPT:
        return 128 + SIGINT;      /* as a shell reports ^C */
    case KEY_NONE:
        break;
    }
    return -1;
}

/* Sleeps until the next frame is due (at most MAX_SLEEP_MS, at least
 * 1 ms: never spin on the clock, it moves in steps). */
static void wait_for(uint64_t next)
{
    uint64_t clock = clock_now();
    audio_feed(clock);
    uint64_t wait_ticks = next == UINT64_MAX ? clip.rate * MAX_SLEEP_MS / 1000
                          : next > clock ? next - clock : 0;
    uint64_t wait_ns = wait_ticks * 1000000000ull / clip.rate;
    if (wait_ns > MAX_SLEEP_MS * 1000000ull)
        wait_ns = MAX_SLEEP_MS * 1000000ull;
    if (wait_ns < 1000000)
        wait_ns = 1000000;
    uint64_t t0 = now_ns();
    sleep_ns(wait_ns);
    turn.sleep_ns = now_ns() - t0;
    st.sleep_ns += turn.sleep_ns;
}

/* The sound has used up what is loaded: its next chunk is not read yet. */
static bool sound_waits(void)
{
    if (audio.fd < 0 || audio.finished || audio.paused)
        return false;
    struct slot *s = slot_for(audio.seq);
    return !s || !s->ready;
}

/* One turn of the loop: sound, due frames, read-ahead, sleep. Returns
 * false when picture and sound are both finished. */
static bool play_turn(void)
{
    uint64_t turn_start = now_ns();
    turn.gap_ns = turn.start_ns ? turn_start - turn.start_ns : 0;
    uint64_t clock = clock_now();
    audio_feed(clock);
    uint64_t next = video_step(clock);
    turn.start_ns = turn_start;
    turn.present_ns = turn.read_ns = turn.sleep_ns = 0;
    if (video.finished && (audio.fd < 0 || audio.finished))
        return false;
    /* Read ahead while there is time before the next frame, and anyway
     * while the sound waits for its chunk (a slow terminal can keep every
     * turn behind the next frame; the sound must not starve for it). */
    uint64_t margin = clip.rate * 8 / 1000;    /* keep 8 ms for the frame */
    for (;;) {
        uint64_t c = clock_now();
        audio_feed(c);            /* a piece may be slow: sound first */
        if (next != UINT64_MAX && c + margin >= next && !sound_waits())
            break;
        if (!reader_step())
            break;
    }
    wait_for(next);
    return true;
}

/* Plays to the end or a quit key; returns the exit status. */
static int play(void)
{
    st.uptime_start_ns = now_ns();
    st.idle_start_ns = guest_idle_ns();
    audio.mono_start_ns = now_ns();
    for (;;) {
        int status = handle_key(key_poll());
        if (status >= 0)
            return status;
        if (audio.paused) {
            uint64_t t0 = now_ns();
            sleep_ns(MAX_SLEEP_MS * 1000000ull);
            st.sleep_ns += now_ns() - t0;
            continue;
        }
        if (!play_turn())
            return -1;
    }
}

int main(int argc, char **argv)
{
    st.t_start_ns = now_ns();
    parse_args(argc, argv);
    start_clip();
    open_devices();
    int status = play();
    if (audio.fd >= 0) {
        if (status < 0)
            ioctl(audio.fd, AUDIO_DRAIN, 0);
        clock_now();
    }
    text_restore();
    keys_restore();
    keys.fd = -1;
    if (text.on)
        notes_flush();
    if (opt.stats)
        print_stats();
    if (!text.on)
        close(screen.fd);
    if (audio.fd >= 0)
        close(audio.fd);
    return status < 0 ? 0 : status;
}
