/*
 * user/audiobench.c — what playing sound costs the guest, and whether it
 * keeps up when the CPU is busy.
 *
 *   audiobench [--load] SECONDS
 *
 * Plays a 440 Hz tone for SECONDS through /dev/audio in 20 ms writes (as
 * `tone` does). Without --load it reports the guest CPU busy fraction while
 * playing, from /dev/stat's idle_ns: CPU time per second of audio. With
 * --load a child process spins for the whole time, so the player competes
 * for the CPU; it reports the underruns (periods of silence played because
 * data did not arrive in time). Output, one line:
 *   audiobench: S s, load N, busy B ppm, cpu C us per s of audio, underruns U
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audio/tone.h"
#include "kernel/abi/abi.h"

static unsigned long long stat_value(const char *key)
{
    char buf[1024];
    int fd = open("/dev/stat", O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    char *p = strstr(buf, key);
    return p ? strtoull(p + strlen(key) + 1, NULL, 10) : 0;
}

static unsigned long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    int load = argc == 3 && strcmp(argv[1], "--load") == 0;
    if (argc != 2 + load) {
        fprintf(stderr, "usage: audiobench [--load] SECONDS\n");
        return 2;
    }
    long seconds = strtol(argv[argc - 1], NULL, 10);
    if (seconds <= 0) {
        fprintf(stderr, "audiobench: bad duration\n");
        return 2;
    }
    int audio = open("/dev/audio", O_WRONLY);
    if (audio < 0) {
        fprintf(stderr, "audiobench: /dev/audio: %s\n", strerror(errno));
        return 1;
    }
    struct audio_format fmt = { 44100, 2 };
    ioctl(audio, AUDIO_SET_FORMAT, &fmt);
    pid_t spinner = -1;
    if (load) {
        spinner = fork();
        if (spinner == 0) {
            for (volatile unsigned long i = 0;; i++)
                ;
        }
    }
    struct tone t;
    tone_init(&t, 440, 44100, 2, 12000);
    int16_t buf[882 * 2];
    unsigned long long idle0 = stat_value("idle_ns"), t0 = now_ns();
    for (long i = 0; i < seconds * 50; i++) {
        tone_fill(&t, buf, 882);
        if (write(audio, buf, sizeof buf) < 0) {
            fprintf(stderr, "audiobench: /dev/audio: %s\n", strerror(errno));
            return 1;
        }
    }
    ioctl(audio, AUDIO_DRAIN, 0);
    unsigned long long elapsed = now_ns() - t0, idle = stat_value("idle_ns") - idle0;
    struct audio_clock c;
    ioctl(audio, AUDIO_GET_CLOCK, &c);
    if (spinner > 0) {
        kill(spinner, SIGKILL);
        waitpid(spinner, NULL, 0);
    }
    unsigned long long busy_ppm = idle < elapsed ? (elapsed - idle) * 1000000ULL / elapsed : 0;
    printf("audiobench: %ld s, load %d, busy %llu ppm, cpu %llu us per s of audio, "
           "underruns %llu\n", seconds, load, busy_ppm,
           (elapsed - (idle < elapsed ? idle : elapsed)) / 1000ULL / (unsigned long long)seconds,
           (unsigned long long)c.underruns);
    return 0;
}
