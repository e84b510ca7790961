/*
 * Private template: average and max pooling for one instruction set, vectorised over channels.
 * Include with CK_FN(name) defined.
 */
#include <float.h>

#include "ck_simd.h"

static void CK_FN(ck_pool_rows)(int is_max, const ck_window *w, const float *input, float *output,
                                ptrdiff_t r_begin, ptrdiff_t r_end) {
    const ptrdiff_t C = w->in_c;
    const float init = is_max ? -FLT_MAX : 0.0f;
    for (ptrdiff_t r = r_begin; r < r_end; r++) {
        const ptrdiff_t n = r / w->out_h, y = r % w->out_h;
        ptrdiff_t y0 = y * w->stride_h - w->pad_top, y1 = y0 + w->k_h;
        if (y0 < 0) y0 = 0;
        if (y1 > w->in_h) y1 = w->in_h;
        for (ptrdiff_t x = 0; x < w->out_w; x++) {
            ptrdiff_t x0 = x * w->stride_w - w->pad_left, x1 = x0 + w->k_w;
            if (x0 < 0) x0 = 0;
            if (x1 > w->in_w) x1 = w->in_w;
            const ptrdiff_t count = (y1 > y0 && x1 > x0) ? (y1 - y0) * (x1 - x0) : 0;
            const float divisor = count > 0 ? (float)count : 1.0f;
            float *o = output + (r * w->out_w + x) * C;
            ptrdiff_t c = 0;
            for (; c + 8 <= C; c += 8) {
                ck_v8 acc = CK_SPLAT(init);
                for (ptrdiff_t iy = y0; iy < y1; iy++)
                    for (ptrdiff_t ix = x0; ix < x1; ix++) {
                        ck_v8 v = CK_LOAD(input + ((n * w->in_h + iy) * w->in_w + ix) * C + c);
                        acc = is_max ? CK_VMAX(acc, v) : acc + v;
                    }
                CK_STORE(o + c, is_max ? acc : acc / CK_SPLAT(divisor));
            }
            for (; c < C; c++) {
                float acc = init;
                for (ptrdiff_t iy = y0; iy < y1; iy++)
                    for (ptrdiff_t ix = x0; ix < x1; ix++) {
                        float v = input[((n * w->in_h + iy) * w->in_w + ix) * C + c];
                        acc = is_max ? (v > acc ? v : acc) : acc + v;
                    }
                o[c] = is_max ? acc : acc / divisor;
            }
        }
    }
}
