/*
 * audio/audio_dev.h — /dev/audio (see audio_dev.c and docs/audio.md).
 */
#ifndef AUDIO_AUDIO_DEV_H
#define AUDIO_AUDIO_DEV_H

/* Attaches the virtio-sound device and registers /dev/audio when present. */
void audio_dev_init(void);

#endif
