/*
 * audio/wav.h — RIFF/WAVE header parser for aplay; pure (no allocation, no
 * libc beyond the project's string functions), host-tested under ASan.
 *
 * aplay streams the samples, so the parser sees only the file's first
 * header_len bytes plus the file's total size. It walks the chunks after
 * 'RIFF' <size> 'WAVE' in file order: 'fmt ' must come before 'data'; other
 * chunks (LIST, fact, id3 ...) are skipped, including the pad byte after an
 * odd-sized chunk. Parsing stops at 'data', whose payload starts at
 * info->data_offset. The RIFF size field is not trusted (writers get it
 * wrong); the data chunk's size is checked against the file size.
 *
 * Accepted: PCM (format tag 1, or WAVE_FORMAT_EXTENSIBLE 0xFFFE with the
 * PCM subformat), 16 bits, 1–2 channels, 44100 or 48000 Hz. Everything else
 * is refused with a code and a message naming what was found, e.g.
 * "8-bit PCM not supported", "IEEE float not supported", "22050 Hz not
 * supported", "3 channels not supported".
 *
 * Truncated files (data chunk declared longer than the file holds) return
 * WAV_E_TRUNCATED with the info filled in (data_available = what is there).
 * aplay refuses them — a cut-off file usually means a failed copy and
 * playing it silently would hide that — but a caller may choose to play
 * data_available bytes.
 */
#ifndef AUDIO_WAV_H
#define AUDIO_WAV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum wav_error {
    WAV_OK = 0,
    WAV_E_NOT_RIFF,        /* no 'RIFF' ... 'WAVE' header */
    WAV_E_BAD_CHUNK,       /* a chunk runs past the end of the file */
    WAV_E_NO_FMT,          /* 'data' before 'fmt ', or no 'fmt ' at all */
    WAV_E_BAD_FMT,         /* 'fmt ' too short or inconsistent */
    WAV_E_FORMAT,          /* not PCM (float, A-law, ADPCM, ...) */
    WAV_E_BITS,            /* not 16-bit */
    WAV_E_CHANNELS,        /* not 1 or 2 */
    WAV_E_RATE,            /* not 44100/48000 */
    WAV_E_NO_DATA,         /* no 'data' chunk in the file */
    WAV_E_HEADER_TOO_LONG, /* the chunks before 'data' exceed header_len */
    WAV_E_TRUNCATED,       /* data chunk longer than the file */
};

#define WAV_FORMAT_PCM 0x0001
#define WAV_FORMAT_IEEE_FLOAT 0x0003
#define WAV_FORMAT_EXTENSIBLE 0xFFFE

struct wav_info {
    uint16_t format_tag;   /* as in the file (1 or 0xFFFE when accepted) */
    uint16_t channels;
    uint32_t rate;
    uint16_t bits;
    uint16_t frame_bytes;  /* block align: channels * 2 */
    uint64_t data_offset;  /* file offset of the first sample byte */
    uint32_t data_declared;  /* the data chunk's size field */
    uint64_t data_available; /* bytes of it actually in the file */
    bool truncated;
};

/* Parse the header. `header` holds the file's first header_len bytes;
 * file_size is the whole file's length. On WAV_OK (and WAV_E_TRUNCATED) the
 * info is complete. On any error other than WAV_OK, `msg` (msg_cap bytes,
 * always NUL-terminated when msg_cap > 0) says what is wrong. */
enum wav_error wav_parse(const uint8_t *header, size_t header_len,
                         uint64_t file_size, struct wav_info *info,
                         char *msg, size_t msg_cap);

#endif
