/*
 * drivers/input.h — the keyboard as its users see it: a source of Linux
 * input events (type, code, value), registered by a keyboard driver
 * (drivers/virtio/virtio_input.c) once it runs; input_keyboard() is NULL
 * until then and on a machine without one. There is at most one keyboard,
 * so its operations take no device argument.
 *
 * Every event goes two ways:
 *   - to the consumer, one function a subsystem sets with
 *     input_set_consumer() (the screen console's key translation,
 *     gfx/screen.c): the driver hands it each event through input_deliver(),
 *     in interrupt context. Events before a consumer is set go only
 *     into the buffer.
 *   - into the driver's buffer, which readers take through the operations
 *     (/dev/input/kbd, kernel/dev/kbd.c):
 *       read(out, max, nonblock)  up to max buffered events, oldest first:
 *                                 their number (> 0); with none buffered
 *                                 waits for one, unless nonblock (-EAGAIN),
 *                                 or until a signal is pending (-EINTR).
 *                                 Process context.
 *       flush()                   drops what is buffered, so a new reader
 *                                 sees only the events after it.
 *       get_stats(out)            events seen, and those dropped because
 *                                 the buffer was full (oldest first).
 */
#ifndef DRIVERS_INPUT_H
#define DRIVERS_INPUT_H

#include <stdbool.h>
#include <stdint.h>

/* One event as /dev/input/kbd's readers get it (and virtio-input carries it). */
struct input_event_raw {
    uint16_t type;
    uint16_t code;
    uint32_t value;
};
_Static_assert(sizeof(struct input_event_raw) == 8, "input event");

struct input_stats {
    uint64_t events, dropped;
};

struct input_dev {
    const char *name;           /* the driver, for messages */
    long (*read)(struct input_event_raw *out, uint64_t max, bool nonblock);
    void (*flush)(void);
    void (*get_stats)(struct input_stats *out);
};

typedef void (*input_consumer_fn)(uint16_t type, uint16_t code, int32_t value);

/* 0, or -EBUSY when a keyboard is registered already. */
int input_register(const struct input_dev *kbd);
/* The keyboard, or NULL. */
const struct input_dev *input_keyboard(void);

/* The consumer of every event from now on (NULL: none). */
void input_set_consumer(input_consumer_fn fn);
/* For the keyboard driver, interrupt context: one event to the consumer. */
void input_deliver(uint16_t type, uint16_t code, int32_t value);

#endif
