#include "ckernels_nn.h"
#include "ck_taps.h"

#define CK_FN(name) name##_vec
#include "depthwise_body.h"
#undef CK_FN

#if CK_HAVE_AVX2_BUILD
#include <immintrin.h>

CK_AVX2_BEGIN
#define CK_FN(name) name##_avx2
#include "depthwise_body.h"

/* 8 lanes; the last vector of channels steps back to end at C (needs C >= 8), so no masks. */
#define CK_DWR_X 7
#define CK_DWR_XMAX 7
#define CK_DWR_WIDE(OW) 0
#define CK_DWR_MIN_C 8
#define CK_DWR_V __m256
#define CK_DWR_M int
#define CK_DWR_LOAD(p, m) ((void)(m), _mm256_loadu_ps(p))
#define CK_DWR_STORE(p, v, m) ((void)(m), _mm256_storeu_ps((p), (v)))
#define CK_DWR_FMA(a, b, acc) _mm256_fmadd_ps((a), (b), (acc))
#define CK_DWR_SPLAT(x) _mm256_set1_ps(x)
#define CK_DWR_MIN(a, b) _mm256_min_ps((a), (b))
#define CK_DWR_MAX(a, b) _mm256_max_ps((a), (b))
#define CK_DWR_MASK(c, C) 0
#define CK_DWR_NEXT(c, C) ((c) + 8 >= (C) ? (C) : ((c) + 16 > (C) ? (C) - 8 : (c) + 8))
#include "depthwise_rows_body.h"
#undef CK_FN
CK_AVX2_END

#pragma clang attribute push(__attribute__((target("avx512f,avx2,fma"))), apply_to = function)
#define CK_FN(name) name##_avx512
/*
 * 16 lanes; the last vector of channels is masked, and so are columns outside the image (a masked-off load
 * reads nothing). 32 registers: rows of 14 or more output pixels run in blocks of 14.
 */
#define CK_DWR_X 7
#define CK_DWR_XMAX 14
#define CK_DWR_WIDE(OW) ((OW) >= 14)
#define CK_DWR_LOAD_IF(p, m, inside) _mm512_maskz_loadu_ps((inside) ? (m) : (__mmask16)0, (p))
#define CK_DWR_MIN_C 1
#define CK_DWR_V __m512
#define CK_DWR_M __mmask16
#define CK_DWR_LOAD(p, m) _mm512_maskz_loadu_ps((m), (p))
#define CK_DWR_STORE(p, v, m) _mm512_mask_storeu_ps((p), (m), (v))
#define CK_DWR_FMA(a, b, acc) _mm512_fmadd_ps((a), (b), (acc))
#define CK_DWR_SPLAT(x) _mm512_set1_ps(x)
#define CK_DWR_MIN(a, b) _mm512_min_ps((a), (b))
#define CK_DWR_MAX(a, b) _mm512_max_ps((a), (b))
#define CK_DWR_MASK(c, C) ((C) - (c) >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << ((C) - (c))) - 1u))
#define CK_DWR_NEXT(c, C) ((c) + 16)
#include "depthwise_rows_body.h"
#undef CK_FN
#pragma clang attribute pop
#endif

/* MARK: - Portable fallback (any multiplier) */

