/*
 * tests/unit/test_vsnd_proto.c — drivers/virtio/virtio_snd_proto.c against
 * hand-written bytes from the virtio 1.2 layouts (§5.14).
 */
#include "tests/unit/check.h"
#include "drivers/virtio/virtio_snd_proto.h"

TEST(encode_pcm_info_query)
{
    uint8_t b[16];
    memset(b, 0xEE, sizeof b);
    CHECK_EQ(vsnd_encode_pcm_info_query(b, 0, 2), 16);
    static const uint8_t want[16] = {
        0x00, 0x01, 0x00, 0x00, /* PCM_INFO 0x100 */
        0x00, 0x00, 0x00, 0x00, /* start_id 0 */
        0x02, 0x00, 0x00, 0x00, /* count 2 */
        0x20, 0x00, 0x00, 0x00, /* size 32 */
    };
    CHECK(memcmp(b, want, 16) == 0);
    CHECK_EQ(vsnd_encode_query_info(b, VSND_R_JACK_INFO, 0x01020304, 7, 0x18),
             16);
    static const uint8_t want2[16] = {
        0x01, 0, 0, 0, 0x04, 0x03, 0x02, 0x01, 7, 0, 0, 0, 0x18, 0, 0, 0,
    };
    CHECK(memcmp(b, want2, 16) == 0);
}

TEST(encode_set_params)
{
    uint8_t b[24];
    memset(b, 0xEE, sizeof b);
    struct vsnd_set_params p = {
        .stream_id = 0,
        .buffer_bytes = 8 * 1920,
        .period_bytes = 1920,
        .features = 0,
        .channels = 2,
        .format = VSND_PCM_FMT_S16,
        .rate = VSND_PCM_RATE_48000,
    };
    CHECK_EQ(vsnd_encode_set_params(b, &p), 24);
    static const uint8_t want[24] = {
        0x01, 0x01, 0x00, 0x00, /* PCM_SET_PARAMS 0x101 */
        0x00, 0x00, 0x00, 0x00, /* stream 0 */
        0x00, 0x3c, 0x00, 0x00, /* buffer 15360 = 0x3c00 */
        0x80, 0x07, 0x00, 0x00, /* period 1920 = 0x780 */
        0x00, 0x00, 0x00, 0x00, /* features */
        0x02, 0x05, 0x07, 0x00, /* channels, S16, 48000, padding */
    };
    CHECK(memcmp(b, want, 24) == 0);
}

TEST(encode_pcm_hdr_and_tx)
{
    uint8_t b[8];
    static const struct { uint32_t code; uint8_t lo, hi; } codes[] = {
        {VSND_R_PCM_PREPARE, 0x02, 0x01}, {VSND_R_PCM_START, 0x04, 0x01},
        {VSND_R_PCM_STOP, 0x05, 0x01},    {VSND_R_PCM_RELEASE, 0x03, 0x01},
    };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        CHECK_EQ(vsnd_encode_pcm_hdr(b, codes[i].code, 1), 8);
        const uint8_t want[8] = {codes[i].lo, codes[i].hi, 0, 0, 1, 0, 0, 0};
        CHECK(memcmp(b, want, 8) == 0);
    }
    uint8_t t[4] = {0xEE, 0xEE, 0xEE, 0xEE};
    CHECK_EQ(vsnd_encode_tx_hdr(t, 0x00000203), 4);
    CHECK(memcmp(t, "\x03\x02\x00\x00", 4) == 0);
}

