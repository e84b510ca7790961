/*
 * Private template: depthwise convolution (channel multiplier 1) for one instruction set.
 * Include with CK_FN(name) defined. Vectorised over channels, 16 then 8 at a time, scalar tail.
 */
#include "ck_simd.h"

static void CK_FN(ck_depthwise_rows)(const ck_window *w, const float *input, const float *filter,
                                     const float *bias, float lo, float hi, float *output,
                                     ptrdiff_t r_begin, ptrdiff_t r_end) {
    const ptrdiff_t C = w->in_c;
    const ck_v8 vlo = CK_SPLAT(lo), vhi = CK_SPLAT(hi);
    for (ptrdiff_t r = r_begin; r < r_end; r++) {
        const ptrdiff_t n = r / w->out_h, y = r % w->out_h;
        for (ptrdiff_t x = 0; x < w->out_w; x++) {
            float *o = output + (r * w->out_w + x) * C;
            ptrdiff_t c = 0;
            for (; c + 16 <= C; c += 16) {
                ck_v8 a0 = bias ? CK_LOAD(bias + c) : CK_SPLAT(0.0f);
                ck_v8 a1 = bias ? CK_LOAD(bias + c + 8) : CK_SPLAT(0.0f);
                for (ptrdiff_t ky = 0; ky < w->k_h; ky++) {
                    const ptrdiff_t iy = y * w->stride_h + ky * w->dilation_h - w->pad_top;
                    if (iy < 0 || iy >= w->in_h) continue;
                    for (ptrdiff_t kx = 0; kx < w->k_w; kx++) {
                        const ptrdiff_t ix = x * w->stride_w + kx * w->dilation_w - w->pad_left;
                        if (ix < 0 || ix >= w->in_w) continue;
                        const float *ip = input + ((n * w->in_h + iy) * w->in_w + ix) * C + c;
                        const float *fp = filter + (ky * w->k_w + kx) * C + c;
                        a0 += CK_LOAD(ip) * CK_LOAD(fp);
                        a1 += CK_LOAD(ip + 8) * CK_LOAD(fp + 8);
                    }
                }
                CK_STORE(o + c, CK_CLAMP(a0, vlo, vhi));
                CK_STORE(o + c + 8, CK_CLAMP(a1, vlo, vhi));
            }
            for (; c + 8 <= C; c += 8) {
                ck_v8 a0 = bias ? CK_LOAD(bias + c) : CK_SPLAT(0.0f);
                for (ptrdiff_t ky = 0; ky < w->k_h; ky++) {
                    const ptrdiff_t iy = y * w->stride_h + ky * w->dilation_h - w->pad_top;
                    if (iy < 0 || iy >= w->in_h) continue;
                    for (ptrdiff_t kx = 0; kx < w->k_w; kx++) {
                        const ptrdiff_t ix = x * w->stride_w + kx * w->dilation_w - w->pad_left;
                        if (ix < 0 || ix >= w->in_w) continue;
                        a0 += CK_LOAD(input + ((n * w->in_h + iy) * w->in_w + ix) * C + c) *
                              CK_LOAD(filter + (ky * w->k_w + kx) * C + c);
                    }
                }
                CK_STORE(o + c, CK_CLAMP(a0, vlo, vhi));
            }
            for (; c < C; c++) {
                float acc = bias ? bias[c] : 0.0f;
                for (ptrdiff_t ky = 0; ky < w->k_h; ky++) {
                    const ptrdiff_t iy = y * w->stride_h + ky * w->dilation_h - w->pad_top;
                    if (iy < 0 || iy >= w->in_h) continue;
                    for (ptrdiff_t kx = 0; kx < w->k_w; kx++) {
                        const ptrdiff_t ix = x * w->stride_w + kx * w->dilation_w - w->pad_left;
                        if (ix < 0 || ix >= w->in_w) continue;
                        acc += input[((n * w->in_h + iy) * w->in_w + ix) * C + c] *
                               filter[(ky * w->k_w + kx) * C + c];
                    }
                }
                o[c] = acc < lo ? lo : (acc > hi ? hi : acc);
            }
        }
    }
}
