#include "ckernels_nn.h"
#include "ck_taps.h"

#define CK_FN(name) name##_vec
#include "pool_body.h"

/*
 * Baseline vectors (SSE2 / NEON): 8 lanes, the last vector of channels steps back to end at C. Max is the
 * portable kernel's `in > acc ? in : acc` as a select (not maxNum, which may pick either zero).
 */
typedef int ck_pr_v8i __attribute__((vector_size(32)));
#if defined(__aarch64__)
#define CK_PR_XMAX 8
#else
#define CK_PR_XMAX 4 /* 16 xmm registers */
#endif
#define CK_PR_MIN_C 8
#define CK_PR_V ck_v8
#define CK_PR_M int
#define CK_PR_LOAD(p, m) ((void)(m), CK_LOAD(p))
#define CK_PR_STORE(p, v, m) do { (void)(m); CK_STORE((p), (v)); } while (0)
#define CK_PR_ADD(a, b) ((a) + (b))
#define CK_PR_DIV(a, b) ((a) / (b))
#define CK_PR_MAX(in, acc)                                                                 \
    ({                                                                                     \
        const ck_v8 in_ = (in), acc_ = (acc);                                              \
        const ck_pr_v8i gt_ = in_ > acc_;                                                  \
        (ck_v8)((gt_ & (ck_pr_v8i)in_) | (~gt_ & (ck_pr_v8i)acc_));                        \
    })
#define CK_PR_SPLAT(x) CK_SPLAT(x)
#define CK_PR_MASK(c, C) 0
#define CK_PR_NEXT(c, C) ((c) + 8 >= (C) ? (C) : ((c) + 16 > (C) ? (C) - 8 : (c) + 8))
#include "pool_rows_body.h"
#undef CK_FN

#if CK_HAVE_AVX2_BUILD
#include <immintrin.h>

CK_AVX2_BEGIN
#define CK_FN(name) name##_avx2
#include "pool_body.h"

/* 8 lanes; the last vector of channels steps back to end at C (needs C >= 8), so no masks. */
#define CK_PR_XMAX 8
#define CK_PR_MIN_C 8
#define CK_PR_V __m256
#define CK_PR_M int
#define CK_PR_LOAD(p, m) ((void)(m), _mm256_loadu_ps(p))
#define CK_PR_STORE(p, v, m) ((void)(m), _mm256_storeu_ps((p), (v)))
#define CK_PR_ADD(a, b) _mm256_add_ps((a), (b))
#define CK_PR_DIV(a, b) _mm256_div_ps((a), (b))
#define CK_PR_MAX(in, acc) _mm256_max_ps((in), (acc))
#define CK_PR_SPLAT(x) _mm256_set1_ps(x)
#define CK_PR_MASK(c, C) 0
#define CK_PR_NEXT(c, C) ((c) + 8 >= (C) ? (C) : ((c) + 16 > (C) ? (C) - 8 : (c) + 8))
#include "pool_rows_body.h"
#undef CK_FN
CK_AVX2_END

#pragma clang attribute push(__attribute__((target("avx512f,avx2,fma"))), apply_to = function)
#define CK_FN(name) name##_avx512
/* 16 lanes; the last vector of channels is masked. 32 registers: blocks of up to 16 pixels. */
#define CK_PR_XMAX 16
#define CK_PR_MIN_C 1
#define CK_PR_V __m512
#define CK_PR_M __mmask16
#define CK_PR_LOAD(p, m) _mm512_maskz_loadu_ps((m), (p))
#define CK_PR_STORE(p, v, m) _mm512_mask_storeu_ps((p), (m), (v))
#define CK_PR_ADD(a, b) _mm512_add_ps((a), (b))
#define CK_PR_DIV(a, b) _mm512_div_ps((a), (b))
#define CK_PR_MAX(in, acc) _mm512_max_ps((in), (acc))
#define CK_PR_SPLAT(x) _mm512_set1_ps(x)
#define CK_PR_MASK(c, C) ((C) - (c) >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << ((C) - (c))) - 1u))
#define CK_PR_NEXT(c, C) ((c) + 16)
#include "pool_rows_body.h"
#undef CK_FN
#pragma clang attribute pop
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
    if (isa >= CK_ISA_AVX512 && ck_isa_available(CK_ISA_AVX512) &&
        ck_pr_rows_avx512(is_max, w, input, output, r_begin, r_end))
        return;
    if (isa >= CK_ISA_AVX2 && ck_isa_available(CK_ISA_AVX2) &&
        ck_pr_rows_avx2(is_max, w, input, output, r_begin, r_end))
        return;
    if (isa >= CK_ISA_AVX2 && ck_isa_available(CK_ISA_AVX2)) {
        ck_pool_rows_avx2(is_max, w, input, output, r_begin, r_end);
        return;
    }
#endif
    if (ck_pr_rows_vec(is_max, w, input, output, r_begin, r_end)) return;
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