TEST(decode_config_and_status)
{
    static const uint8_t cfg[12] = {0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0};
    struct vsnd_config c;
    vsnd_decode_config(cfg, &c);
    CHECK_EQ(c.jacks, 0);
    CHECK_EQ(c.streams, 2);
    CHECK_EQ(c.chmaps, 0);

    uint32_t st = 0;
    CHECK_EQ(vsnd_decode_status((const uint8_t *)"\x00\x80", 2, &st), -1);
    CHECK_EQ(vsnd_decode_status((const uint8_t *)"\x02\x80\x00\x00", 4, &st),
             0);
    CHECK_EQ(st, VSND_S_NOT_SUPP);
    CHECK_STR(vsnd_code_name(st), "NOT_SUPP");

    struct vsnd_pcm_status ps;
    static const uint8_t tx[8] = {0x00, 0x80, 0, 0, 0x10, 0x27, 0, 0};
    CHECK_EQ(vsnd_decode_pcm_status(tx, 7, &ps), -1);
    CHECK_EQ(vsnd_decode_pcm_status(tx, 8, &ps), 0);
    CHECK_EQ(ps.status, VSND_S_OK);
    CHECK_EQ(ps.latency_bytes, 10000);
}

TEST(code_names)
{
    CHECK_STR(vsnd_code_name(VSND_S_OK), "OK");
    CHECK_STR(vsnd_code_name(VSND_S_BAD_MSG), "BAD_MSG");
    CHECK_STR(vsnd_code_name(VSND_S_IO_ERR), "IO_ERR");
    CHECK_STR(vsnd_code_name(VSND_R_PCM_SET_PARAMS), "PCM_SET_PARAMS");
    CHECK_STR(vsnd_code_name(VSND_R_PCM_PREPARE), "PCM_PREPARE");
    CHECK_STR(vsnd_code_name(VSND_R_PCM_INFO), "PCM_INFO");
    CHECK_STR(vsnd_code_name(VSND_EVT_PCM_XRUN), "PCM_XRUN");
    CHECK_STR(vsnd_code_name(0x1234), "unknown");
}

/* QEMU's default device: stream 0 output, stream 1 input, S16 among other
 * formats, 44.1/48 kHz among other rates, 1–2 channels. */
static size_t qemu_like_reply(uint8_t *buf)
{
    static const uint8_t reply[4 + 64] = {
        0x00, 0x80, 0x00, 0x00, /* OK */
        /* stream 0 */
        0x00, 0x00, 0x00, 0x00,                         /* hda_fn_nid */
        0x00, 0x00, 0x00, 0x00,                         /* features */
        0xf8, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* formats */
        0xfe, 0x1f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* rates */
        0x00, 0x01, 0x02, 0, 0, 0, 0, 0,                /* out, 1..2 ch */
        /* stream 1 */
        0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00,
        0xf8, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0xfe, 0x1f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x01, 0x01, 0x02, 0, 0, 0, 0, 0,                /* input */
    };
    memcpy(buf, reply, sizeof reply);
    return sizeof reply;
}

TEST(parse_pcm_info_reply)
{
    uint8_t buf[128];
    size_t len = qemu_like_reply(buf);
    struct vsnd_pcm_info info[4];
    uint32_t st = 0;
    CHECK_EQ(vsnd_parse_pcm_info_reply(buf, len, 0, 2, info, 4, &st), 2);
    CHECK_EQ(st, VSND_S_OK);
    CHECK_EQ(info[0].stream_id, 0);
    CHECK_EQ(info[0].direction, VSND_DIR_OUTPUT);
    CHECK_EQ(info[0].formats, 0x3ff8);
    CHECK_EQ(info[0].rates, 0x1ffe);
    CHECK_EQ(info[0].channels_min, 1);
    CHECK_EQ(info[0].channels_max, 2);
    CHECK_EQ(info[1].stream_id, 1);
    CHECK_EQ(info[1].direction, VSND_DIR_INPUT);
    /* High bytes of the 64-bit masks are read too. */
    buf[4 + 15] = 0x80;
    CHECK_EQ(vsnd_parse_pcm_info_reply(buf, len, 0, 1, info, 4, NULL), 1);
    CHECK(info[0].formats == (0x3ff8ull | 0x80ull << 56));
}

