/*
 * tools/encode/democlip.c — draws and scores the project's default clip:
 * original black-and-white silhouette animation with an original tune.
 *
 *   democlip [--seconds N] [--audio OUT.pcm] [--frames OUT.gray|-]
 *
 * Frames: 480x360 8-bit gray (only 0 and 255), 30 fps, written one after
 * another. Audio: 44100 Hz stereo s16le, written completely before any
 * frame (run it once for the audio, then pipe the frames into bavenc).
 * Everything is a pure function of the frame/sample number: the output is
 * the same on every run. Five 8-second scenes follow the music's 2-second
 * bars (120 beats per minute, A minor: Am F C G).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define W 480
#define H 360
#define FPS 30
#define RATE 44100
#define PI 3.14159265358979323846

static uint8_t fb[H][W];

/* ---- drawing: each primitive scans only its bounding box ---------------- */

static int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

static void fill_rect(int x0, int y0, int x1, int y1, uint8_t c)
{
    x0 = clampi(x0, 0, W), x1 = clampi(x1, 0, W);
    y0 = clampi(y0, 0, H), y1 = clampi(y1, 0, H);
    for (int y = y0; y < y1; y++)
        if (x1 > x0)
            memset(&fb[y][x0], c, (size_t)(x1 - x0));
}

/* Ellipse with radii rx, ry, turned by angle a (radians). */
static void ellipse(double cx, double cy, double rx, double ry, double a, uint8_t c)
{
    double r = rx > ry ? rx : ry, ca = cos(a), sa = sin(a);
    int x0 = clampi((int)floor(cx - r), 0, W), x1 = clampi((int)ceil(cx + r) + 1, 0, W);
    int y0 = clampi((int)floor(cy - r), 0, H), y1 = clampi((int)ceil(cy + r) + 1, 0, H);
    if (rx < 0.5 || ry < 0.5)
        return;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) {
            double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
            double u = (dx * ca + dy * sa) / rx, v = (-dx * sa + dy * ca) / ry;
            if (u * u + v * v <= 1.0)
                fb[y][x] = c;
        }
}

static void circle(double cx, double cy, double r, uint8_t c) { ellipse(cx, cy, r, r, 0, c); }

/* A thick segment with round ends: limbs, stems, the ground's edge. */
static void capsule(double ax, double ay, double bx, double by, double r, uint8_t c)
{
    int x0 = clampi((int)floor(fmin(ax, bx) - r), 0, W), x1 = clampi((int)ceil(fmax(ax, bx) + r) + 1, 0, W);
    int y0 = clampi((int)floor(fmin(ay, by) - r), 0, H), y1 = clampi((int)ceil(fmax(ay, by) + r) + 1, 0, H);
    double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) {
            double px = x + 0.5 - ax, py = y + 0.5 - ay;
            double t = len2 > 0 ? (px * dx + py * dy) / len2 : 0;
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            double ex = px - t * dx, ey = py - t * dy;
            if (ex * ex + ey * ey <= r * r)
                fb[y][x] = c;
        }
}

/* Even-odd scanline fill of a polygon of n <= 32 points. */
static void polygon(const double *xs, const double *ys, int n, uint8_t c)
{
    double ymin = ys[0], ymax = ys[0];
    for (int i = 1; i < n; i++)
        ymin = fmin(ymin, ys[i]), ymax = fmax(ymax, ys[i]);
    for (int y = clampi((int)floor(ymin), 0, H); y < clampi((int)ceil(ymax) + 1, 0, H); y++) {
        double sy = y + 0.5, cut[32];
        int k = 0;
        for (int i = 0, j = n - 1; i < n; j = i++)
            if ((ys[i] > sy) != (ys[j] > sy))
                cut[k++] = xs[j] + (sy - ys[j]) * (xs[i] - xs[j]) / (ys[i] - ys[j]);
        for (int a = 1; a < k; a++)         /* insertion sort: k is tiny */
            for (int b = a; b > 0 && cut[b] < cut[b - 1]; b--) {
                double t = cut[b];
                cut[b] = cut[b - 1], cut[b - 1] = t;
            }
        for (int a = 0; a + 1 < k; a += 2)
            fill_rect((int)lround(cut[a]), y, (int)lround(cut[a + 1]), y + 1, c);
    }
}

