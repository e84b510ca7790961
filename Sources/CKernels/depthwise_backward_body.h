/*
 * Private template: depthwise convolution gradients, channel multiplier 1, for one instruction set.
 * Include with CK_FN(name) defined. NHWC activations, (k_h, k_w, C) filters; channels run in vectors of 8,
 * the last ones scalar. For one output row and one tap, the output columns whose tap lands inside the image
 * form one range [x_lo, x_hi), so no bounds checks run per pixel.
 */
#include "ck_simd.h"

/* Output columns x in [*lo, *hi) whose tap column x * stride + offset lies in [0, in_w). */
static inline void CK_FN(ck_dwb_columns)(const ck_window *w, ptrdiff_t offset, ptrdiff_t *lo, ptrdiff_t *hi) {
    const ptrdiff_t s = w->stride_w;
    ptrdiff_t a = offset >= 0 ? 0 : (-offset + s - 1) / s;
    ptrdiff_t b = w->in_w - offset <= 0 ? 0 : (w->in_w - offset + s - 1) / s;
    if (b > w->out_w) b = w->out_w;
    *lo = a;
    *hi = b < a ? a : b;
}

/* dx[n] (overwritten) for images n in [n_begin, n_end): each tap's filter vector is held while it is
 * scattered over an output row. */
static void CK_FN(ck_dwb_input)(const ck_window *w, const float *filter, const float *dy, float *dx,
                                 ptrdiff_t n_begin, ptrdiff_t n_end) {
    const ptrdiff_t C = w->in_c, sw = w->stride_w * C;
    const ptrdiff_t image_in = w->in_h * w->in_w * C;
    memset(dx + n_begin * image_in, 0, (size_t)((n_end - n_begin) * image_in) * sizeof(float));
    for (ptrdiff_t n = n_begin; n < n_end; n++) {
        for (ptrdiff_t y = 0; y < w->out_h; y++) {
            const float *dyrow = dy + (n * w->out_h + y) * w->out_w * C;
            for (ptrdiff_t ky = 0; ky < w->k_h; ky++) {
                const ptrdiff_t iy = y * w->stride_h + ky * w->dilation_h - w->pad_top;
                if (iy < 0 || iy >= w->in_h) continue;
                float *dxrow = dx + (n * w->in_h + iy) * w->in_w * C;
                for (ptrdiff_t kx = 0; kx < w->k_w; kx++) {
                    const ptrdiff_t offset = kx * w->dilation_w - w->pad_left;
                    ptrdiff_t x0, x1;
                    CK_FN(ck_dwb_columns)(w, offset, &x0, &x1);
                    if (x0 >= x1) continue;
                    const float *f = filter + (ky * w->k_w + kx) * C;
                    float *d0 = dxrow + (x0 * w->stride_w + offset) * C;
                    const float *g0 = dyrow + x0 * C;
                    ptrdiff_t c = 0;
                    for (; c + 8 <= C; c += 8) {
                        const ck_v8 fv = CK_LOAD(f + c);
                        float *d = d0 + c;
                        const float *g = g0 + c;
                        for (ptrdiff_t x = x0; x < x1; x++, d += sw, g += C) CK_STORE(d, CK_LOAD(d) + fv * CK_LOAD(g));
                    }
                    for (; c < C; c++) {
                        const float fc = f[c];
                        float *d = d0 + c;
                        const float *g = g0 + c;
                        for (ptrdiff_t x = x0; x < x1; x++, d += sw, g += C) *d += fc * *g;
                    }
                }
            }
        }
    }
}

/* dw += the filter gradient of output rows [r_begin, r_end): per row and tap, each vector of channels sums
 * over the row's columns in a register. */
static void CK_FN(ck_dwb_filter)(const ck_window *w, const float *input, const float *dy, float *dw,
                                  ptrdiff_t r_begin, ptrdiff_t r_end) {
    const ptrdiff_t C = w->in_c, sw = w->stride_w * C;
    for (ptrdiff_t r = r_begin; r < r_end; r++) {
        const ptrdiff_t n = r / w->out_h, y = r % w->out_h;
        const float *dyrow = dy + r * w->out_w * C;
        for (ptrdiff_t ky = 0; ky < w->k_h; ky++) {
            const ptrdiff_t iy = y * w->stride_h + ky * w->dilation_h - w->pad_top;
            if (iy < 0 || iy >= w->in_h) continue;
            const float *xrow = input + (n * w->in_h + iy) * w->in_w * C;
            for (ptrdiff_t kx = 0; kx < w->k_w; kx++) {
                const ptrdiff_t offset = kx * w->dilation_w - w->pad_left;
                ptrdiff_t x0, x1;
                CK_FN(ck_dwb_columns)(w, offset, &x0, &x1);
                if (x0 >= x1) continue;
                float *f = dw + (ky * w->k_w + kx) * C;
                const float *i0 = xrow + (x0 * w->stride_w + offset) * C;
                const float *g0 = dyrow + x0 * C;
                ptrdiff_t c = 0;
                for (; c + 16 <= C; c += 16) {
                    ck_v8 a0 = CK_SPLAT(0.0f), a1 = CK_SPLAT(0.0f);
                    const float *i = i0 + c, *g = g0 + c;
                    for (ptrdiff_t x = x0; x < x1; x++, i += sw, g += C) {
                        a0 += CK_LOAD(i) * CK_LOAD(g);
                        a1 += CK_LOAD(i + 8) * CK_LOAD(g + 8);
                    }
                    CK_STORE(f + c, CK_LOAD(f + c) + a0);
                    CK_STORE(f + c + 8, CK_LOAD(f + c + 8) + a1);
                }
                for (; c + 8 <= C; c += 8) {
                    ck_v8 a0 = CK_SPLAT(0.0f);
                    const float *i = i0 + c, *g = g0 + c;
                    for (ptrdiff_t x = x0; x < x1; x++, i += sw, g += C) a0 += CK_LOAD(i) * CK_LOAD(g);
                    CK_STORE(f + c, CK_LOAD(f + c) + a0);
                }
                for (; c < C; c++) {
                    float a = 0.0f;
                    const float *i = i0 + c, *g = g0 + c;
                    for (ptrdiff_t x = x0; x < x1; x++, i += sw, g += C) a += *i * *g;
                    f[c] += a;
                }
            }
        }
    }
}
