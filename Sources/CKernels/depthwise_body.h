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
    for (int j = 0; j < nv; j++) CK_STORE(o + 8 * j, CK_HAS_CLAMP(lo, hi) ? CK_CLAMP(a[j], CK_SPLAT(lo), CK_SPLAT(hi)) : a[j]);
}

/*
 * Four horizontally adjacent interior pixels at once (pixel p's window starts `p * pixel_step` elements after
 * the first's), so each filter vector loaded serves four outputs: nv vectors of channels per pixel.
 */
static inline __attribute__((always_inline)) void CK_FN(ck_dw_quad)(
    const int nv, const float *image, ptrdiff_t origin, ptrdiff_t pixel_step, const ck_taps *taps,
    const float *filter, const float *bias, float lo, float hi, float *o, ptrdiff_t C) {
    ck_v8 a[4][2];
    for (int j = 0; j < nv; j++) {
        const ck_v8 start = bias ? CK_LOAD(bias + 8 * j) : CK_SPLAT(0.0f);
        for (int p = 0; p < 4; p++) a[p][j] = start;
    }
    for (int t = 0; t < taps->count; t++) {
        const float *fp = filter + taps->f_off[t];
        const float *ip = image + (origin + taps->in_off[t]);
        ck_v8 f[2];
        for (int j = 0; j < nv; j++) f[j] = CK_LOAD(fp + 8 * j);
        for (int p = 0; p < 4; p++)
            for (int j = 0; j < nv; j++) a[p][j] += CK_LOAD(ip + p * pixel_step + 8 * j) * f[j];
    }
    for (int p = 0; p < 4; p++)
        for (int j = 0; j < nv; j++) CK_STORE(o + p * C + 8 * j, CK_HAS_CLAMP(lo, hi) ? CK_CLAMP(a[p][j], CK_SPLAT(lo), CK_SPLAT(hi)) : a[p][j]);
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
            if (C >= 8 && x + 3 < w->out_w && ck_pixel_interior(w, y, x) && ck_pixel_interior(w, y, x + 3)) {
                const ptrdiff_t origin = ((y * w->stride_h - w->pad_top) * w->in_w + x * w->stride_w - w->pad_left) * C;
                const ptrdiff_t step = w->stride_w * C;
#define CK_DW_QUAD(nv, c) \
    CK_FN(ck_dw_quad)((nv), image + (c), origin, step, &full, filter + (c), bias ? bias + (c) : NULL, lo, hi, o + (c), C)
                ptrdiff_t c = 0;
                for (; c + 16 <= C; c += 16) CK_DW_QUAD(2, c);
                if (c < C) {
                    if (C - c > 8 && C >= 16) {
                        CK_DW_QUAD(2, C - 16);
                    } else if (C - c > 8) { /* 8 < C < 16 */
                        CK_DW_QUAD(1, 0);
                        CK_DW_QUAD(1, C - 8);
                    } else {
                        CK_DW_QUAD(1, C - 8);
                    }
                }
#undef CK_DW_QUAD
                x += 3;
                continue;
            }
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
                    o[c] = CK_CLAMP1(acc, lo, hi);
                }
            }
        }
    }
}