static void star(double cx, double cy, double r, double turn, uint8_t c)
{
    double xs[10], ys[10];
    for (int i = 0; i < 10; i++) {
        double a = turn + i * PI / 5, rr = i & 1 ? r * 0.42 : r;
        xs[i] = cx + rr * sin(a), ys[i] = cy - rr * cos(a);
    }
    polygon(xs, ys, 10, c);
}

/* An apple of radius r: tumbles by angle turn in the picture plane and spins
 * by spin about its own vertical axis (the leaf swings from side to side). */
static void apple(double cx, double cy, double r, double turn, double spin, uint8_t c)
{
    double ct = cos(turn), st = sin(turn), s = cos(spin);
    double body = 0.9 + 0.1 * fabs(s);
#define PX(x, y) (cx + (x) * ct - (y) * st)
#define PY(x, y) (cy + (x) * st + (y) * ct)
    for (int side = -1; side <= 1; side += 2) {
        double lx = side * 0.32 * r * body, ly = 0.02 * r;
        ellipse(PX(lx, ly), PY(lx, ly), 0.62 * r * body, 0.8 * r, turn, c);
    }
    capsule(PX(0, -0.6 * r), PY(0, -0.6 * r), PX(0.1 * r * s, -1.05 * r),
            PY(0.1 * r * s, -1.05 * r), 0.07 * r, c);
    double leaf_x = 0.3 * r * s, leaf_w = 0.3 * r * fmax(fabs(s), 0.25);
    ellipse(PX(leaf_x, -0.92 * r), PY(leaf_x, -0.92 * r), leaf_w, 0.12 * r,
            turn - 0.45 * (s >= 0 ? 1 : -1), c);
#undef PX
#undef PY
}

/* A dancer standing with feet on the ground line gy, height about 2.6 * u.
 * phase drives the moves (one beat = 2*pi); run switches to a running gait. */
static void dancer(double cx, double gy, double u, double phase, int run, uint8_t c)
{
    double swing = sin(phase), bob = fabs(sin(phase)) * 0.08 * u;
    double hip_x = cx, hip_y = gy - 1.1 * u - bob;
    double neck_x = cx + (run ? 0.25 * u : 0.1 * u * swing), neck_y = hip_y - 0.95 * u;
    /* Legs: thigh then shin, opposite phases. */
    for (int side = -1; side <= 1; side += 2) {
        double a = run ? side * 0.8 * swing : side * (0.25 + 0.2 * swing);
        double kx = hip_x + sin(a) * 0.55 * u, ky = hip_y + cos(a) * 0.55 * u;
        double b = a - (run ? 0.6 + 0.5 * side * swing : 0.1 * side);
        double fx = kx + sin(b) * 0.55 * u, fy = fmin(ky + cos(b) * 0.55 * u, gy);
        capsule(hip_x, hip_y, kx, ky, 0.11 * u, c);
        capsule(kx, ky, fx, fy, 0.1 * u, c);
        capsule(fx, fy - 0.02 * u, fx + 0.18 * u, fy - 0.02 * u, 0.06 * u, c);
    }
    capsule(hip_x, hip_y, neck_x, neck_y, 0.2 * u, c);
    /* Arms: up on the beat when dancing, pumping when running. */
    for (int side = -1; side <= 1; side += 2) {
        double a = run ? PI - side * 0.9 * swing
                       : side * (1.2 + 1.1 * (0.5 + 0.5 * sin(phase + side)));
        double ex = neck_x + sin(a) * 0.45 * u, ey = neck_y + 0.05 * u - cos(a) * 0.45 * u;
        double b = a + side * (run ? -1.2 : 0.6 * swing);
        double hx = ex + sin(b) * 0.42 * u, hy = ey - cos(b) * 0.42 * u;
        capsule(neck_x, neck_y + 0.05 * u, ex, ey, 0.09 * u, c);
        capsule(ex, ey, hx, hy, 0.08 * u, c);
    }
    circle(neck_x + 0.03 * u, neck_y - 0.3 * u, 0.25 * u, c);
}

