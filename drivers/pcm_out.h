/*
 * drivers/pcm_out.h — the sound card as /dev/audio (audio/audio_dev.c) sees
 * it: one PCM output stream, S16LE, played in periods. A sound driver
 * (drivers/virtio/virtio_snd.c) registers it once it has found an output
 * stream; pcm_out_get() is NULL until then and on a machine without one.
 * There is at most one card, so its operations take no device argument.
 *
 * Control, process context (they wait for the device): 0 or a negative
 * errno (-ENOTSUP: a format the card does not offer; -EIO).
 *   configure(rate, channels, period_bytes, buffer_bytes)
 *                  sets the format and period size and prepares the stream;
 *                  needed again after release().
 *   start()        the card plays the periods it holds, in order.
 *   stop()         it stops; afterwards only start() or release().
 *   release()      it forgets the format and hands back the periods it
 *                  holds (they complete, played or not).
 * Periods, any context: submit(p) queues p (0, or -EAGAIN when the card's
 * queue is full). From then until its completion the driver owns p: the
 * caller neither frees nor changes it. Each submitted period completes
 * exactly once: the driver calls pcm_out_period_done(p, ok) in interrupt
 * context, which calls the function the user set with pcm_out_set_done();
 * ok is false when the card reported an error for it.
 */
#ifndef DRIVERS_PCM_OUT_H
#define DRIVERS_PCM_OUT_H

#include <stdbool.h>
#include <stdint.h>

struct pcm_out_period {
    uint8_t *pcm;               /* the samples: direct-map memory */
    uint32_t pcm_bytes;
    /* The driver's, from submit to completion (virtio-sound: the request
     * header and the status the device writes). */
    uint8_t hdr[4];
    uint8_t status[8];
};

struct pcm_out {
    const char *name;           /* the driver, for messages */
    int (*configure)(uint32_t rate, uint32_t channels, uint32_t period_bytes,
                     uint32_t buffer_bytes);
    int (*start)(void);
    int (*stop)(void);
    int (*release)(void);
    int (*submit)(struct pcm_out_period *p);
};

typedef void (*pcm_out_done_fn)(struct pcm_out_period *p, bool ok);

/* 0, or -EBUSY when a card is registered already. */
int pcm_out_register(const struct pcm_out *card);
/* The card, or NULL. */
const struct pcm_out *pcm_out_get(void);

/* Who hears about completed periods (set before the first submit). */
void pcm_out_set_done(pcm_out_done_fn fn);
/* For the sound driver, interrupt context: p has completed. */
void pcm_out_period_done(struct pcm_out_period *p, bool ok);

#endif
