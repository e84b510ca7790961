/*
 * Private template: depthwise convolution (channel multiplier 1) for one instruction set.
 * Include with CK_FN(name) defined. Taps come from ck_taps.h; channels run in blocks of 4, 2 or 1 vectors
 * (CK_FOR_CHANNEL_BLOCKS). Fewer than 8 channels run scalar.
 */
#include "ck_simd.h"
#include "ck_taps.h"

/*
 * nv vectors of output channels starting at `o`; image/filter/bias already offset to the first channel.
 * Input cells are image[origin + in_off[t]] (origin alone may point outside the image at borders).
 */
static inline __attribute__((always_inline)) void CK_FN(ck_dw_block)(
    const int nv, const float *image, ptrdiff_t origin, const ck_taps *taps, const float *filter,
    const float *bias, float lo, float hi, float *o) {
    ck_v8 a[4];
    for (int j = 0; j < nv; j++) a[j] = bias ? CK_LOAD(bias + 8 * j) : CK_SPLAT(0.0f);
    for (int t = 0; t < taps->count; t++) {
        const float *ip = image + (origin + taps->in_off[t]), *fp = filter + taps->f_off[t];
        for (int j = 0; j < nv; j++) a[j] += CK_LOAD(ip + 8 * j) * CK_LOAD(fp + 8 * j);
    }
    for (int j = 0; j < nv; j++) CK_STORE(o + 8 * j, CK_CLAMP(a[j], CK_SPLAT(lo), CK_SPLAT(hi)));
}

static void CK_FN(ck_depthwise_rows)(const ck_window *w, const float *input, const float *filter,
                                     const float *bias, float lo, float hi, float *output,
                                     ptrdiff_t r_begin, ptrdiff_t r_end) {
    const ptrdiff_t C = w->in_c;
    ck_taps full, border;
    ck_full_taps(w, C, &full);
    for (ptrdiff_t r = r_begin; r < r_end; r++) {
        const ptrdiff_t n = r / w->out_h, y = r % w->out_h;
        const float *image = input + n * w->in_h * w->in_w * C;
        for (ptrdiff_t x = 0; x < w->out_w; x++) {
            float *o = output + (r * w->out_w + x) * C;
            ptrdiff_t origin;
            const ck_taps *taps = ck_pixel_taps(w, y, x, C, &full, &border, &origin);
            if (C >= 8) {
#define CK_DW_BLOCK(nv, c) \
    CK_FN(ck_dw_block)((nv), image + (c), origin, taps, filter + (c), bias ? bias + (c) : NULL, lo, hi, o + (c))
                CK_FOR_CHANNEL_BLOCKS(C, CK_DW_BLOCK);
#undef CK_DW_BLOCK
            } else {
                for (ptrdiff_t c = 0; c < C; c++) {
                    float acc = bias ? bias[c] : 0.0f;
                    for (int t = 0; t < taps->count; t++) acc += image[origin + taps->in_off[t] + c] * filter[taps->f_off[t] + c];
                    o[c] = acc < lo ? lo : (acc > hi ? hi : acc);
                }
            }
        }
    }
}
