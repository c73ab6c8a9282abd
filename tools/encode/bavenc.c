/*
 * tools/encode/bavenc.c — encoder core: raw 8-bit gray frames (+ raw PCM) in,
 * a .bav clip out.
 *
 *   bavenc -o OUT.bav --width W --height H [--fps N[/D]] [--levels 2|4|16]
 *          [--pcm FILE --rate HZ --channels C] [--progress] [FRAMES|-]
 *
 * FRAMES (default: stdin) holds W*H bytes per frame, one frame after another,
 * read until end of input. --pcm names s16le interleaved PCM (a file or a
 * pipe); without it the clip has no audio. Audio is cut into chunks by
 * presentation time; PCM left over after the last frame's time goes into the
 * last chunk so the PCM round-trips unchanged. --progress prints
 * "frame N" lines on stdout for encode.py. Errors: one line on stderr, exit 1.
 * Chunks are coded two at a time, each on its own thread.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/encode/bav_encode.h"

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bavenc: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory (%zu bytes)", n);
    return p;
}

static unsigned long parse_num(const char *opt, const char *s, unsigned long max)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || v > max || s[0] == '-')
        die("%s: bad number '%s'", opt, s);
    return v;
}

struct options {
    const char *out_path, *in_path, *pcm_path;
    unsigned long width, height, fps_num, fps_den, levels, rate, channels;
    int progress;
};

static void usage_error(const char *a)
{
    die("unknown option %s (usage: bavenc -o OUT --width W --height H "
        "[--fps N/D] [--levels 2|4|16] [--pcm FILE --rate HZ "
        "--channels C] [--progress] [FRAMES|-])", a);
}

static void parse_fps(struct options *o, const char *opt, const char *v)
{
    char num[32];
    const char *slash = strchr(v, '/');
    size_t len = slash ? (size_t)(slash - v) : strlen(v);
    if (len >= sizeof num)
        die("--fps: bad rate '%s'", v);
    memcpy(num, v, len);
    num[len] = 0;
    o->fps_num = parse_num(opt, num, 0xFFFFFFFFu);
    o->fps_den = slash ? parse_num(opt, slash + 1, 0xFFFFFFFFu) : 1;
}

static void check_options(const struct options *o)
{
    if (!o->out_path)
        die("no output file (-o OUT.bav)");
    if (!o->width || !o->height)
        die("--width and --height are required (1..%d)", BAV_MAX_DIM);
    if (o->levels != 2 && o->levels != 4 && o->levels != 16)
        die("--levels must be 2, 4 or 16");
    if (!o->fps_num || !o->fps_den)
        die("--fps must be positive");
    if (o->pcm_path && (!o->rate || !o->channels))
        die("--rate and --channels must be positive");
}

static struct options parse_args(int argc, char **argv)
{
    struct options o = {NULL, "-", NULL, 0, 0, 30, 1, 2, 44100, 2, 0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = 1;
        if (!strcmp(a, "--progress"))
            o.progress = 1, takes = 0;
        else if (a[0] == '-' && a[1] && !v)
            die("%s needs a value", a);
        else if (!strcmp(a, "-o"))
            o.out_path = v;
        else if (!strcmp(a, "--width"))
            o.width = parse_num(a, v, BAV_MAX_DIM);
        else if (!strcmp(a, "--height"))
            o.height = parse_num(a, v, BAV_MAX_DIM);
        else if (!strcmp(a, "--levels"))
            o.levels = parse_num(a, v, 16);
        else if (!strcmp(a, "--rate"))
            o.rate = parse_num(a, v, BAV_MAX_RATE);
        else if (!strcmp(a, "--channels"))
            o.channels = parse_num(a, v, BAV_MAX_CHANNELS);
        else if (!strcmp(a, "--pcm"))
            o.pcm_path = v;
        else if (!strcmp(a, "--fps"))
            parse_fps(&o, a, v);
        else if (a[0] != '-' || !strcmp(a, "-"))
            o.in_path = a, takes = 0;
        else
            usage_error(a);
        i += takes;
    }
    check_options(&o);
    return o;
}

/* ---- chunks ---------------------------------------------------------------
 * Frames are read a chunk at a time (about one second each). Chunks code
 * independently, so ENCODE_THREADS of them are coded at once, then written
 * in order with their audio. */