static void ck_depthwise_rows_scalar(const ck_window *w, ptrdiff_t multiplier, const float *input,
                                     const float *filter, const float *bias, float lo, float hi,
                                     float *output, ptrdiff_t r_begin, ptrdiff_t r_end) {
    const ptrdiff_t C = w->in_c, OC = w->in_c * multiplier;
    for (ptrdiff_t r = r_begin; r < r_end; r++) {
        const ptrdiff_t n = r / w->out_h, y = r % w->out_h;
        for (ptrdiff_t x = 0; x < w->out_w; x++) {
            float *o = output + (r * w->out_w + x) * OC;
            for (ptrdiff_t oc = 0; oc < OC; oc++) {
                const ptrdiff_t c = oc / multiplier;
                float acc = bias ? bias[oc] : 0.0f;
                for (ptrdiff_t ky = 0; ky < w->k_h; ky++) {
                    const ptrdiff_t iy = y * w->stride_h + ky * w->dilation_h - w->pad_top;
                    if (iy < 0 || iy >= w->in_h) continue;
                    for (ptrdiff_t kx = 0; kx < w->k_w; kx++) {
                        const ptrdiff_t ix = x * w->stride_w + kx * w->dilation_w - w->pad_left;
                        if (ix < 0 || ix >= w->in_w) continue;
                        acc += input[((n * w->in_h + iy) * w->in_w + ix) * C + c] *
                               filter[(ky * w->k_w + kx) * OC + oc];
                    }
                }
                o[oc] = CK_CLAMP1(acc, lo, hi);
            }
        }
    }
}

/* MARK: - Dispatch */

void ck_depthwise_rows(int isa, const ck_window *w, ptrdiff_t multiplier, const float *input,
                       const float *filter, const float *bias, float lo, float hi, float *output,
                       ptrdiff_t r_begin, ptrdiff_t r_end) {
    if (r_end <= r_begin) return;
    if (multiplier != 1 || isa == CK_ISA_SCALAR || w->k_h * w->k_w > CK_MAX_TAPS) {
        ck_depthwise_rows_scalar(w, multiplier, input, filter, bias, lo, hi, output, r_begin, r_end);
        return;
    }
#if CK_HAVE_AVX2_BUILD
    if (isa >= CK_ISA_AVX512 && ck_isa_available(CK_ISA_AVX512) &&
        ck_dwr_rows_avx512(w, 0, input, filter, bias, lo, hi, output, r_begin, r_end))
        return;
    if (isa >= CK_ISA_AVX2 && ck_isa_available(CK_ISA_AVX2) &&
        ck_dwr_rows_avx2(w, 0, input, filter, bias, lo, hi, output, r_begin, r_end))
        return;
    if (isa >= CK_ISA_AVX2 && ck_isa_available(CK_ISA_AVX2)) {
        ck_depthwise_rows_avx2(w, input, filter, bias, lo, hi, output, r_begin, r_end);
        return;
    }
#endif
    ck_depthwise_rows_vec(w, input, filter, bias, lo, hi, output, r_begin, r_end);
}

/* MARK: - ReLU applied to the input as it is read */

int ck_depthwise_relu_input_supported(int isa, const ck_window *w, ptrdiff_t multiplier) {
    if (multiplier != 1 || w->k_h * w->k_w > CK_MAX_TAPS) return 0;
#if CK_HAVE_AVX2_BUILD
    if (isa >= CK_ISA_AVX512 && ck_isa_available(CK_ISA_AVX512) && ck_dwr_covers_avx512(w)) return 1;
    if (isa >= CK_ISA_AVX2 && ck_isa_available(CK_ISA_AVX2) && ck_dwr_covers_avx2(w)) return 1;
#endif
    (void)isa;
    return 0;
}

void ck_depthwise_relu_input_rows(int isa, const ck_window *w, const float *input, const float *filter,
                                  const float *bias, float lo, float hi, float *output, ptrdiff_t r_begin,
                                  ptrdiff_t r_end) {
    if (r_end <= r_begin) return;
#if CK_HAVE_AVX2_BUILD
    if (isa >= CK_ISA_AVX512 && ck_isa_available(CK_ISA_AVX512) &&
        ck_dwr_rows_avx512(w, 1, input, filter, bias, lo, hi, output, r_begin, r_end))
        return;
    if (isa >= CK_ISA_AVX2 && ck_isa_available(CK_ISA_AVX2) &&
        ck_dwr_rows_avx2(w, 1, input, filter, bias, lo, hi, output, r_begin, r_end))
        return;
#endif
    (void)isa, (void)w, (void)input, (void)filter, (void)bias, (void)lo, (void)hi, (void)output;
}