TEST(parse_pcm_info_short_and_odd_buffers)
{
    uint8_t buf[128];
    size_t len = qemu_like_reply(buf);
    struct vsnd_pcm_info info[4];
    memset(info, 0, sizeof info);
    /* Asking for 2 but only 1.x entries in the buffer: 1 parsed. */
    for (size_t l = 36; l < 68; l++)
        CHECK_EQ(vsnd_parse_pcm_info_reply(buf, l, 0, 2, info, 4, NULL), 1);
    for (size_t l = 4; l < 36; l++)
        CHECK_EQ(vsnd_parse_pcm_info_reply(buf, l, 0, 2, info, 4, NULL), 0);
    for (size_t l = 0; l < 4; l++)
        CHECK_EQ(vsnd_parse_pcm_info_reply(buf, l, 0, 2, info, 4, NULL), -1);
    /* Asked for fewer than the buffer holds: only those. */
    CHECK_EQ(vsnd_parse_pcm_info_reply(buf, 128, 0, 1, info, 4, NULL), 1);
    /* Output capacity limits too. */
    CHECK_EQ(vsnd_parse_pcm_info_reply(buf, 128, 0, 3, info, 1, NULL), 1);
    /* An error status is reported, no entries. */
    buf[0] = 0x01;
    uint32_t st = 0;
    CHECK_EQ(vsnd_parse_pcm_info_reply(buf, len, 0, 2, info, 4, &st), -2);
    CHECK_EQ(st, VSND_S_BAD_MSG);
    /* Entry numbering follows start_id. */
    buf[0] = 0x00;
    CHECK_EQ(vsnd_parse_pcm_info_reply(buf, len, 5, 2, info, 4, NULL), 2);
    CHECK_EQ(info[1].stream_id, 6);
}

TEST(choose_output_stream)
{
    uint8_t buf[128];
    size_t len = qemu_like_reply(buf);
    struct vsnd_pcm_info info[2];
    CHECK_EQ(vsnd_parse_pcm_info_reply(buf, len, 0, 2, info, 2, NULL), 2);
    CHECK_EQ(vsnd_choose_output_stream(info, 2, 48000, 2), 0);
    CHECK_EQ(vsnd_choose_output_stream(info, 2, 44100, 1), 0);
    CHECK_EQ(vsnd_choose_output_stream(info, 2, 22050, 2), -2);
    CHECK_EQ(vsnd_choose_output_stream(info, 2, 48000, 3), -2);
    /* Input first, then an output: the output is chosen. */
    struct vsnd_pcm_info swapped[2] = {info[1], info[0]};
    CHECK_EQ(vsnd_choose_output_stream(swapped, 2, 48000, 2), 1);
    /* Only input: none. */
    CHECK_EQ(vsnd_choose_output_stream(&info[1], 1, 48000, 2), -1);
    CHECK_EQ(vsnd_choose_output_stream(info, 0, 48000, 2), -1);
    /* First output lacks S16 or 48 kHz: the second output is chosen. */
    struct vsnd_pcm_info two[3] = {info[0], info[1], info[0]};
    two[0].formats = 1ull << VSND_PCM_FMT_U8;
    CHECK_EQ(vsnd_choose_output_stream(two, 3, 48000, 2), 2);
    two[0] = info[0];
    two[0].rates = 1ull << VSND_PCM_RATE_44100;
    CHECK_EQ(vsnd_choose_output_stream(two, 3, 48000, 2), 2);
    CHECK_EQ(vsnd_choose_output_stream(two, 3, 44100, 2), 0);
    CHECK_EQ(vsnd_rate_code(44100), VSND_PCM_RATE_44100);
    CHECK_EQ(vsnd_rate_code(48000), VSND_PCM_RATE_48000);
    CHECK_EQ(vsnd_rate_code(8000), -1);
}

int main(void)
{
    RUN(encode_pcm_info_query);
    RUN(encode_set_params);
    RUN(encode_pcm_hdr_and_tx);
    RUN(decode_config_and_status);
    RUN(code_names);
    RUN(parse_pcm_info_reply);
    RUN(parse_pcm_info_short_and_odd_buffers);
    RUN(choose_output_stream);
    return check_summary();
}
