/*
 * Private: the valid taps of one output pixel of a window over an NHWC tensor, as element offsets from
 * the pixel's image (input) and from the filter, so the SIMD loops below run without bounds checks.
 */
#ifndef CK_TAPS_H
#define CK_TAPS_H
#include "ckernels_nn.h"

/* Windows with more taps than this take the bounds-checked path. */
#define CK_MAX_TAPS 128

/* Fills in_off/f_off (filter offsets in units of `filter_stride` floats per tap) and returns the count. */
static inline int ck_collect_taps(const ck_window *w, ptrdiff_t y, ptrdiff_t x, ptrdiff_t filter_stride,
                                  ptrdiff_t *in_off, ptrdiff_t *f_off) {
    int n = 0;
    for (ptrdiff_t ky = 0; ky < w->k_h; ky++) {
        const ptrdiff_t iy = y * w->stride_h + ky * w->dilation_h - w->pad_top;
        if (iy < 0 || iy >= w->in_h) continue;
        for (ptrdiff_t kx = 0; kx < w->k_w; kx++) {
            const ptrdiff_t ix = x * w->stride_w + kx * w->dilation_w - w->pad_left;
            if (ix < 0 || ix >= w->in_w) continue;
            in_off[n] = (iy * w->in_w + ix) * w->in_c;
            f_off[n] = (ky * w->k_w + kx) * filter_stride;
            n++;
        }
    }
    return n;
}

#endif
