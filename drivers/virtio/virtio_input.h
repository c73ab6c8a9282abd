/*
 * drivers/virtio/virtio_input.h — the virtio-input driver (device id 18)
 * for the keyboard (QEMU's virtio-keyboard-device).
 *
 * The event queue is kept full of 8-byte event buffers {le16 type, le16
 * code, le32 value} (Linux input events). Each completed event is passed to
 * the handler given to virtio_input_init() (interrupt context), copied into
 * a small ring read by /dev/input/kbd, and its buffer is given back to the
 * device at once.
 *
 * /dev/input/kbd: read() returns whole events (struct input_event_raw, 8
 * bytes each; a buffer shorter than one event gets -EINVAL), as many as are
 * buffered and fit. It blocks until one arrives unless O_NONBLOCK (-EAGAIN).
 * When the ring is full the oldest events are dropped (counted). Opening
 * it discards what is buffered: a reader sees the events after its open
 * (one ring: meant for one reader at a time, like the player's).
 */
#ifndef DRIVERS_VIRTIO_VIRTIO_INPUT_H
#define DRIVERS_VIRTIO_VIRTIO_INPUT_H

#include <stdint.h>

struct input_event_raw {
    uint16_t type;
    uint16_t code;
    uint32_t value;
};
_Static_assert(sizeof(struct input_event_raw) == 8, "virtio-input event");

typedef void (*input_handler_fn)(uint16_t type, uint16_t code, int32_t value);

/* 0, -ENODEV (no input device), -EIO after a message. */
int virtio_input_init(input_handler_fn handler);

struct virtio_input_stats {
    uint64_t events, dropped;
};
void virtio_input_get_stats(struct virtio_input_stats *out);

#endif
