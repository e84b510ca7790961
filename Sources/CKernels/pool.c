#include "ckernels_nn.h"
#include "ck_taps.h"

#define CK_FN(name) name##_vec
#include "pool_body.h"
#undef CK_FN

#if CK_HAVE_AVX2_BUILD
CK_AVX2_BEGIN
#define CK_FN(name) name##_avx2
#include "pool_body.h"
#undef CK_FN
CK_AVX2_END
#endif

/* MARK: - Portable fallback */

static void ck_pool_rows_scalar(int is_max, const ck_window *w, const float *input, float *output,
                                ptrdiff_t r_begin, ptrdiff_t r_end) {
    const ptrdiff_t C = w->in_c;
    for (ptrdiff_t r = r_begin; r < r_end; r++) {
        const ptrdiff_t n = r / w->out_h, y = r % w->out_h;
        /* Only the cells inside the image: a huge window attribute costs nothing extra. */
        ptrdiff_t y0 = y * w->stride_h - w->pad_top, y1 = y0 + w->k_h;
        if (y0 < 0) y0 = 0;
        if (y1 > w->in_h) y1 = w->in_h;
        for (ptrdiff_t x = 0; x < w->out_w; x++) {
            ptrdiff_t x0 = x * w->stride_w - w->pad_left, x1 = x0 + w->k_w;
            if (x0 < 0) x0 = 0;
            if (x1 > w->in_w) x1 = w->in_w;
            const ptrdiff_t count = (y1 > y0 && x1 > x0) ? (y1 - y0) * (x1 - x0) : 0;
            for (ptrdiff_t c = 0; c < C; c++) {
                float acc = is_max ? -3.40282347e+38f : 0.0f;
                for (ptrdiff_t iy = y0; iy < y1; iy++)
                    for (ptrdiff_t ix = x0; ix < x1; ix++) {
                        float v = input[((n * w->in_h + iy) * w->in_w + ix) * C + c];
                        acc = is_max ? (v > acc ? v : acc) : acc + v;
                    }
                output[(r * w->out_w + x) * C + c] = is_max ? acc : acc / (float)(count > 0 ? count : 1);
            }
        }
    }
}

/* MARK: - Dispatch */

static void ck_pool_dispatch(int is_max, int isa, const ck_window *w, const float *input, float *output,
                             ptrdiff_t r_begin, ptrdiff_t r_end) {
    if (r_end <= r_begin) return;
    if (isa == CK_ISA_SCALAR || w->k_h * w->k_w > CK_MAX_TAPS) {
        ck_pool_rows_scalar(is_max, w, input, output, r_begin, r_end);
        return;
    }
#if CK_HAVE_AVX2_BUILD
    if (isa >= CK_ISA_AVX2 && ck_isa_available(CK_ISA_AVX2)) {
        ck_pool_rows_avx2(is_max, w, input, output, r_begin, r_end);
        return;
    }
#endif
    ck_pool_rows_vec(is_max, w, input, output, r_begin, r_end);
}

void ck_avgpool_rows(int isa, const ck_window *w, const float *input, float *output,
                     ptrdiff_t r_begin, ptrdiff_t r_end) {
    ck_pool_dispatch(0, isa, w, input, output, r_begin, r_end);
}

void ck_maxpool_rows(int isa, const ck_window *w, const float *input, float *output,
                     ptrdiff_t r_begin, ptrdiff_t r_end) {
    ck_pool_dispatch(1, isa, w, input, output, r_begin, r_end);
}
