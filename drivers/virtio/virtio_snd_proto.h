/*
 * drivers/virtio/virtio_snd_proto.h — virtio-sound (device ID 25) message layouts,
 * encoded and decoded byte by byte (little-endian, no struct overlays), so
 * the same pure code runs in the kernel and in host tests. Virtio 1.2 §5.14.
 *
 * The driver owns the buffers and the virtqueue; these functions only fill
 * or read bytes. Decoders never trust a length the device reported beyond
 * the buffer the driver provided (QEMU < 9.0 reported PCM_INFO's used
 * length wrongly): they read only what was asked for, within buf_len.
 */
#ifndef DRIVERS_VIRTIO_VIRTIO_SND_PROTO_H
#define DRIVERS_VIRTIO_VIRTIO_SND_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define VSND_DEVICE_ID 25

enum vsnd_queue {
    VSND_QUEUE_CONTROL = 0,
    VSND_QUEUE_EVENT = 1,
    VSND_QUEUE_TX = 2,
    VSND_QUEUE_RX = 3,
};

/* Request, status and event codes (le32 at the start of every message). */
enum vsnd_code {
    VSND_R_JACK_INFO = 1,
    VSND_R_JACK_REMAP = 2,
    VSND_R_PCM_INFO = 0x100,
    VSND_R_PCM_SET_PARAMS = 0x101,
    VSND_R_PCM_PREPARE = 0x102,
    VSND_R_PCM_RELEASE = 0x103,
    VSND_R_PCM_START = 0x104,
    VSND_R_PCM_STOP = 0x105,
    VSND_R_CHMAP_INFO = 0x200,

    VSND_EVT_JACK_CONNECTED = 0x1000,
    VSND_EVT_JACK_DISCONNECTED = 0x1001,
    VSND_EVT_PCM_PERIOD_ELAPSED = 0x1100,
    VSND_EVT_PCM_XRUN = 0x1101,

    VSND_S_OK = 0x8000,
    VSND_S_BAD_MSG = 0x8001,
    VSND_S_NOT_SUPP = 0x8002,
    VSND_S_IO_ERR = 0x8003,
};

enum { VSND_DIR_OUTPUT = 0, VSND_DIR_INPUT = 1 };

/* Sample format and rate enums; info fields are bitmasks of 1 << value. */
enum {
    VSND_PCM_FMT_S8 = 3,
    VSND_PCM_FMT_U8 = 4,
    VSND_PCM_FMT_S16 = 5,
};
enum {
    VSND_PCM_RATE_44100 = 6,
    VSND_PCM_RATE_48000 = 7,
};

/* Message sizes in bytes. */
#define VSND_CONFIG_SIZE 12
#define VSND_HDR_SIZE 4
#define VSND_QUERY_INFO_SIZE 16
#define VSND_PCM_INFO_SIZE 32
#define VSND_PCM_HDR_SIZE 8
#define VSND_SET_PARAMS_SIZE 24
#define VSND_TX_HDR_SIZE 4
#define VSND_PCM_STATUS_SIZE 8

/* Device configuration space: le32 jacks, streams, chmaps. */
struct vsnd_config {
    uint32_t jacks;
    uint32_t streams;
    uint32_t chmaps;
};

struct vsnd_pcm_info {
    uint32_t stream_id;   /* start_id + index in the reply */
    uint32_t hda_fn_nid;
    uint32_t features;
    uint64_t formats;     /* bitmask of 1 << VSND_PCM_FMT_* */
    uint64_t rates;       /* bitmask of 1 << VSND_PCM_RATE_* */
    uint8_t direction;
    uint8_t channels_min;
    uint8_t channels_max;
};

struct vsnd_set_params {
    uint32_t stream_id;
    uint32_t buffer_bytes; /* the device's whole ring for this stream */
    uint32_t period_bytes; /* one TX message's PCM payload */
    uint32_t features;     /* 0: none of the optional features */
    uint8_t channels;
    uint8_t format;        /* VSND_PCM_FMT_* */
    uint8_t rate;          /* VSND_PCM_RATE_* */
};

/* TX/RX completion status: le32 status, le32 latency_bytes (QEMU: 0). */
struct vsnd_pcm_status {
    uint32_t status;
    uint32_t latency_bytes;
};

/* Config space from its 12 bytes. */
void vsnd_decode_config(const uint8_t bytes[VSND_CONFIG_SIZE],
                        struct vsnd_config *out);

/* Encoders write exactly the returned number of bytes (the *_SIZE). */
size_t vsnd_encode_query_info(uint8_t out[VSND_QUERY_INFO_SIZE],
                              uint32_t code, uint32_t start_id,
                              uint32_t count, uint32_t size);
/* PCM_INFO for streams [start_id, start_id + count). */
size_t vsnd_encode_pcm_info_query(uint8_t out[VSND_QUERY_INFO_SIZE],
                                  uint32_t start_id, uint32_t count);
size_t vsnd_encode_set_params(uint8_t out[VSND_SET_PARAMS_SIZE],
                              const struct vsnd_set_params *p);
/* PREPARE, START, STOP, RELEASE: {le32 code; le32 stream_id}. */
size_t vsnd_encode_pcm_hdr(uint8_t out[VSND_PCM_HDR_SIZE], uint32_t code,
                           uint32_t stream_id);
size_t vsnd_encode_tx_hdr(uint8_t out[VSND_TX_HDR_SIZE], uint32_t stream_id);

/* Status code of a control reply ({le32 code}); -1 (as int) when buf_len is
 * too short to hold it. Returns 0 and sets *status otherwise. */
int vsnd_decode_status(const uint8_t *buf, size_t buf_len, uint32_t *status);
/* TX completion status; 0, or -1 when buf_len < 8. */
int vsnd_decode_pcm_status(const uint8_t *buf, size_t buf_len,
                           struct vsnd_pcm_status *out);

/* A PCM_INFO reply: status header then `count` 32-byte entries, within
 * buf_len (the size of the buffer the driver provided — not the device's
 * used length). Fills up to out_cap entries, numbering them from start_id.
 * Returns the number of entries parsed (may be fewer than count if the
 * buffer is short), or a negative value: -1 buffer too short for the status,
 * -2 status not OK (see *status_out when non-NULL). */
int vsnd_parse_pcm_info_reply(const uint8_t *buf, size_t buf_len,
                              uint32_t start_id, uint32_t count,
                              struct vsnd_pcm_info *out, size_t out_cap,
                              uint32_t *status_out);

/* Whether an info entry is an output stream that plays S16 at rate_hz with
 * `channels` channels. */
int vsnd_pcm_info_supports(const struct vsnd_pcm_info *info, uint32_t rate_hz,
                           uint32_t channels);

/* Pick the first output stream supporting S16 at rate_hz/channels. Returns
 * its index in infos (≥ 0); -1 when there is no output stream at all; -2
 * when output streams exist but none supports the format. */
int vsnd_choose_output_stream(const struct vsnd_pcm_info *infos, size_t n,
                              uint32_t rate_hz, uint32_t channels);

/* VSND_PCM_RATE_* for a rate in Hz, or -1 if it is not one we use. */
int vsnd_rate_code(uint32_t rate_hz);

/* "PCM_SET_PARAMS", "OK", "BAD_MSG", ...; "unknown" for anything else. */
const char *vsnd_code_name(uint32_t code);

#endif
