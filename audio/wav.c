/*
 * audio/wav.c — see wav.h. All reads go through `need`-checked offsets into
 * the header buffer (64-bit arithmetic, so a chunk size near 4 GiB cannot
 * wrap an offset); messages are built by a tiny appender because the kernel
 * and user space share this file and neither has snprintf in common.
 */
#include "audio/wav.h"
#include "kernel/lib/string.h"

/* ---- message building ---------------------------------------------------- */

struct msg {
    char *buf;
    size_t cap;
    size_t len;
};

static void msg_char(struct msg *m, char c)
{
    if (m->cap == 0)
        return;
    if (m->len + 1 < m->cap)
        m->buf[m->len++] = c;
    m->buf[m->len] = '\0';
}

static void msg_str(struct msg *m, const char *s)
{
    while (*s)
        msg_char(m, *s++);
}

static void msg_dec(struct msg *m, uint64_t v)
{
    char digits[20];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        msg_char(m, digits[--n]);
}

static void msg_hex4(struct msg *m, uint16_t v)
{
    static const char hex[] = "0123456789abcdef";
    msg_str(m, "0x");
    for (int shift = 12; shift >= 0; shift -= 4)
        msg_char(m, hex[(v >> shift) & 0xF]);
}

/* A chunk id, with anything unprintable shown as '?'. */
static void msg_fourcc(struct msg *m, const uint8_t *id)
{
    msg_char(m, '\'');
    for (int i = 0; i < 4; i++)
        msg_char(m, id[i] >= 0x20 && id[i] < 0x7f ? (char)id[i] : '?');
    msg_char(m, '\'');
}

/* ---- parsing --------------------------------------------------------------- */

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* The tail of the KSDATAFORMAT_SUBTYPE_* GUIDs after their 2-byte format
 * tag: {xxxx0000-0000-0010-8000-00AA00389B71} as stored little-endian. */
static const uint8_t wav_guid_tail[14] = {
    0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80,
    0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71,
};

static const char *format_name(uint16_t tag)
{
    switch (tag) {
    case 0x0002: return "MS ADPCM";
    case 0x0003: return "IEEE float";
    case 0x0006: return "A-law";
    case 0x0007: return "mu-law";
    case 0x0011: return "IMA ADPCM";
    case 0x0031: return "GSM 6.10";
    case 0x0050: return "MPEG audio";
    case 0x0055: return "MP3";
    default: return NULL;
    }
}

static enum wav_error refuse_format(struct msg *m, uint16_t tag)
{
    const char *name = format_name(tag);
    if (name) {
        msg_str(m, name);
    } else {
        msg_str(m, "format tag ");
        msg_hex4(m, tag);
    }
    msg_str(m, " not supported");
    return WAV_E_FORMAT;
}

/* Validate the 'fmt ' chunk body (len bytes at p) into info. */
static enum wav_error parse_fmt(const uint8_t *p, uint32_t len,
                                struct wav_info *info, struct msg *m)
{
    if (len < 16) {
        msg_str(m, "fmt chunk too short (");
        msg_dec(m, len);
        msg_str(m, " bytes)");
        return WAV_E_BAD_FMT;
    }
    uint16_t tag = le16(p);
    uint16_t channels = le16(p + 2);
    uint32_t rate = le32(p + 4);
    uint16_t block_align = le16(p + 12);
    uint16_t bits = le16(p + 14);
    uint16_t valid_bits = bits;

    if (tag == WAV_FORMAT_EXTENSIBLE) {
        /* cbSize, valid bits, channel mask, then the subformat GUID. */
        if (len < 40 || le16(p + 16) < 22) {
            msg_str(m, "extensible fmt chunk too short");
            return WAV_E_BAD_FMT;
        }
        if (le16(p + 18) != 0)
            valid_bits = le16(p + 18);
        uint16_t sub = le16(p + 24);
        if (memcmp(p + 26, wav_guid_tail, sizeof wav_guid_tail) != 0) {
            msg_str(m, "unknown extensible subformat not supported");
            return WAV_E_FORMAT;
        }
        if (sub != WAV_FORMAT_PCM)
            return refuse_format(m, sub);
    } else if (tag != WAV_FORMAT_PCM) {
        return refuse_format(m, tag);
    }

