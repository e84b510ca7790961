/*
 * Private template: depthwise convolution (channel multiplier 1) for one instruction set.
 * Include with CK_FN(name) defined. For each output pixel the valid taps are listed once; channels run in
 * blocks of 32 (four vectors), then 8, and a last partial vector is computed as the overlapping final 8
 * channels (rewriting a few outputs with identical values). Fewer than 8 channels run scalar.
 */
#include "ck_simd.h"
#include "ck_taps.h"

static void CK_FN(ck_depthwise_rows)(const ck_window *w, const float *input, const float *filter,
                                     const float *bias, float lo, float hi, float *output,
                                     ptrdiff_t r_begin, ptrdiff_t r_end) {
    const ptrdiff_t C = w->in_c;
    const ck_v8 vlo = CK_SPLAT(lo), vhi = CK_SPLAT(hi), zero = CK_SPLAT(0.0f);
    ptrdiff_t in_off[CK_MAX_TAPS], f_off[CK_MAX_TAPS];
    for (ptrdiff_t r = r_begin; r < r_end; r++) {
        const ptrdiff_t n = r / w->out_h, y = r % w->out_h;
        const float *image = input + n * w->in_h * w->in_w * C;
        for (ptrdiff_t x = 0; x < w->out_w; x++) {
            float *o = output + (r * w->out_w + x) * C;
            const int taps = ck_collect_taps(w, y, x, C, in_off, f_off);
            ptrdiff_t c = 0;
            if (C >= 8) {
                for (; c + 32 <= C; c += 32) {
                    ck_v8 a0 = bias ? CK_LOAD(bias + c) : zero, a1 = bias ? CK_LOAD(bias + c + 8) : zero;
                    ck_v8 a2 = bias ? CK_LOAD(bias + c + 16) : zero, a3 = bias ? CK_LOAD(bias + c + 24) : zero;
                    for (int t = 0; t < taps; t++) {
                        const float *ip = image + in_off[t] + c, *fp = filter + f_off[t] + c;
                        a0 += CK_LOAD(ip) * CK_LOAD(fp);
                        a1 += CK_LOAD(ip + 8) * CK_LOAD(fp + 8);
                        a2 += CK_LOAD(ip + 16) * CK_LOAD(fp + 16);
                        a3 += CK_LOAD(ip + 24) * CK_LOAD(fp + 24);
                    }
                    CK_STORE(o + c, CK_CLAMP(a0, vlo, vhi));
                    CK_STORE(o + c + 8, CK_CLAMP(a1, vlo, vhi));
                    CK_STORE(o + c + 16, CK_CLAMP(a2, vlo, vhi));
                    CK_STORE(o + c + 24, CK_CLAMP(a3, vlo, vhi));
                }
                for (; c < C; c += 8) {
                    const ptrdiff_t cc = c + 8 <= C ? c : C - 8;
                    ck_v8 a0 = bias ? CK_LOAD(bias + cc) : zero;
                    for (int t = 0; t < taps; t++) a0 += CK_LOAD(image + in_off[t] + cc) * CK_LOAD(filter + f_off[t] + cc);
                    CK_STORE(o + cc, CK_CLAMP(a0, vlo, vhi));
                }
            } else {
                for (; c < C; c++) {
                    float acc = bias ? bias[c] : 0.0f;
                    for (int t = 0; t < taps; t++) acc += image[in_off[t] + c] * filter[f_off[t] + c];
                    o[c] = acc < lo ? lo : (acc > hi ? hi : acc);
                }
            }
        }
    }
}
