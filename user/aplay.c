/*
 * user/aplay.c — play a WAV file on /dev/audio.
 *
 *   aplay [-q] [--pause-after SECONDS --pause-for SECONDS] FILE.wav
 *
 * Accepts RIFF/WAVE with 16-bit PCM, mono or stereo, 44100 or 48000 Hz
 * (audio/wav.c, shared with the host tests); anything else is refused with
 * a message naming the format, exit status 1, before the sound device is
 * touched. A truncated file (data chunk longer than the file) is refused
 * too: a cut-off file usually means a failed copy. Streams the samples in
 * 16 KiB writes, drains, and reports frames played and underruns.
 * --pause-after/--pause-for pause playback once, for testing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audio/wav.h"
#include "kernel/abi/abi.h"

#define HEADER_MAX (64 * 1024)
#define CHUNK (16 * 1024)

static void usage(void)
{
    fprintf(stderr, "usage: aplay [-q] [--pause-after S --pause-for S] FILE.wav\n");
    exit(2);
}

static void sleep_seconds(double s)
{
    struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
    nanosleep(&ts, NULL);
}

struct options {
    const char *path;
    double pause_after;             /* seconds; < 0: never pause */
    double pause_for;
    int quiet;
};

static void parse_args(int argc, char **argv, struct options *o)
{
    *o = (struct options){ NULL, -1, 0, 0 };
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-q") == 0)
            o->quiet = 1;
        else if (strcmp(argv[i], "--pause-after") == 0 && i + 1 < argc)
            o->pause_after = strtod(argv[++i], NULL);
        else if (strcmp(argv[i], "--pause-for") == 0 && i + 1 < argc)
            o->pause_for = strtod(argv[++i], NULL);
        else if (argv[i][0] == '-' || o->path)
            usage();
        else
            o->path = argv[i];
    }
    if (!o->path)
        usage();
}

/*
 * Opens the WAV file and parses its header into *info, in a buffer of
 * HEADER_MAX bytes (*buf, reused for the samples). The file's descriptor,
 * or -1 after a message.
 */
static int open_wav(const char *path, uint8_t **buf, struct wav_info *info)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        fprintf(stderr, "aplay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (!(*buf = malloc(HEADER_MAX))) {
        fprintf(stderr, "aplay: out of memory\n");
        return -1;
    }
    ssize_t hlen = read(fd, *buf, HEADER_MAX);
    if (hlen < 0) {
        fprintf(stderr, "aplay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    char msg[128];
    if (wav_parse(*buf, (size_t)hlen, (uint64_t)st.st_size, info, msg, sizeof msg) != WAV_OK) {
        fprintf(stderr, "aplay: %s: %s\n", path, msg);
        return -1;
    }
    return fd;
}

/* /dev/audio set to the clip's format; -1 after a message. */
static int open_audio(const char *path, const struct wav_info *info, int quiet)
{
    int audio = open("/dev/audio", O_WRONLY);
    if (audio < 0) {
        fprintf(stderr, "aplay: /dev/audio: %s\n", strerror(errno));
        return -1;
    }
    struct audio_format fmt = { info->rate, info->channels };
    if (ioctl(audio, AUDIO_SET_FORMAT, &fmt) < 0) {
        fprintf(stderr, "aplay: cannot play %u Hz, %u channels: %s\n", info->rate,
                info->channels, strerror(errno));
        return -1;
    }
    if (!quiet)
        printf("aplay: %s: %u Hz, %u channel%s, %llu frames\n", path, info->rate,
               info->channels, info->channels == 1 ? "" : "s",
               (unsigned long long)(info->data_available / info->frame_bytes));
    return audio;
}

/* All of buf[0, n) to /dev/audio; 0, or -1 after a message. */
static int write_all(int audio, const uint8_t *buf, ssize_t n)
{
    for (ssize_t off = 0; off < n;) {
        ssize_t put = write(audio, buf + off, (size_t)(n - off));
        if (put < 0) {
            fprintf(stderr, "aplay: /dev/audio: %s\n", strerror(errno));
            return -1;
        }
        off += put;
    }
    return 0;
}

/* Lets what was written start playing, then pauses for pause_for seconds
 * and resumes; the clock must stand still while paused. */
static void pause_once(int audio, double pause_for)
{
    struct audio_clock before, after;
    sleep_seconds(0.2);
    ioctl(audio, AUDIO_PAUSE, 0);
    ioctl(audio, AUDIO_GET_CLOCK, &before);
    sleep_seconds(pause_for);
    ioctl(audio, AUDIO_GET_CLOCK, &after);
    ioctl(audio, AUDIO_RESUME, 0);
    printf("aplay: paused %d ms at clock frame %llu; clock after the pause %llu\n",
           (int)(pause_for * 1000), (unsigned long long)before.frames_played,
           (unsigned long long)after.frames_played);
}

/* The whole frames of the data chunk from fd to audio, in CHUNK writes,
 * pausing once if asked; 0, or -1 after a message. */
static int stream(int fd, int audio, uint8_t *buf, const struct wav_info *info,
                  const struct options *o)
{
    uint64_t left = info->data_available - info->data_available % info->frame_bytes;
    uint64_t written = 0, pause_at = o->pause_after >= 0
                                         ? (uint64_t)(o->pause_after * info->rate) *
                                               info->frame_bytes
                                         : UINT64_MAX;
    if (lseek(fd, (off_t)info->data_offset, SEEK_SET) < 0) {
        fprintf(stderr, "aplay: %s: %s\n", o->path, strerror(errno));
        return -1;
    }
    while (left > 0) {
        size_t want = left < CHUNK ? (size_t)left : CHUNK;
        if (written < pause_at && written + want > pause_at)
            want = (size_t)(pause_at - written);
        ssize_t got = read(fd, buf, want);
        if (got <= 0) {
            fprintf(stderr, "aplay: %s: %s\n", o->path,
                    got < 0 ? strerror(errno) : "ended early");
            return -1;
        }
        if (write_all(audio, buf, got) < 0)
            return -1;
        written += (uint64_t)got;
        left -= (uint64_t)got;
        if (written == pause_at)
            pause_once(audio, o->pause_for);
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct options o;
    parse_args(argc, argv, &o);
    uint8_t *buf;
    struct wav_info info;
    int fd = open_wav(o.path, &buf, &info);
    if (fd < 0)
        return 1;
    int audio = open_audio(o.path, &info, o.quiet);
    if (audio < 0 || stream(fd, audio, buf, &info, &o) < 0)
        return 1;
    if (ioctl(audio, AUDIO_DRAIN, 0) < 0) {
        fprintf(stderr, "aplay: drain: %s\n", strerror(errno));
        return 1;
    }
    struct audio_clock clk;
    if (ioctl(audio, AUDIO_GET_CLOCK, &clk) == 0 && !o.quiet)
        printf("aplay: played %llu frames, %llu underruns\n",
               (unsigned long long)clk.frames_written, (unsigned long long)clk.underruns);
    close(audio);
    return 0;
}
