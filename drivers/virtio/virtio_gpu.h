/*
 * drivers/virtio/virtio_gpu.h — the virtio-gpu 2D driver (device id 16):
 * one scanout showing one host resource backed by one physically contiguous
 * framebuffer in guest RAM, registered as the display (drivers/display.h).
 *
 * virtio_probe() starts it (virtio_gpu_driver) on the first GPU. Its probe
 * runs the setup sequence synchronously (process context, interrupts on):
 * GET_DISPLAY_INFO (scanout 0's size), RESOURCE_CREATE_2D in B8G8R8X8,
 * RESOURCE_ATTACH_BACKING with the framebuffer (kpages, owner
 * PAGE_OWNER_GFX, so one backing entry), SET_SCANOUT. Every response is
 * checked; an error response is logged by name and setup fails (no display
 * is registered).
 *
 * Presenting (TRANSFER_TO_HOST_2D + RESOURCE_FLUSH of a rectangle) is
 * asynchronous with at most one present in flight: the display's present()
 * adds the rectangle to the pending damage and, if nothing is in flight,
 * submits it; present_wait() then sleeps until a present that covers it has
 * completed. When a present completes (interrupt), pending damage that
 * arrived meanwhile is submitted as the next one, so changes coalesce
 * instead of queueing. Callers that run with interrupts off for long
 * stretches still make progress: present() first reaps finished work from
 * the used ring itself.
 */
#ifndef DRIVERS_VIRTIO_VIRTIO_GPU_H
#define DRIVERS_VIRTIO_VIRTIO_GPU_H

struct virtio_driver;
extern const struct virtio_driver virtio_gpu_driver;

#endif
