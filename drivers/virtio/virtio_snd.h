/*
 * drivers/virtio/virtio_snd.h — the virtio sound device (virtio 1.2 §5.14),
 * playback only: one output PCM stream, registered as the sound card
 * (drivers/pcm_out.h).
 *
 * virtio_probe() starts it (virtio_snd_driver) on the first sound device;
 * it registers the card only when the device has an output stream. Control
 * requests (set params, prepare, start, stop, release) are synchronous:
 * call them from process context. TX periods are asynchronous: submit
 * queues one period (header, PCM, status) and pcm_out_period_done() runs in
 * interrupt context when the device has consumed it. QEMU completes a
 * period when it copies it into its mixer and never sends events
 * (docs/audio.md).
 */
#ifndef DRIVERS_VIRTIO_VIRTIO_SND_H
#define DRIVERS_VIRTIO_VIRTIO_SND_H

struct virtio_driver;
extern const struct virtio_driver virtio_snd_driver;

#endif
