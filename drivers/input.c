/*
 * drivers/input.c — the keyboard slot and its consumer (see input.h). The
 * slot is filled at boot by the driver's probe and never emptied; the
 * consumer is set by the subsystem that translates keys.
 */
#include "drivers/input.h"

#include <stddef.h>

#include "kernel/abi/errno.h"

static const struct input_dev *keyboard;
static input_consumer_fn consumer;

int input_register(const struct input_dev *kbd)
{
    if (keyboard)
        return -EBUSY;
    keyboard = kbd;
    return 0;
}

const struct input_dev *input_keyboard(void)
{
    return keyboard;
}

void input_set_consumer(input_consumer_fn fn)
{
    consumer = fn;
}

void input_deliver(uint16_t type, uint16_t code, int32_t value)
{
    if (consumer)
        consumer(type, code, value);
}