/* Keeps only a circle of radius r around the centre; the rest becomes c. */
static void iris(double r, uint8_t c)
{
    for (int y = 0; y < H; y++) {
        double dy = y + 0.5 - H / 2.0, half = r * r - dy * dy;
        int a = half > 0 ? (int)lround(W / 2.0 - sqrt(half)) : W / 2;
        int b = half > 0 ? (int)lround(W / 2.0 + sqrt(half)) : W / 2;
        fill_rect(0, y, a, y + 1, c);
        fill_rect(b, y, W, y + 1, c);
    }
}

/* ---- the score: eighth notes (0.25 s), eight per bar, 20 bars ----------- */

#define EIGHTH 0.25
#define BARS 20
#define HOLD -2
#define REST -1
static const int chord_root[4] = {45, 41, 48, 43};             /* A F C G */
static const int tune_a[4][8] = {
    {69, 72, 76, HOLD, 74, 72, 71, 72}, {69, HOLD, 65, 69, 72, HOLD, 71, 69},
    {67, 72, 76, HOLD, 79, HOLD, 77, 76}, {74, HOLD, 71, 67, 74, HOLD, 76, 74},
};
static const int tune_b[4][8] = {
    {81, HOLD, 79, 76, 81, HOLD, 84, 83}, {81, 77, 72, 77, 81, HOLD, 79, 77},
    {76, 79, 84, HOLD, 83, 81, 79, 76}, {79, HOLD, 74, 71, 67, HOLD, 71, 74},
};
/* Which tune each bar plays: 0 none, 1 A, 2 B, 3 the closing held note. */
static const int section[BARS] = {0, 0, 1, 1, 1, 1, 1, 1, 2, 2,
                                  2, 2, 1, 1, 1, 1, 2, 2, 2, 3};
static const int bass_rhythm[8] = {0, HOLD, 0, 12, REST, 0, 12, 7};

struct voice { int note; double since; };   /* note or REST; seconds since onset */

static int melody_at(int e)
{
    int bar = e / 8, k = e % 8;
    if (bar >= BARS)
        return REST;
    switch (section[bar]) {
    case 1: return tune_a[bar % 4][k];
    case 2: return tune_b[bar % 4][k];
    case 3: return k == 0 ? 69 : HOLD;
    default: return REST;
    }
}

static int bass_at(int e)
{
    int bar = e / 8, k = e % 8;
    if (bar >= BARS)
        return REST;
    int root = bar == BARS - 1 ? 45 : chord_root[bar % 4];
    if (bar == BARS - 1)
        return k == 0 ? root - 12 : HOLD;
    int step = bass_rhythm[k];
    return step < 0 ? step : root + step;
}

/* Follows ties back to the onset of whatever sounds at time t. */
static struct voice voice_at(int (*part)(int), double t)
{
    int e = (int)floor(t / EIGHTH);
    struct voice v = {REST, 0};
    int start = e;
    while (start > 0 && part(start) == HOLD)
        start--;
    int note = part(start);
    if (note >= 0) {
        v.note = note;
        v.since = t - start * EIGHTH;
    }
    return v;
}

static double freq(int note) { return 440.0 * pow(2.0, (note - 69) / 12.0); }

