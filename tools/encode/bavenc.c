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
 */
#include <errno.h>
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

/* Encoder state for the chunk being assembled. */
static struct bav_writer writer;
static FILE *pcm_in;
static uint8_t *records, *pcm_buf;
static size_t records_len, records_cap, pcm_cap;
static uint32_t chunk_frames_done, total_frames;
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

static void flush_chunk(int last)
{
    size_t frame_bytes = (size_t)writer.h.audio_channels * 2;
    size_t have = 0;
    if (pcm_in) {
        uint64_t want = last ? UINT64_MAX
                             : bav_samples_before_frame(&writer.h, total_frames) - samples_done;
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
    }
    uint64_t samples = have / (frame_bytes ? frame_bytes : 1);
    if (samples_done + samples > 0xFFFFFFFFu)
        die("too much audio for one clip");
    if (bav_writer_chunk(&writer, records, records_len, chunk_frames_done,
                         pcm_buf, (uint32_t)samples) != 0)
        die("writing chunk: %s", strerror(errno));
    samples_done += samples;
    records_len = 0;
    chunk_frames_done = 0;
}

int main(int argc, char **argv)
{
    const char *out_path = NULL, *in_path = "-", *pcm_path = NULL;
    unsigned long width = 0, height = 0, fps_num = 30, fps_den = 1, levels = 2;
    unsigned long rate = 44100, channels = 2;
    int progress = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = 1;
        if (!strcmp(a, "--progress")) {
            progress = 1, takes = 0;
        } else if (a[0] == '-' && a[1] && !v) {
            die("%s needs a value", a);
        } else if (!strcmp(a, "-o")) {
            out_path = v;
        } else if (!strcmp(a, "--width")) {
            width = parse_num(a, v, BAV_MAX_DIM);
        } else if (!strcmp(a, "--height")) {
            height = parse_num(a, v, BAV_MAX_DIM);
        } else if (!strcmp(a, "--levels")) {
            levels = parse_num(a, v, 16);
        } else if (!strcmp(a, "--rate")) {
            rate = parse_num(a, v, BAV_MAX_RATE);
        } else if (!strcmp(a, "--channels")) {
            channels = parse_num(a, v, BAV_MAX_CHANNELS);
        } else if (!strcmp(a, "--pcm")) {
            pcm_path = v;
        } else if (!strcmp(a, "--fps")) {
            char num[32];
            const char *slash = strchr(v, '/');
            size_t len = slash ? (size_t)(slash - v) : strlen(v);
            if (len >= sizeof num)
                die("--fps: bad rate '%s'", v);
            memcpy(num, v, len);
            num[len] = 0;
            fps_num = parse_num(a, num, 0xFFFFFFFFu);
            fps_den = slash ? parse_num(a, slash + 1, 0xFFFFFFFFu) : 1;
        } else if (a[0] != '-' || !strcmp(a, "-")) {
            in_path = a, takes = 0;
        } else {
            die("unknown option %s (usage: bavenc -o OUT --width W --height H "
                "[--fps N/D] [--levels 2|4|16] [--pcm FILE --rate HZ "
                "--channels C] [--progress] [FRAMES|-])", a);
        }
        i += takes;
    }
    if (!out_path)
        die("no output file (-o OUT.bav)");
    if (!width || !height)
        die("--width and --height are required (1..%d)", BAV_MAX_DIM);
    if (levels != 2 && levels != 4 && levels != 16)
        die("--levels must be 2, 4 or 16");
    if (!fps_num || !fps_den)
        die("--fps must be positive");
    if (pcm_path && (!rate || !channels))
        die("--rate and --channels must be positive");

    FILE *in = strcmp(in_path, "-") ? fopen(in_path, "rb") : stdin;
    if (!in)
        die("cannot open %s: %s", in_path, strerror(errno));
    if (pcm_path && !(pcm_in = fopen(pcm_path, "rb")))
        die("cannot open %s: %s", pcm_path, strerror(errno));

    struct bav_header h = {0};
    h.width = (uint16_t)width;
    h.height = (uint16_t)height;
    h.fps_num = (uint32_t)fps_num;
    h.fps_den = (uint32_t)fps_den;
    h.levels = (uint8_t)levels;
    if (pcm_in) {
        h.audio_format = BAV_AUDIO_S16LE;
        h.audio_channels = (uint8_t)channels;
        h.audio_rate = (uint32_t)rate;
    }
    if (bav_writer_begin(&writer, &h) != 0)
        die("cannot create a temporary file: %s", strerror(errno));

    size_t n = width * height;
    uint8_t *gray = xmalloc(n), *cur = xmalloc(n), *prev = xmalloc(n);
    size_t bound = bav_encode_bound(n);
    uint8_t *coded = xmalloc(bound), *coded_key = xmalloc(bound);
    /* About one second per chunk. */
    uint32_t per_chunk = (uint32_t)((fps_num + fps_den / 2) / fps_den);
    if (per_chunk == 0)
        per_chunk = 1;

    for (;;) {
        size_t got = fread(gray, 1, n, in);
        if (got == 0 && feof(in))
            break;
        if (got < n) {
            if (ferror(in))
                die("reading frames: %s", strerror(errno));
            die("input ends in the middle of frame %u (%zu of %zu bytes)",
                total_frames, got, n);
        }
        if (total_frames == 0xFFFFFFFFu)
            die("too many frames");
        if (chunk_frames_done == per_chunk)
            flush_chunk(0);
        bav_quantize(gray, n, (unsigned)levels, cur);
        size_t size;
        int key = chunk_frames_done == 0;
        if (key) {
            size = bav_encode_frame(NULL, cur, n, (unsigned)levels, coded);
        } else {
            size = bav_encode_frame(prev, cur, n, (unsigned)levels, coded);
            /* A scene cut: a key frame may be smaller than the delta. */
            if (size > n / 64) {
                size_t ksize = bav_encode_frame(NULL, cur, n, (unsigned)levels, coded_key);
                if (ksize < size)
                    memcpy(coded, coded_key, ksize), size = ksize, key = 1;
            }
        }
        grow(&records, &records_cap, records_len + size + 10);
        records_len += bav_frame_record(records + records_len, coded, size, key);
        uint8_t *t = prev;
        prev = cur, cur = t;
        chunk_frames_done++;
        total_frames++;
        if (progress && total_frames % 15 == 0) {
            printf("frame %u\n", total_frames);
            fflush(stdout);
        }
    }
    if (total_frames == 0)
        die("no frames in %s (need %zu bytes per frame)",
            strcmp(in_path, "-") ? in_path : "input", n);
    flush_chunk(1);

    FILE *out = fopen(out_path, "wb");
    if (!out)
        die("cannot create %s: %s", out_path, strerror(errno));
    if (bav_writer_finish(&writer, out) != 0 || fclose(out) != 0) {
        remove(out_path);
        die("writing %s: %s", out_path, strerror(errno));
    }
    if (progress)
        printf("frame %u\n", total_frames);
    return 0;
}
