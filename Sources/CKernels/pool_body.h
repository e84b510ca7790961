/*
 * Private template: average and max pooling for one instruction set, vectorised over channels.
 * Include with CK_FN(name) defined. Taps come from ck_taps.h (the divisor is the number of cells inside the
 * input); channels run in blocks of 4, 2 or 1 vectors (CK_FOR_CHANNEL_BLOCKS). Fewer than 8 channels run
 * scalar.
 */
#include <float.h>

#include "ck_simd.h"
#include "ck_taps.h"

static inline __attribute__((always_inline)) void CK_FN(ck_pool_block)(
    const int is_max, const int nv, const float *image, ptrdiff_t origin, const ck_taps *taps, float *o) {
    ck_v8 a[4];
    for (int j = 0; j < nv; j++) a[j] = CK_SPLAT(is_max ? -FLT_MAX : 0.0f);
    for (int t = 0; t < taps->count; t++) {
        const float *ip = image + (origin + taps->in_off[t]);
        for (int j = 0; j < nv; j++) a[j] = is_max ? CK_VMAX(a[j], CK_LOAD(ip + 8 * j)) : a[j] + CK_LOAD(ip + 8 * j);
    }
    const ck_v8 divisor = CK_SPLAT(taps->count > 0 ? (float)taps->count : 1.0f);
    for (int j = 0; j < nv; j++) CK_STORE(o + 8 * j, is_max ? a[j] : a[j] / divisor);
}

static inline __attribute__((always_inline)) void CK_FN(ck_pool_body)(
    const int is_max, const ck_window *w, const float *input, float *output, ptrdiff_t r_begin, ptrdiff_t r_end) {
    const ptrdiff_t C = w->in_c;
    ck_taps full, border;
    ck_full_taps(w, 0, &full);
    for (ptrdiff_t r = r_begin; r < r_end; r++) {
        const ptrdiff_t n = r / w->out_h, y = r % w->out_h;
        const float *image = input + n * w->in_h * w->in_w * C;
        for (ptrdiff_t x = 0; x < w->out_w; x++) {
            float *o = output + (r * w->out_w + x) * C;
            ptrdiff_t origin;
            const ck_taps *taps = ck_pixel_taps(w, y, x, 0, &full, &border, &origin);
            if (C >= 8) {
#define CK_POOL_BLOCK(nv, c) CK_FN(ck_pool_block)(is_max, (nv), image + (c), origin, taps, o + (c))
                CK_FOR_CHANNEL_BLOCKS(C, CK_POOL_BLOCK);
#undef CK_POOL_BLOCK
            } else {
                const float divisor = taps->count > 0 ? (float)taps->count : 1.0f;
                for (ptrdiff_t c = 0; c < C; c++) {
                    float acc = is_max ? -FLT_MAX : 0.0f;
                    for (int t = 0; t < taps->count; t++) {
                        float v = image[origin + taps->in_off[t] + c];
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