static void write_audio(FILE *out, double seconds)
{
    long n = (long)(seconds * RATE);
    int16_t buf[2 * 1024];
    double mel_phase = 0, bass_phase = 0;
    for (long i = 0; i < n;) {
        int k = 0;
        for (; k < 1024 && i < n; k++, i++) {
            double t = (double)i / RATE;
            struct voice m = voice_at(melody_at, t), b = voice_at(bass_at, t);
            double mel = 0, bass = 0, kick = 0;
            if (m.note >= 0) {
                double vib = 1 + 0.004 * sin(2 * PI * 5.5 * m.since);
                mel_phase = fmod(mel_phase + freq(m.note) * vib / RATE, 1.0);
                double env = fmin(m.since / 0.01, 1.0) * (0.55 + 0.45 * exp(-m.since * 6));
                mel = (mel_phase < 0.3 ? 1.0 : -1.0) * 0.16 * env;
            }
            if (b.note >= 0) {
                bass_phase = fmod(bass_phase + freq(b.note) / RATE, 1.0);
                double tri = 4 * fabs(bass_phase - 0.5) - 1;
                bass = tri * 0.3 * fmin(b.since / 0.005, 1.0) * exp(-b.since * 2.5);
            }
            int bar = (int)(t / 2.0);
            if (bar >= 4 && bar < BARS - 1) {
                double beat = fmod(t, 0.5);
                double f = 45 + 90 * exp(-beat * 30);
                kick = sin(2 * PI * f * beat) * 0.4 * exp(-beat * 14);
            }
            double left = 0.6 * mel + 0.45 * bass + kick, right = 0.42 * mel + 0.6 * bass + kick;
            buf[2 * k] = (int16_t)lround(fmax(-1, fmin(1, left)) * 32000);
            buf[2 * k + 1] = (int16_t)lround(fmax(-1, fmin(1, right)) * 32000);
        }
        /* s16le on the (little-endian) host */
        if (fwrite(buf, 4, (size_t)k, out) != (size_t)k) {
            perror("democlip: writing audio");
            exit(1);
        }
    }
}

/* ---- the picture -------------------------------------------------------- */

static double ease(double x) { x = fmin(fmax(x, 0), 1); return x * x * (3 - 2 * x); }

/* A small deterministic hash for the falling apples' sizes and speeds. */
static double rnd(int i, int salt)
{
    uint32_t x = (uint32_t)i * 2654435761u ^ (uint32_t)salt * 40503u;
    x ^= x >> 15, x *= 2246822519u, x ^= x >> 13;
    return (x & 0xFFFF) / 65536.0;
}

