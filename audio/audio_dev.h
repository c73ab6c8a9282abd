/*
 * audio/audio_dev.h — /dev/audio (see audio_dev.c and docs/audio.md).
 */
#ifndef AUDIO_AUDIO_DEV_H
#define AUDIO_AUDIO_DEV_H

/* Takes the sound card the driver registered (drivers/pcm_out.h) and
 * registers /dev/audio when there is one. */
void audio_dev_init(void);

#endif
