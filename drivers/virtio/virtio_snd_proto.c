/*
 * drivers/virtio/virtio_snd_proto.c — see virtio_snd_proto.h. Every field is written
 * and read through put_le/get_le so the layout is explicit and independent
 * of the compiler's struct packing and the host's byte order.
 */
#include "drivers/virtio/virtio_snd_proto.h"

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const uint8_t *p)
{
    return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

void vsnd_decode_config(const uint8_t bytes[VSND_CONFIG_SIZE],
                        struct vsnd_config *out)
{
    out->jacks = get_le32(bytes);
    out->streams = get_le32(bytes + 4);
    out->chmaps = get_le32(bytes + 8);
}

size_t vsnd_encode_query_info(uint8_t out[VSND_QUERY_INFO_SIZE],
                              uint32_t code, uint32_t start_id,
                              uint32_t count, uint32_t size)
{
    put_le32(out, code);
    put_le32(out + 4, start_id);
    put_le32(out + 8, count);
    put_le32(out + 12, size);
    return VSND_QUERY_INFO_SIZE;
}

size_t vsnd_encode_pcm_info_query(uint8_t out[VSND_QUERY_INFO_SIZE],
                                  uint32_t start_id, uint32_t count)
{
    return vsnd_encode_query_info(out, VSND_R_PCM_INFO, start_id, count,
                                  VSND_PCM_INFO_SIZE);
}

size_t vsnd_encode_set_params(uint8_t out[VSND_SET_PARAMS_SIZE],
                              const struct vsnd_set_params *p)
{
    put_le32(out, VSND_R_PCM_SET_PARAMS);
    put_le32(out + 4, p->stream_id);
    put_le32(out + 8, p->buffer_bytes);
    put_le32(out + 12, p->period_bytes);
    put_le32(out + 16, p->features);
    out[20] = p->channels;
    out[21] = p->format;
    out[22] = p->rate;
    out[23] = 0; /* padding */
    return VSND_SET_PARAMS_SIZE;
}

size_t vsnd_encode_pcm_hdr(uint8_t out[VSND_PCM_HDR_SIZE], uint32_t code,
                           uint32_t stream_id)
{
    put_le32(out, code);
    put_le32(out + 4, stream_id);
    return VSND_PCM_HDR_SIZE;
}

size_t vsnd_encode_tx_hdr(uint8_t out[VSND_TX_HDR_SIZE], uint32_t stream_id)
{
    put_le32(out, stream_id);
    return VSND_TX_HDR_SIZE;
}

int vsnd_decode_status(const uint8_t *buf, size_t buf_len, uint32_t *status)
{
    if (buf_len < VSND_HDR_SIZE)
        return -1;
    *status = get_le32(buf);
    return 0;
}

int vsnd_decode_pcm_status(const uint8_t *buf, size_t buf_len,
                           struct vsnd_pcm_status *out)
{
    if (buf_len < VSND_PCM_STATUS_SIZE)
        return -1;
    out->status = get_le32(buf);
    out->latency_bytes = get_le32(buf + 4);
    return 0;
}

int vsnd_parse_pcm_info_reply(const uint8_t *buf, size_t buf_len,
                              uint32_t start_id, uint32_t count,
                              struct vsnd_pcm_info *out, size_t out_cap,
                              uint32_t *status_out)
{
    uint32_t status;
    if (vsnd_decode_status(buf, buf_len, &status) != 0)
        return -1;
    if (status_out)
        *status_out = status;
    if (status != VSND_S_OK)
        return -2;
    /* Entries that fit entirely in the provided buffer, as many as asked. */
    size_t fit = (buf_len - VSND_HDR_SIZE) / VSND_PCM_INFO_SIZE;
    size_t n = count;
    if (n > fit)
        n = fit;
    if (n > out_cap)
        n = out_cap;
    if (n > 0x7fffffff)
        n = 0x7fffffff;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *e = buf + VSND_HDR_SIZE + i * VSND_PCM_INFO_SIZE;
        out[i].stream_id = start_id + (uint32_t)i;
        out[i].hda_fn_nid = get_le32(e);
        out[i].features = get_le32(e + 4);
        out[i].formats = get_le64(e + 8);
        out[i].rates = get_le64(e + 16);
        out[i].direction = e[24];
        out[i].channels_min = e[25];
        out[i].channels_max = e[26];
        /* e[27..31]: padding */
    }
    return (int)n;
}

int vsnd_rate_code(uint32_t rate_hz)
{
    switch (rate_hz) {
    case 44100: return VSND_PCM_RATE_44100;
    case 48000: return VSND_PCM_RATE_48000;
    default: return -1;
    }
}

int vsnd_pcm_info_supports(const struct vsnd_pcm_info *info, uint32_t rate_hz,
                           uint32_t channels)
{
    int rate = vsnd_rate_code(rate_hz);
    return info->direction == VSND_DIR_OUTPUT && rate >= 0 &&
           (info->formats & (1ull << VSND_PCM_FMT_S16)) != 0 &&
           (info->rates & (1ull << rate)) != 0 &&
           channels >= info->channels_min && channels <= info->channels_max;
}

int vsnd_choose_output_stream(const struct vsnd_pcm_info *infos, size_t n,
                              uint32_t rate_hz, uint32_t channels)
{
    int saw_output = 0;
    for (size_t i = 0; i < n && i < 0x7fffffff; i++) {
        if (infos[i].direction != VSND_DIR_OUTPUT)
            continue;
        saw_output = 1;
        if (vsnd_pcm_info_supports(&infos[i], rate_hz, channels))
            return (int)i;
    }
    return saw_output ? -2 : -1;
}

const char *vsnd_code_name(uint32_t code)
{
    switch (code) {
    case VSND_R_JACK_INFO: return "JACK_INFO";
    case VSND_R_JACK_REMAP: return "JACK_REMAP";
    case VSND_R_PCM_INFO: return "PCM_INFO";
    case VSND_R_PCM_SET_PARAMS: return "PCM_SET_PARAMS";
    case VSND_R_PCM_PREPARE: return "PCM_PREPARE";
    case VSND_R_PCM_RELEASE: return "PCM_RELEASE";
    case VSND_R_PCM_START: return "PCM_START";
    case VSND_R_PCM_STOP: return "PCM_STOP";
    case VSND_R_CHMAP_INFO: return "CHMAP_INFO";
    case VSND_EVT_JACK_CONNECTED: return "JACK_CONNECTED";
    case VSND_EVT_JACK_DISCONNECTED: return "JACK_DISCONNECTED";
    case VSND_EVT_PCM_PERIOD_ELAPSED: return "PCM_PERIOD_ELAPSED";
    case VSND_EVT_PCM_XRUN: return "PCM_XRUN";
    case VSND_S_OK: return "OK";
    case VSND_S_BAD_MSG: return "BAD_MSG";
    case VSND_S_NOT_SUPP: return "NOT_SUPP";
    case VSND_S_IO_ERR: return "IO_ERR";
    default: return "unknown";
    }
}
