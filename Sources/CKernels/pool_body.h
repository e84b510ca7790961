/*
 * Private template: average and max pooling for one instruction set, vectorised over channels.
 * Include with CK_FN(name) defined. The valid cells of each window are listed once; channels run in
 * blocks of 32, then 8, the last partial vector overlapping the previous one (same values rewritten).
 * Fewer than 8 channels run scalar.
 */
#include <float.h>

#include "ck_simd.h"
#include "ck_taps.h"

#define CK_POOL_ACC(acc, v) ((acc) = is_max ? CK_VMAX((acc), (v)) : (acc) + (v))

static inline __attribute__((always_inline)) void CK_FN(ck_pool_body)(
    const int is_max, const ck_window *w, const float *input, float *output, ptrdiff_t r_begin, ptrdiff_t r_end) {
    const ptrdiff_t C = w->in_c;
    const float init = is_max ? -FLT_MAX : 0.0f;
    ptrdiff_t in_off[CK_MAX_TAPS], unused[CK_MAX_TAPS];
    for (ptrdiff_t r = r_begin; r < r_end; r++) {
        const ptrdiff_t n = r / w->out_h, y = r % w->out_h;
        const float *image = input + n * w->in_h * w->in_w * C;
        for (ptrdiff_t x = 0; x < w->out_w; x++) {
            float *o = output + (r * w->out_w + x) * C;
            const int taps = ck_collect_taps(w, y, x, 0, in_off, unused);
            const float divisor = taps > 0 ? (float)taps : 1.0f;
            const ck_v8 vdiv = CK_SPLAT(divisor);
            ptrdiff_t c = 0;
            if (C >= 8) {
                for (; c + 32 <= C; c += 32) {
                    ck_v8 a0 = CK_SPLAT(init), a1 = a0, a2 = a0, a3 = a0;
                    for (int t = 0; t < taps; t++) {
                        const float *ip = image + in_off[t] + c;
                        CK_POOL_ACC(a0, CK_LOAD(ip));
                        CK_POOL_ACC(a1, CK_LOAD(ip + 8));
                        CK_POOL_ACC(a2, CK_LOAD(ip + 16));
                        CK_POOL_ACC(a3, CK_LOAD(ip + 24));
                    }
                    if (!is_max) { a0 /= vdiv; a1 /= vdiv; a2 /= vdiv; a3 /= vdiv; }
                    CK_STORE(o + c, a0);
                    CK_STORE(o + c + 8, a1);
                    CK_STORE(o + c + 16, a2);
                    CK_STORE(o + c + 24, a3);
                }
                for (; c < C; c += 8) {
                    const ptrdiff_t cc = c + 8 <= C ? c : C - 8;
                    ck_v8 a0 = CK_SPLAT(init);
                    for (int t = 0; t < taps; t++) CK_POOL_ACC(a0, CK_LOAD(image + in_off[t] + cc));
                    CK_STORE(o + cc, is_max ? a0 : a0 / vdiv);
                }
            } else {
                for (; c < C; c++) {
                    float acc = init;
                    for (int t = 0; t < taps; t++) {
                        float v = image[in_off[t] + c];
                        acc = is_max ? (v > acc ? v : acc) : acc + v;
                    }
                    o[c] = is_max ? acc : acc / divisor;
                }
            }
        }
    }
}

static void CK_FN(ck_pool_rows)(int is_max, const ck_window *w, const float *input, float *output,
                                ptrdiff_t r_begin, ptrdiff_t r_end) {
    if (is_max) {
        CK_FN(ck_pool_body)(1, w, input, output, r_begin, r_end);
    } else {
        CK_FN(ck_pool_body)(0, w, input, output, r_begin, r_end);
    }
}

#undef CK_POOL_ACC
