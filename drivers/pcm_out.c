/*
 * drivers/pcm_out.c — the sound card slot and its completion function (see
 * pcm_out.h). The slot is filled at boot by the driver's probe and never
 * emptied; the function is set by /dev/audio before it submits a period.
 */
#include "drivers/pcm_out.h"

#include <stddef.h>

#include "kernel/abi/errno.h"
#include "kernel/arch/panic.h"

static const struct pcm_out *card;
static pcm_out_done_fn period_done;

int pcm_out_register(const struct pcm_out *c)
{
    if (card)
        return -EBUSY;
    card = c;
    return 0;
}

const struct pcm_out *pcm_out_get(void)
{
    return card;
}

void pcm_out_set_done(pcm_out_done_fn fn)
{
    period_done = fn;
}

void pcm_out_period_done(struct pcm_out_period *p, bool ok)
{
    /* A period completes only after it was submitted, and the user sets
     * the function before its first submit. */
    KASSERT(period_done != NULL);
    period_done(p, ok);
}
