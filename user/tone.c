/*
 * user/tone.c — play a sine tone, and optionally log the playback clock.
 *
 *   tone [--rate HZ] [--channels N] [--clock-log] [--flush-after S] FREQ SECONDS
 *
 * Generates S16 samples with audio/tone.c (integer sine, continuous phase)
 * and writes them to /dev/audio in 20 ms pieces. With --clock-log it prints
 * "clock MONO_NS FRAMES" after each write: the monotonic time and the
 * device's playback clock (AUDIO_GET_CLOCK), which the clock test fits
 * against the nominal rate. --flush-after S writes everything first, waits
 * until S seconds have been heard, drops the rest with AUDIO_FLUSH and
 * reports the clock before and after ("tone: flushed at frame F; clock
 * after F2"): only about S seconds of the tone reach the speaker.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "audio/tone.h"
#include "kernel/abi/abi.h"

static void usage(void)
{
    fprintf(stderr, "usage: tone [--rate 44100|48000] [--channels 1|2] [--clock-log] "
                    "[--flush-after S] FREQ SECONDS\n");
    exit(2);
}

int main(int argc, char **argv)
{
    uint32_t rate = 44100, channels = 2;
    int clock_log = 0;
    double flush_after = -1;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        if (strcmp(argv[i], "--rate") == 0 && i + 1 < argc)
            rate = (uint32_t)atoi(argv[++i]);
        else if (strcmp(argv[i], "--channels") == 0 && i + 1 < argc)
            channels = (uint32_t)atoi(argv[++i]);
        else if (strcmp(argv[i], "--clock-log") == 0)
            clock_log = 1;
        else if (strcmp(argv[i], "--flush-after") == 0 && i + 1 < argc)
            flush_after = strtod(argv[++i], NULL);
        else
            usage();
    }
    if (argc - i != 2)
        usage();
    char *end;
    long freq = strtol(argv[i], &end, 10);
    double seconds = strtod(argv[i + 1], NULL);
    if (*end || freq <= 0 || seconds <= 0 || seconds > 3600) {
        fprintf(stderr, "tone: bad frequency or duration\n");
        return 2;
    }
    struct tone t;
    if (tone_init(&t, (uint32_t)freq, rate, channels, 12000) < 0) {
        fprintf(stderr, "tone: %ld Hz cannot be played at %u Hz\n", freq, rate);
        return 2;
    }
    int audio = open("/dev/audio", O_WRONLY);
    if (audio < 0) {
        fprintf(stderr, "tone: /dev/audio: %s\n", strerror(errno));
        return 1;
    }
    struct audio_format fmt = { rate, channels };
    if (ioctl(audio, AUDIO_SET_FORMAT, &fmt) < 0) {
        fprintf(stderr, "tone: cannot play %u Hz, %u channels: %s\n", rate, channels,
                strerror(errno));
        return 1;
    }
    uint32_t piece = rate / 50; /* 20 ms */
    int16_t *buf = malloc(piece * channels * sizeof *buf);
    uint64_t total = (uint64_t)(seconds * rate), done = 0;
    while (done < total) {
        uint32_t n = total - done < piece ? (uint32_t)(total - done) : piece;
        tone_fill(&t, buf, n);
        if (write(audio, buf, n * channels * sizeof *buf) < 0) {
            fprintf(stderr, "tone: /dev/audio: %s\n", strerror(errno));
            return 1;
        }
        done += n;
        if (clock_log) {
            struct audio_clock c;
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            if (ioctl(audio, AUDIO_GET_CLOCK, &c) == 0)
                printf("clock %lld %llu\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec,
                       (unsigned long long)c.frames_played);
        }
    }
    if (flush_after >= 0) {
        struct audio_clock before, after;
        uint64_t target = (uint64_t)(flush_after * rate);
        do {
            struct timespec ts = { 0, 5000000 };
            nanosleep(&ts, NULL);
            ioctl(audio, AUDIO_GET_CLOCK, &before);
        } while (before.frames_played < target);
        if (ioctl(audio, AUDIO_FLUSH, 0) < 0) {
            fprintf(stderr, "tone: AUDIO_FLUSH: %s\n", strerror(errno));
            return 1;
        }
        ioctl(audio, AUDIO_GET_CLOCK, &after);
        printf("tone: flushed at frame %llu; clock after %llu\n",
               (unsigned long long)before.frames_played, (unsigned long long)after.frames_played);
    }
    ioctl(audio, AUDIO_DRAIN, 0);
    struct audio_clock c;
    if (ioctl(audio, AUDIO_GET_CLOCK, &c) == 0)
        printf("tone: %llu frames, %llu underruns\n", (unsigned long long)c.frames_written,
               (unsigned long long)c.underruns);
    close(audio);
    return 0;
}