static void draw_frame(int f, double total)
{
    double t = (double)f / FPS, beat = t / 0.5;
    int scene = (int)(t / 8);
    double st = t - scene * 8;                /* seconds into the scene */
    double bounce = fabs(sin(PI * beat));
    const uint8_t K = 0, Wh = 255;

    if (scene == 0) {                         /* a white apple is born */
        fill_rect(0, 0, W, H, K);
        fill_rect(0, 300, W, H, Wh);
        double r = 90 * ease(t / 2.5), hop = st > 2.5 ? 40 * bounce : 0;
        ellipse(240, 305, r * (1.0 - hop / 120), 6, 0, K);
        apple(240, 300 - 0.85 * r - hop, r, 0.25 * sin(t * 1.3), t * 2.2, Wh);
        for (int i = 0; i < 12; i++) {        /* twinkling stars */
            double x = 20 + 440 * rnd(i, 1), y = 20 + 200 * rnd(i, 2);
            double tw = 0.5 + 0.5 * sin(t * 3 + i);
            star(x, y, 3 + 5 * tw * ease(t - 1), t * 0.5 + i, Wh);
        }
    } else if (scene == 1) {                  /* dancers under a black sun */
        fill_rect(0, 0, W, H, Wh);
        circle(370, 110, 60, K);
        circle(392, 98, 50, Wh);             /* ... a crescent moon */
        fill_rect(0, 310, W, H, K);
        double x = 240 + 90 * sin(st * PI / 4);
        dancer(x, 311, 70, PI * beat, 0, K);
        if (st > 4) {
            dancer(x - 150, 311, 45, PI * beat + PI, 0, K);
            dancer(x + 150, 311, 45, PI * beat + PI, 0, K);
        }
    } else if (scene == 2) {                  /* shapes dance to the tune */
        fill_rect(0, 0, W, H, K);
        star(240, 150, 70 + 10 * bounce, st * 1.4, Wh);
        circle(240, 150, 22, K);
        for (int i = 0; i < 6; i++) {
            double a = st * 1.1 + i * PI / 3;
            circle(240 + 140 * cos(a), 150 + 70 * sin(a), 14 + 6 * bounce, Wh);
        }
        struct voice m = voice_at(melody_at, t), b = voice_at(bass_at, t);
        for (int i = 0; i < 16; i++) {        /* an equalizer bar per key */
            double level = 0;
            if (m.note >= 0 && abs(m.note - 64 - i) <= 1)
                level = exp(-m.since * 3);
            if (b.note >= 0 && abs(b.note - 36 - i * 2) <= 1)
                level = fmax(level, exp(-b.since * 2));
            double hgt = 8 + 80 * level + 6 * sin(t * 4 + i);
            fill_rect(16 + i * 28, (int)(H - hgt), 16 + i * 28 + 20, H, Wh);
        }
    } else if (scene == 3) {                  /* apples rain, a runner runs */
        fill_rect(0, 0, W, H, Wh);
        for (int i = 0; i < 14; i++) {
            double r = 10 + 18 * rnd(i, 3), speed = 60 + 120 * rnd(i, 4);
            double y = fmod(-40 + st * speed + 400 * rnd(i, 5), 440) - 40;
            apple(20 + 440 * rnd(i, 6), y, r, st * (rnd(i, 7) - 0.5) * 3, st * 2 + i, K);
        }
        fill_rect(0, 320, W, H, K);
        dancer(-60 + 600 * st / 8, 321, 55, 2 * PI * st * 2, 1, K);
    } else {                                  /* finale: a turning split */
        fill_rect(0, 0, W, H, K);
        apple(240, 190, 110 + 10 * bounce, 0.2 * sin(st), st * 2.5, Wh);
        double a = st * 0.7, ca = cos(a), sa = sin(a);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                if ((x - 240) * ca + (y - 180) * sa > 0)
                    fb[y][x] ^= 0xFF;
    }

    /* Scene openings: half a second of iris, wipe or blinds. */
    double p = ease(st / 0.6);
    if (scene > 0 && st < 0.6) {
        if (scene == 1)
            iris(300 * p, K);
        else if (scene == 2) {
            for (int y = 0; y < H; y++)
                if (y % 30 >= 30 * p)
                    fill_rect(0, y, W, y + 1, Wh);
        } else if (scene == 3)
            fill_rect((int)(W * p), 0, W, H, K);
        else {
            for (int x = 0; x < W; x += 40)
                fill_rect(x + (int)(40 * p), 0, x + 40, H, Wh);
        }
    }
    if (t > total - 2)                        /* close on black */
        iris(300 * (1 - ease((t - (total - 2)) / 1.6)), K);
}

int main(int argc, char **argv)
{
    double seconds = 40;
    const char *audio_path = NULL, *frames_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
            seconds = atof(argv[++i]);
        else if (!strcmp(argv[i], "--audio") && i + 1 < argc)
            audio_path = argv[++i];
        else if (!strcmp(argv[i], "--frames") && i + 1 < argc)
            frames_path = argv[++i];
        else {
            fprintf(stderr, "usage: democlip [--seconds N] [--audio OUT.pcm] [--frames OUT.gray|-]\n");
            return 2;
        }
    }
    if (!(seconds > 0 && seconds <= 40)) {
        fprintf(stderr, "democlip: --seconds must be in (0, 40]\n");
        return 2;
    }
    if (audio_path) {
        FILE *a = fopen(audio_path, "wb");
        if (!a) {
            perror(audio_path);
            return 1;
        }
        write_audio(a, seconds);
        if (fclose(a) != 0) {
            perror(audio_path);
            return 1;
        }
    }
    if (frames_path) {
        FILE *out = strcmp(frames_path, "-") ? fopen(frames_path, "wb") : stdout;
        if (!out) {
            perror(frames_path);
            return 1;
        }
        int frames = (int)lround(seconds * FPS);
        for (int f = 0; f < frames; f++) {
            draw_frame(f, seconds);
            if (fwrite(fb, 1, sizeof fb, out) != sizeof fb) {
                perror("democlip: writing frames");
                return 1;
            }
        }
        if (fclose(out) != 0) {
            perror(frames_path);
            return 1;
        }
    }
    return 0;
}
