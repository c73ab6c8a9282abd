/*
 * drivers/virtio/virtio_snd.c — see virtio_snd.h. Message layouts come from
 * drivers/virtio/virtio_snd_proto.c (the pure encoder/decoder); this file moves them
 * through the shared virtqueue.
 */
#include "drivers/virtio/virtio_snd.h"

#include "drivers/pcm_out.h"
#include "drivers/virtio/virtio_snd_proto.h"
#include "drivers/virtio/virtio.h"
#include "kernel/task/completion.h"
#include "kernel/arch/console.h"
#include "kernel/abi/errno.h"
#include "kernel/mm/kalloc.h"
#include "kernel/task/sleeplock.h"
#include "kernel/lib/string.h"

#define MAX_STREAMS 8

struct ctl_request {
    uint8_t req[32];
    uint8_t resp[8 + MAX_STREAMS * VSND_PCM_INFO_SIZE];
    uint32_t resp_len;
    struct completion done;
};

static struct virtio_dev *dev;
static struct virtq *ctlq, *txq;
static struct vsnd_pcm_info out_info;
static uint32_t out_stream;
static bool present;
static struct sleeplock ctl_lock;

static void ctl_complete(struct virtq *vq, void *token, uint32_t len)
{
    (void)vq;
    struct ctl_request *r = token;
    r->resp_len = len;
    completion_signal(&r->done);
}

static void tx_complete(struct virtq *vq, void *token, uint32_t len)
{
    (void)vq;
    (void)len;
    struct pcm_out_period *p = token;
    struct vsnd_pcm_status st;
    bool ok = vsnd_decode_pcm_status(p->status, sizeof p->status, &st) == 0 &&
              st.status == VSND_S_OK;
    pcm_out_period_done(p, ok);
}

/* Sends req (req_len bytes), waits, returns the status word's code. */
static int control(struct ctl_request *r, size_t req_len, size_t resp_len, uint32_t *status)
{
    completion_init(&r->done);
    memset(r->resp, 0, sizeof r->resp);
    struct virtq_buf bufs[2] = { { r->req, (uint32_t)req_len }, { r->resp, (uint32_t)resp_len } };
    /* ctl_lock keeps one request in the queue at a time, so it is never
     * full. */
    sleeplock_acquire(&ctl_lock);
    int err = virtq_submit(ctlq, bufs, 1, 1, r);
    if (!err) {
        virtq_kick(ctlq);
        completion_wait(&r->done);
    }
    sleeplock_release(&ctl_lock);
    if (err)
        return err;
    if (vsnd_decode_status(r->resp, resp_len, status) < 0)
        return -EIO;
    return 0;
}

static int simple_request(uint32_t code)
{
    struct ctl_request *r = kmalloc(sizeof *r);
    if (!r)
        return -ENOMEM;
    uint32_t status = 0;
    size_t n = vsnd_encode_pcm_hdr(r->req, code, out_stream);
    int err = control(r, n, 4, &status);
    kfree(r);
    if (err)
        return err;
    if (status != VSND_S_OK) {
        klog("virtio-snd: %s failed: %s\n", vsnd_code_name(code), vsnd_code_name(status));
        return status == VSND_S_NOT_SUPP ? -ENOTSUP : -EIO;
    }
    return 0;
}

static int virtio_snd_configure(uint32_t rate, uint32_t channels, uint32_t period_bytes,
                                uint32_t buffer_bytes)
{
    if (!present)
        return -ENODEV;
    int rate_code = vsnd_rate_code(rate);
    if (rate_code < 0 || !vsnd_pcm_info_supports(&out_info, rate, channels))
        return -ENOTSUP;
    struct ctl_request *r = kmalloc(sizeof *r);
    if (!r)
        return -ENOMEM;
    struct vsnd_set_params p = {
        .stream_id = out_stream, .buffer_bytes = buffer_bytes, .period_bytes = period_bytes,
        .features = 0, .channels = (uint8_t)channels, .format = VSND_PCM_FMT_S16,
        .rate = (uint8_t)rate_code,
    };
    uint32_t status = 0;
    size_t n = vsnd_encode_set_params(r->req, &p);
    int err = control(r, n, 4, &status);
    kfree(r);
    if (err)
        return err;
    if (status != VSND_S_OK) {
        klog("virtio-snd: SET_PARAMS %u Hz x%u failed: %s\n", rate, channels,
             vsnd_code_name(status));
        return status == VSND_S_NOT_SUPP ? -ENOTSUP : -EIO;
    }
    return simple_request(VSND_R_PCM_PREPARE); /* PREPARE applies the parameters */
}

