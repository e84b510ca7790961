#include "ckernels_nn.h"

#include <string.h>

#include "ck_simd.h"

/* Gradients of the depthwise convolution (NHWC; filter (k_h, k_w, C, multiplier)). */

#define CK_FN(name) name##_vec
#include "depthwise_backward_body.h"
#undef CK_FN

#if CK_HAVE_AVX2_BUILD
CK_AVX2_BEGIN
#define CK_FN(name) name##_avx2
#include "depthwise_backward_body.h"
#undef CK_FN
CK_AVX2_END
#endif

/* MARK: - Portable fallback (any multiplier) */

static void ck_dwb_input_scalar(const ck_window *w, ptrdiff_t M, const float *filter, const float *dy, float *dx,
                                ptrdiff_t n_begin, ptrdiff_t n_end) {
    const ptrdiff_t C = w->in_c, OC = C * M, image_in = w->in_h * w->in_w * C;
    memset(dx + n_begin * image_in, 0, (size_t)((n_end - n_begin) * image_in) * sizeof(float));
    for (ptrdiff_t n = n_begin; n < n_end; n++)
        for (ptrdiff_t y = 0; y < w->out_h; y++)
            for (ptrdiff_t x = 0; x < w->out_w; x++) {
                const float *g = dy + ((n * w->out_h + y) * w->out_w + x) * OC;
                for (ptrdiff_t ky = 0; ky < w->k_h; ky++) {
                    const ptrdiff_t iy = y * w->stride_h + ky * w->dilation_h - w->pad_top;
                    if (iy < 0 || iy >= w->in_h) continue;
                    for (ptrdiff_t kx = 0; kx < w->k_w; kx++) {
                        const ptrdiff_t ix = x * w->stride_w + kx * w->dilation_w - w->pad_left;
                        if (ix < 0 || ix >= w->in_w) continue;
                        float *d = dx + ((n * w->in_h + iy) * w->in_w + ix) * C;
                        const float *f = filter + (ky * w->k_w + kx) * OC;
                        for (ptrdiff_t c = 0; c < C; c++) {
                            float sum = 0.0f;
                            for (ptrdiff_t m = 0; m < M; m++) sum += f[c * M + m] * g[c * M + m];
                            d[c] += sum;
                        }
                    }
                }
            }
}

static void ck_dwb_filter_scalar(const ck_window *w, ptrdiff_t M, const float *input, const float *dy, float *dw,
                                 ptrdiff_t r_begin, ptrdiff_t r_end) {
    const ptrdiff_t C = w->in_c, OC = C * M;
    for (ptrdiff_t r = r_begin; r < r_end; r++) {
        const ptrdiff_t n = r / w->out_h, y = r % w->out_h;
        for (ptrdiff_t x = 0; x < w->out_w; x++) {
            const float *g = dy + (r * w->out_w + x) * OC;
            for (ptrdiff_t ky = 0; ky < w->k_h; ky++) {
                const ptrdiff_t iy = y * w->stride_h + ky * w->dilation_h - w->pad_top;
                if (iy < 0 || iy >= w->in_h) continue;
                for (ptrdiff_t kx = 0; kx < w->k_w; kx++) {
                    const ptrdiff_t ix = x * w->stride_w + kx * w->dilation_w - w->pad_left;
                    if (ix < 0 || ix >= w->in_w) continue;
                    const float *i = input + ((n * w->in_h + iy) * w->in_w + ix) * C;
                    float *f = dw + (ky * w->k_w + kx) * OC;
                    for (ptrdiff_t c = 0; c < C; c++)
                        for (ptrdiff_t m = 0; m < M; m++) f[c * M + m] += i[c] * g[c * M + m];
                }
            }
        }
    }
}

/* MARK: - Dispatch */

void ck_depthwise_backprop_input_images(int isa, const ck_window *w, ptrdiff_t multiplier, const float *filter,
                                        const float *dy, float *dx, ptrdiff_t n_begin, ptrdiff_t n_end) {
    if (n_end <= n_begin) return;
    if (multiplier != 1 || isa == CK_ISA_SCALAR) {
        ck_dwb_input_scalar(w, multiplier, filter, dy, dx, n_begin, n_end);
        return;
    }
#if CK_HAVE_AVX2_BUILD
    if (isa >= CK_ISA_AVX2 && ck_isa_available(CK_ISA_AVX2)) {
        ck_dwb_input_avx2(w, filter, dy, dx, n_begin, n_end);
        return;
    }
#endif
    ck_dwb_input_vec(w, filter, dy, dx, n_begin, n_end);
}

void ck_depthwise_backprop_filter_rows(int isa, const ck_window *w, ptrdiff_t multiplier, const float *input,
                                       const float *dy, float *dw, ptrdiff_t r_begin, ptrdiff_t r_end) {
    if (r_end <= r_begin) return;
    if (multiplier != 1 || isa == CK_ISA_SCALAR) {
        ck_dwb_filter_scalar(w, multiplier, input, dy, dw, r_begin, r_end);
        return;
    }
#if CK_HAVE_AVX2_BUILD
    if (isa >= CK_ISA_AVX2 && ck_isa_available(CK_ISA_AVX2)) {
        ck_dwb_filter_avx2(w, input, dy, dw, r_begin, r_end);
        return;
    }
#endif
    ck_dwb_filter_vec(w, input, dy, dw, r_begin, r_end);
}
