/*
 * drivers/virtio/virtio_snd.h — the virtio sound device (virtio 1.2 §5.14),
 * playback only: one output PCM stream.
 *
 * Control requests (set params, prepare, start, stop, release) are
 * synchronous: call them from process context. TX periods are asynchronous:
 * virtio_snd_submit() queues one period (header, PCM, status) and the
 * completion callback runs in interrupt context when the device has
 * consumed it. QEMU completes a period when it copies it into its mixer
 * and never sends events (docs/audio.md).
 */
#ifndef DRIVERS_VIRTIO_VIRTIO_SND_H
#define DRIVERS_VIRTIO_VIRTIO_SND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One period in flight: the driver owns it from submit to completion. */
struct snd_period {
    uint8_t hdr[4];             /* stream id */
    uint8_t status[8];          /* written by the device */
    uint8_t *pcm;               /* direct-map memory */
    uint32_t pcm_bytes;
    void *owner;
};

typedef void (*snd_done_fn)(struct snd_period *period, bool ok);

/* 0 when a device with an output stream is there, -ENODEV otherwise. */
int virtio_snd_init(snd_done_fn done);
bool virtio_snd_present(void);
/* SET_PARAMS + PREPARE. 0, -ENOTSUP (format not offered), -EIO. */
int virtio_snd_configure(uint32_t rate, uint32_t channels, uint32_t period_bytes,
                         uint32_t buffer_bytes);
int virtio_snd_start(void);
int virtio_snd_stop(void);
int virtio_snd_release(void);
int virtio_snd_submit(struct snd_period *period);
/* What the device supports, for messages: "44100/48000 Hz, 1-2 channels". */
const char *virtio_snd_describe(void);

#endif
