/*
 * kernel/lib/ringbuf.h — a single-producer/single-consumer byte ring.
 *
 * Capacity is a power of two; head and tail are free-running counters, so
 * full = (head - tail == capacity) and no slot is wasted. The producer only
 * writes `head`, the consumer only writes `tail`; with interrupts the kernel
 * still disables them around a consumer's check-then-sleep. Pure: unit-tested
 * on the host; serial input uses it now, the TTY and audio later.
 */
#ifndef KERNEL_RINGBUF_H
#define KERNEL_RINGBUF_H

#include <stddef.h>
#include <stdint.h>

struct ringbuf {
    uint8_t *data;
    size_t capacity; /* power of two */
    size_t head;     /* total bytes ever written */
    size_t tail;     /* total bytes ever read */
};

/* Returns 0, or -1 if capacity is not a power of two. */
int ringbuf_init(struct ringbuf *rb, uint8_t *storage, size_t capacity);
size_t ringbuf_used(const struct ringbuf *rb);
size_t ringbuf_free(const struct ringbuf *rb);
/* Copy in/out as much as fits / is there; return the number of bytes moved. */
size_t ringbuf_write(struct ringbuf *rb, const void *src, size_t n);
size_t ringbuf_read(struct ringbuf *rb, void *dst, size_t n);
int ringbuf_put(struct ringbuf *rb, uint8_t byte); /* 0, or -1 when full */
int ringbuf_get(struct ringbuf *rb);               /* byte, or -1 when empty */

#endif
