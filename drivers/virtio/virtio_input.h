/*
 * drivers/virtio/virtio_input.h — the virtio-input driver (device id 18)
 * for the keyboard (QEMU's virtio-keyboard-device).
 *
 * The event queue is kept full of 8-byte event buffers {le16 type, le16
 * code, le32 value} (Linux input events). Each completed event is passed to
 * the handler given to virtio_input_init() (interrupt context), copied into
 * a small ring read by virtio_input_read (the file /dev/input/kbd,
 * kernel/dev/kbd.c), and its buffer is given back to the device at once.
 * When the ring is full the oldest events are dropped (counted).
 */
#ifndef DRIVERS_VIRTIO_VIRTIO_INPUT_H
#define DRIVERS_VIRTIO_VIRTIO_INPUT_H

#include <stdbool.h>
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

/* Up to max buffered events into out, oldest first: their number (> 0);
 * with none buffered waits for one, unless nonblock (-EAGAIN), or until a
 * signal is pending (-EINTR). */
long virtio_input_read(struct input_event_raw *out, uint64_t max, bool nonblock);
/* Drops what is buffered: a new reader sees only the events after it. */
void virtio_input_flush(void);
/* Was a keyboard found and started (virtio_input_init returned 0)? */
bool virtio_input_present(void);

struct virtio_input_stats {
    uint64_t events, dropped;
};
void virtio_input_get_stats(struct virtio_input_stats *out);

#endif