#define ENCODE_THREADS 2

struct chunk_job {
    const struct bav_header *h;
    uint8_t *frames;                /* count quantized frames, one after another */
    uint32_t count, cap;
    struct bav_chunk_encoder *enc;
    uint8_t *video;                 /* the coded stream (malloc'd) */
    size_t video_len;
};

static struct bav_writer writer;
static FILE *pcm_in;
static uint8_t *pcm_buf;
static size_t pcm_cap;
static uint32_t total_frames;       /* read so far */
static uint32_t frames_written;     /* in chunks written */
static uint64_t samples_done;

static void grow(uint8_t **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return;
    size_t c = *cap ? *cap : 1 << 16;
    while (c < need)
        c *= 2;
    uint8_t *p = realloc(*buf, c);
    if (!p)
        die("out of memory (%zu bytes)", c);
    *buf = p, *cap = c;
}

static void *encode_chunk(void *arg)
{
    struct chunk_job *j = arg;
    size_t n = (size_t)bav_frame_bytes(j->h);
    bav_chunk_begin(j->enc, j->h);
    for (uint32_t f = 0; f < j->count; f++)
        bav_chunk_frame(j->enc, f ? j->frames + (f - 1) * n : NULL, j->frames + f * n);
    j->video_len = bav_chunk_end(j->enc, &j->video);
    return NULL;
}

/* The chunk's audio: samples up to the time of frame `end_frame`, or all
 * that is left for the last chunk. Returns the sample count in pcm_buf. */
static uint64_t read_chunk_pcm(uint32_t end_frame, int last)
{
    size_t frame_bytes = (size_t)writer.h.audio_channels * 2;
    size_t have = 0;
    if (!pcm_in)
        return 0;
    uint64_t want = last ? UINT64_MAX
                         : bav_samples_before_frame(&writer.h, end_frame) - samples_done;
    for (;;) {
        uint64_t room = want - have / frame_bytes;
        if (room == 0)
            break;
        size_t step = room > 65536 ? 65536 : (size_t)room;
        grow(&pcm_buf, &pcm_cap, have + step * frame_bytes);
        size_t got = fread(pcm_buf + have, 1, step * frame_bytes, pcm_in);
        have += got;
        if (got < step * frame_bytes) {
            if (ferror(pcm_in))
                die("reading PCM: %s", strerror(errno));
            break;
        }
    }
    if (have % frame_bytes) {
        fprintf(stderr, "bavenc: warning: PCM ends mid-sample; dropping %zu bytes\n",
                have % frame_bytes);
        have -= have % frame_bytes;
    }
    return have / frame_bytes;
}

static void write_chunk(struct chunk_job *j, int last)
{
    frames_written += j->count;
    uint64_t samples = read_chunk_pcm(frames_written, last);
    if (samples_done + samples > 0xFFFFFFFFu)
        die("too much audio for one clip");
    if (bav_writer_chunk(&writer, j->video, j->video_len, j->count,
                         pcm_buf, (uint32_t)samples) != 0)
        die("writing chunk: %s", strerror(errno));
    samples_done += samples;
    free(j->video);
    j->video = NULL;
    j->count = 0;
}

/* Reads one frame into the job; 0 at the end of the input. */
static int read_frame(FILE *in, uint8_t *gray, size_t n, struct chunk_job *j)
{
    size_t got = fread(gray, 1, n, in);
    if (got == 0 && feof(in))
        return 0;
    if (got < n) {
        if (ferror(in))
            die("reading frames: %s", strerror(errno));
        die("input ends in the middle of frame %u (%zu of %zu bytes)",
            total_frames, got, n);
    }
    if (total_frames == 0xFFFFFFFFu)
        die("too many frames");
    bav_quantize(gray, n, j->h->levels, j->frames + (size_t)j->count * n);
    j->count++;
    total_frames++;
    return 1;
}

