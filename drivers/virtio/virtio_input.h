/*
 * drivers/virtio/virtio_input.h — the virtio-input driver (device id 18)
 * for the keyboard (QEMU's virtio-keyboard-device), registered as the
 * keyboard (drivers/input.h).
 *
 * virtio_probe() starts it (virtio_input_driver) on the first input
 * device. The event queue is kept full of 8-byte event buffers {le16 type,
 * le16 code, le32 value} (Linux input events). Each completed event is
 * copied into a small ring (the keyboard's buffer, read by /dev/input/kbd),
 * handed to the keyboard's consumer (input_deliver, interrupt context), and
 * its buffer is given back to the device at once. When the ring is full the
 * oldest events are dropped (counted).
 */
#ifndef DRIVERS_VIRTIO_VIRTIO_INPUT_H
#define DRIVERS_VIRTIO_VIRTIO_INPUT_H

struct virtio_driver;
extern const struct virtio_driver virtio_input_driver;

#endif
