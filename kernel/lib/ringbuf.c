/*
 * kernel/lib/ringbuf.c — see ringbuf.h. Copies are split at the wrap point into
 * at most two memcpy's.
 */
#include "kernel/lib/ringbuf.h"
#include "kernel/lib/string.h"

int ringbuf_init(struct ringbuf *rb, uint8_t *storage, size_t capacity)
{
    if (capacity == 0 || (capacity & (capacity - 1)))
        return -1;
    rb->data = storage;
    rb->capacity = capacity;
    rb->head = rb->tail = 0;
    return 0;
}

size_t ringbuf_used(const struct ringbuf *rb)
{
    return rb->head - rb->tail;
}

size_t ringbuf_free(const struct ringbuf *rb)
{
    return rb->capacity - ringbuf_used(rb);
}

size_t ringbuf_write(struct ringbuf *rb, const void *src, size_t n)
{
    size_t room = ringbuf_free(rb);
    if (n > room)
        n = room;
    size_t at = rb->head & (rb->capacity - 1);
    size_t first = rb->capacity - at < n ? rb->capacity - at : n;
    memcpy(rb->data + at, src, first);
    memcpy(rb->data, (const uint8_t *)src + first, n - first);
    rb->head += n;
    return n;
}

size_t ringbuf_read(struct ringbuf *rb, void *dst, size_t n)
{
    size_t avail = ringbuf_used(rb);
    if (n > avail)
        n = avail;
    size_t at = rb->tail & (rb->capacity - 1);
    size_t first = rb->capacity - at < n ? rb->capacity - at : n;
    memcpy(dst, rb->data + at, first);
    memcpy((uint8_t *)dst + first, rb->data, n - first);
    rb->tail += n;
    return n;
}

int ringbuf_put(struct ringbuf *rb, uint8_t byte)
{
    return ringbuf_write(rb, &byte, 1) == 1 ? 0 : -1;
}

int ringbuf_get(struct ringbuf *rb)
{
    uint8_t b;
    return ringbuf_read(rb, &b, 1) == 1 ? b : -1;
}
