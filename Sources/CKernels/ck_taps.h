/*
 * Private: the valid taps of one output pixel of a window over an NHWC tensor, as element offsets from
 * the pixel's window origin in the image and from the filter, so the SIMD loops run without bounds checks.
 * Interior pixels share one precomputed full list; border pixels list their own.
 */
#ifndef CK_TAPS_H
#define CK_TAPS_H
#include "ckernels_nn.h"

/* Windows with more taps than this take the bounds-checked path. */
#define CK_MAX_TAPS 128

typedef struct {
    ptrdiff_t in_off[CK_MAX_TAPS];
    ptrdiff_t f_off[CK_MAX_TAPS];
    int count;
} ck_taps;

/* Every tap of the window, relative to its origin (the input cell under tap (0, 0)). */
static inline void ck_full_taps(const ck_window *w, ptrdiff_t filter_stride, ck_taps *t) {
    t->count = 0;
    for (ptrdiff_t ky = 0; ky < w->k_h; ky++)
        for (ptrdiff_t kx = 0; kx < w->k_w; kx++) {
            t->in_off[t->count] = (ky * w->dilation_h * w->in_w + kx * w->dilation_w) * w->in_c;
            t->f_off[t->count] = (ky * w->k_w + kx) * filter_stride;
            t->count++;
        }
}

/* Whether the whole window of output pixel (y, x) lies inside the image. */
static inline int ck_pixel_interior(const ck_window *w, ptrdiff_t y, ptrdiff_t x) {
    const ptrdiff_t iy0 = y * w->stride_h - w->pad_top, ix0 = x * w->stride_w - w->pad_left;
    return iy0 >= 0 && iy0 + (w->k_h - 1) * w->dilation_h < w->in_h && ix0 >= 0 &&
           ix0 + (w->k_w - 1) * w->dilation_w < w->in_w;
}

/*
 * The taps of output pixel (y, x): returns `full` when the whole window is inside the image, else fills
 * and returns `border`. *origin receives the element offset of the window origin within the image.
 */
static inline const ck_taps *ck_pixel_taps(const ck_window *w, ptrdiff_t y, ptrdiff_t x, ptrdiff_t filter_stride,
                                           const ck_taps *full, ck_taps *border, ptrdiff_t *origin) {
    const ptrdiff_t iy0 = y * w->stride_h - w->pad_top, ix0 = x * w->stride_w - w->pad_left;
    *origin = (iy0 * w->in_w + ix0) * w->in_c;
    if (ck_pixel_interior(w, y, x)) return full;
    border->count = 0;
    for (ptrdiff_t ky = 0; ky < w->k_h; ky++) {
        const ptrdiff_t iy = iy0 + ky * w->dilation_h;
        if (iy < 0 || iy >= w->in_h) continue;
        for (ptrdiff_t kx = 0; kx < w->k_w; kx++) {
            const ptrdiff_t ix = ix0 + kx * w->dilation_w;
            if (ix < 0 || ix >= w->in_w) continue;
            border->in_off[border->count] = ((iy - iy0) * w->in_w + (ix - ix0)) * w->in_c;
            border->f_off[border->count] = (ky * w->k_w + kx) * filter_stride;
            border->count++;
        }
    }
    return border;
}

/*
 * Channel blocking shared by depthwise and pooling: blocks of 32 channels, then one block of 32, 16 or 8
 * placed to end at the last channel (overlapping the previous block; its outputs are rewritten with
 * identical values). Requires C >= 8. Calls BLOCK(nv, c) with nv vectors starting at channel c.
 */
#define CK_FOR_CHANNEL_BLOCKS(C, BLOCK)                                             \
    do {                                                                            \
        ptrdiff_t c_ = 0;                                                           \
        for (; c_ + 32 <= (C); c_ += 32) BLOCK(4, c_);                              \
        const ptrdiff_t rest_ = (C) - c_;                                           \
        if (rest_ == 0) break;                                                      \
        if (rest_ > 16 && (C) >= 32) {                                              \
            BLOCK(4, (C) - 32);                                                     \
        } else if (rest_ > 16) { /* 16 < C < 32 */                                 \
            BLOCK(2, 0);                                                            \
            BLOCK(2, (C) - 16);                                                     \
        } else if (rest_ > 8 && (C) >= 16) {                                        \
            BLOCK(2, (C) - 16);                                                     \
        } else if (rest_ > 8) { /* 8 < C < 16 */                                   \
            BLOCK(1, 0);                                                            \
            BLOCK(1, (C) - 8);                                                      \
        } else {                                                                    \
            BLOCK(1, (C) - 8);                                                      \
        }                                                                           \
    } while (0)

#endif