/* Codes the filled jobs at once, one thread each, then writes them. */
static void code_and_write(struct chunk_job *jobs, int filled, int input_done, int progress)
{
    pthread_t threads[ENCODE_THREADS];
    for (int i = 1; i < filled; i++)
        if (pthread_create(&threads[i], NULL, encode_chunk, &jobs[i]) != 0)
            die("cannot start a thread");
    encode_chunk(&jobs[0]);
    for (int i = 1; i < filled; i++)
        pthread_join(threads[i], NULL);
    for (int i = 0; i < filled; i++)
        write_chunk(&jobs[i], input_done && i == filled - 1);
    if (progress) {
        printf("frame %u\n", frames_written);
        fflush(stdout);
    }
}

static void encode_all(FILE *in, const struct bav_header *h, int progress)
{
    size_t n = (size_t)bav_frame_bytes(h);
    uint8_t *gray = xmalloc(n);
    /* About one second per chunk. */
    uint32_t per_chunk = (uint32_t)((h->fps_num + h->fps_den / 2) / h->fps_den);
    if (per_chunk == 0)
        per_chunk = 1;
    struct chunk_job jobs[ENCODE_THREADS];
    for (int i = 0; i < ENCODE_THREADS; i++) {
        jobs[i] = (struct chunk_job){h, xmalloc(n * per_chunk), 0, per_chunk,
                                     xmalloc(sizeof(struct bav_chunk_encoder)), NULL, 0};
    }
    int done = 0;
    while (!done) {
        int filled = 0;
        while (filled < ENCODE_THREADS) {
            struct chunk_job *j = &jobs[filled];
            while (j->count < j->cap && read_frame(in, gray, n, j))
                ;
            if (j->count == 0) {
                done = 1;
                break;
            }
            filled++;
            if (j->count < j->cap) {
                done = 1;
                break;
            }
        }
        if (!done) {                /* the input may end right here */
            int c = getc(in);
            done = c == EOF;
            if (!done)
                ungetc(c, in);
        }
        if (filled)
            code_and_write(jobs, filled, done, progress);
    }
    if (total_frames == 0)
        die("no frames in the input (need %zu bytes per frame)", n);
    for (int i = 0; i < ENCODE_THREADS; i++) {
        free(jobs[i].frames);
        free(jobs[i].enc);
    }
    free(gray);
}

static void write_file(const char *out_path)
{
    FILE *out = fopen(out_path, "wb");
    if (!out)
        die("cannot create %s: %s", out_path, strerror(errno));
    if (bav_writer_finish(&writer, out) != 0 || fclose(out) != 0) {
        remove(out_path);
        die("writing %s: %s", out_path, strerror(errno));
    }
}

int main(int argc, char **argv)
{
    struct options o = parse_args(argc, argv);
    FILE *in = strcmp(o.in_path, "-") ? fopen(o.in_path, "rb") : stdin;
    if (!in)
        die("cannot open %s: %s", o.in_path, strerror(errno));
    if (o.pcm_path && !(pcm_in = fopen(o.pcm_path, "rb")))
        die("cannot open %s: %s", o.pcm_path, strerror(errno));

    struct bav_header h = {0};
    h.width = (uint16_t)o.width;
    h.height = (uint16_t)o.height;
    h.fps_num = (uint32_t)o.fps_num;
    h.fps_den = (uint32_t)o.fps_den;
    h.levels = (uint8_t)o.levels;
    if (pcm_in) {
        h.audio_format = BAV_AUDIO_S16LE;
        h.audio_channels = (uint8_t)o.channels;
        h.audio_rate = (uint32_t)o.rate;
    }
    if (bav_writer_begin(&writer, &h) != 0)
        die("cannot create a temporary file: %s", strerror(errno));
    encode_all(in, &h, o.progress);
    write_file(o.out_path);
    return 0;
}