    if (bits != 16 || valid_bits != 16) {
        msg_dec(m, valid_bits != bits ? valid_bits : bits);
        msg_str(m, "-bit PCM not supported");
        return WAV_E_BITS;
    }
    if (channels < 1 || channels > 2) {
        msg_dec(m, channels);
        msg_str(m, channels == 1 ? " channel not supported"
                                 : " channels not supported");
        return WAV_E_CHANNELS;
    }
    if (rate != 44100 && rate != 48000) {
        msg_dec(m, rate);
        msg_str(m, " Hz not supported");
        return WAV_E_RATE;
    }
    if (block_align != channels * 2) {
        msg_str(m, "inconsistent fmt chunk: block align ");
        msg_dec(m, block_align);
        msg_str(m, " for ");
        msg_dec(m, channels);
        msg_str(m, " x 16-bit");
        return WAV_E_BAD_FMT;
    }
    info->format_tag = tag;
    info->channels = channels;
    info->rate = rate;
    info->bits = bits;
    info->frame_bytes = block_align;
    return WAV_OK;
}

enum wav_error wav_parse(const uint8_t *header, size_t header_len,
                         uint64_t file_size, struct wav_info *info,
                         char *msg, size_t msg_cap)
{
    struct msg m = {msg, msg_cap, 0};
    if (msg_cap > 0)
        msg[0] = '\0';
    memset(info, 0, sizeof *info);
    /* Only bytes that are both in the buffer and in the file are real. */
    uint64_t have = header_len < file_size ? header_len : file_size;

    if (have < 12 || memcmp(header, "RIFF", 4) != 0 ||
        memcmp(header + 8, "WAVE", 4) != 0) {
        msg_str(&m, "not a RIFF/WAVE file");
        return WAV_E_NOT_RIFF;
    }

    bool have_fmt = false;
    uint64_t off = 12;
    for (;;) {
        if (off + 8 > file_size) {
            msg_str(&m, have_fmt ? "no data chunk" : "no fmt chunk");
            return have_fmt ? WAV_E_NO_DATA : WAV_E_NO_FMT;
        }
        if (off + 8 > have) {
            msg_str(&m, "header chunks longer than ");
            msg_dec(&m, header_len);
            msg_str(&m, " bytes");
            return WAV_E_HEADER_TOO_LONG;
        }
        const uint8_t *id = header + off;
        uint32_t size = le32(header + off + 4);
        uint64_t body = off + 8;

        if (memcmp(id, "data", 4) == 0) {
            if (!have_fmt) {
                msg_str(&m, "data chunk before fmt chunk");
                return WAV_E_NO_FMT;
            }
            info->data_offset = body;
            info->data_declared = size;
            uint64_t in_file = file_size - body;
            info->data_available = size < in_file ? size : in_file;
            info->truncated = info->data_available < size;
            if (info->truncated) {
                msg_str(&m, "truncated: data chunk declares ");
                msg_dec(&m, size);
                msg_str(&m, " bytes, file holds ");
                msg_dec(&m, info->data_available);
                return WAV_E_TRUNCATED;
            }
            return WAV_OK;
        }

        if (body + size > file_size) {
            msg_str(&m, "chunk ");
            msg_fourcc(&m, id);
            msg_str(&m, " runs past the end of the file");
            return WAV_E_BAD_CHUNK;
        }
        if (memcmp(id, "fmt ", 4) == 0) {
            if (body + size > have) {
                msg_str(&m, "header chunks longer than ");
                msg_dec(&m, header_len);
                msg_str(&m, " bytes");
                return WAV_E_HEADER_TOO_LONG;
            }
            enum wav_error e = parse_fmt(header + body, size, info, &m);
            if (e != WAV_OK)
                return e;
            have_fmt = true;
        }
        /* Chunks are word-aligned: an odd-sized one is followed by a pad. */
        off = body + size + (size & 1);
    }
}