static int virtio_snd_start(void)
{
    return simple_request(VSND_R_PCM_START);
}

static int virtio_snd_stop(void)
{
    return simple_request(VSND_R_PCM_STOP);
}

static int virtio_snd_release(void)
{
    return simple_request(VSND_R_PCM_RELEASE);
}

static int virtio_snd_submit(struct pcm_out_period *p)
{
    vsnd_encode_tx_hdr(p->hdr, out_stream);
    memset(p->status, 0, sizeof p->status);
    struct virtq_buf bufs[3] = {
        { p->hdr, sizeof p->hdr }, { p->pcm, p->pcm_bytes }, { p->status, sizeof p->status },
    };
    int err = virtq_submit(txq, bufs, 2, 1, p);
    if (!err)
        virtq_kick(txq);
    return err;
}

static const struct pcm_out card = {
    .name = "virtio-snd",
    .configure = virtio_snd_configure,
    .start = virtio_snd_start,
    .stop = virtio_snd_stop,
    .release = virtio_snd_release,
    .submit = virtio_snd_submit,
};

/* PCM_INFO for the device's `streams` streams; the first output stream
 * becomes ours (out_info, out_stream, present). 0, -ENODEV (none for
 * output), -EIO, -ENOMEM. */
static int find_output_stream(uint32_t streams)
{
    uint32_t n = streams < MAX_STREAMS ? streams : MAX_STREAMS;
    struct ctl_request *r = kmalloc(sizeof *r);
    if (!r)
        return -ENOMEM;
    struct vsnd_pcm_info infos[MAX_STREAMS];
    uint32_t status = 0;
    size_t qlen = vsnd_encode_pcm_info_query(r->req, 0, n);
    size_t reply_len = VSND_HDR_SIZE + n * VSND_PCM_INFO_SIZE;
    int err = control(r, qlen, reply_len, &status);
    int got = err ? err
                  : vsnd_parse_pcm_info_reply(r->resp, reply_len, 0, n, infos,
                                              MAX_STREAMS, &status);
    kfree(r);
    if (got < 0 || status != VSND_S_OK) {
        klog("virtio-snd: PCM_INFO failed (%s)\n", vsnd_code_name(status));
        return -EIO;
    }
    for (int i = 0; i < got; i++) {
        if (infos[i].direction == VSND_DIR_OUTPUT) {
            out_info = infos[i];
            out_stream = infos[i].stream_id;
            present = true;
            return 0;
        }
    }
    klog("virtio-snd: %u streams, none for output\n", streams);
    return -ENODEV;
}

static int virtio_snd_probe(struct virtio_dev *d)
{
    dev = d;
    if (virtio_negotiate(dev, 0) < 0)
        return -EIO;
    uint8_t cfg_bytes[VSND_CONFIG_SIZE];
    virtio_config_read(dev, 0, cfg_bytes, sizeof cfg_bytes);
    struct vsnd_config cfg;
    vsnd_decode_config(cfg_bytes, &cfg);
    ctlq = virtq_create(dev, VSND_QUEUE_CONTROL, 64, ctl_complete);
    struct virtq *evq = virtq_create(dev, VSND_QUEUE_EVENT, 64, NULL);
    txq = virtq_create(dev, VSND_QUEUE_TX, 64, tx_complete);
    if (!ctlq || !evq || !txq || virtio_driver_ok(dev) < 0)
        return -EIO;
    int err = find_output_stream(cfg.streams);
    if (err)
        return err;
    klog("virtio-snd: %u streams; output stream %u: %s%s Hz, %u-%u channels\n", cfg.streams,
         out_stream, (out_info.rates & (1u << VSND_PCM_RATE_44100)) ? "44100" : "",
         (out_info.rates & (1u << VSND_PCM_RATE_48000)) ? "/48000" : "",
         out_info.channels_min, out_info.channels_max);
    return pcm_out_register(&card);
}

const struct virtio_driver virtio_snd_driver = { "virtio-snd", VSND_DEVICE_ID,
                                                 virtio_snd_probe };
