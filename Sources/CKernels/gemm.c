#include "ckernels_nn.h"

#include <string.h>

#include "ck_simd.h"
#if CK_HAVE_AVX2_BUILD
#include <immintrin.h>
#endif

/* MARK: - SIMD instantiations */

#define CK_FN(name) name##_vec
#define CK_MR 4
#include "gemm_body.h"
#undef CK_FN
#undef CK_MR

#if CK_HAVE_AVX2_BUILD
CK_AVX2_BEGIN
#define CK_FN(name) name##_avx2
#define CK_MR 6
#include "gemm_body.h"
#undef CK_FN
#undef CK_MR
CK_AVX2_END

#pragma clang attribute push(__attribute__((target("avx512f,avx2,fma"))), apply_to = function)
#include "gemm512_body.h"
#pragma clang attribute pop
#endif

/* MARK: - Packing */

size_t ck_gemm_packed_b_count(ptrdiff_t k, ptrdiff_t n) {
    size_t panels = (size_t)((n + CK_GEMM_NR - 1) / CK_GEMM_NR);
    return panels * (size_t)k * CK_GEMM_NR;
}

void ck_gemm_pack_b(ptrdiff_t k, ptrdiff_t n, const float *b, ptrdiff_t ldb, float *packed) {
    const ptrdiff_t panels = (n + CK_GEMM_NR - 1) / CK_GEMM_NR;
    for (ptrdiff_t jp = 0; jp < panels; jp++) {
        const ptrdiff_t j = jp * CK_GEMM_NR;
        const ptrdiff_t nr = n - j < CK_GEMM_NR ? n - j : CK_GEMM_NR;
        float *dst = packed + jp * k * CK_GEMM_NR;
        for (ptrdiff_t p = 0; p < k; p++) {
            memcpy(dst + p * CK_GEMM_NR, b + p * ldb + j, (size_t)nr * sizeof(float));
            for (ptrdiff_t q = nr; q < CK_GEMM_NR; q++) dst[p * CK_GEMM_NR + q] = 0.0f;
        }
    }
}

/* MARK: - Portable fallback */

static void ck_gemm_rows_scalar(ptrdiff_t m_begin, ptrdiff_t m_end, ptrdiff_t k, ptrdiff_t n,
                                const float *a, ptrdiff_t lda, const float *packed_b, const float *bias,
                                float lo, float hi, float *c, ptrdiff_t ldc) {
    for (ptrdiff_t i = m_begin; i < m_end; i++) {
        for (ptrdiff_t j = 0; j < n; j++) {
            const float *bp = packed_b + (j / CK_GEMM_NR) * k * CK_GEMM_NR + (j % CK_GEMM_NR);
            float acc = 0.0f;
            for (ptrdiff_t p = 0; p < k; p++) acc += a[i * lda + p] * bp[p * CK_GEMM_NR];
            if (bias) acc += bias[j];
            c[i * ldc + j] = CK_CLAMP1(acc, lo, hi);
        }
    }
}

/* MARK: - Dispatch */

void ck_gemm_rows(int isa, ptrdiff_t m_begin, ptrdiff_t m_end, ptrdiff_t k, ptrdiff_t n,
                  const float *a, ptrdiff_t lda, const float *packed_b, const float *bias,
                  float lo, float hi, float *c, ptrdiff_t ldc) {
    if (m_end <= m_begin || n <= 0) return;
#if CK_HAVE_AVX2_BUILD
    if (isa == CK_ISA_AVX512 && ck_isa_available(CK_ISA_AVX512)) {
        ck_gemm_rows_avx512(m_begin, m_end, k, n, a, lda, packed_b, bias, lo, hi, c, ldc);
        return;
    }
    if (isa >= CK_ISA_AVX2 && ck_isa_available(CK_ISA_AVX2)) {
        ck_gemm_rows_avx2(m_begin, m_end, k, n, a, lda, packed_b, bias, lo, hi, c, ldc);
        return;
    }
#endif
    if (isa == CK_ISA_SCALAR) {
        ck_gemm_rows_scalar(m_begin, m_end, k, n, a, lda, packed_b, bias, lo, hi, c, ldc);
        return;
    }
    ck_gemm_rows_vec(m_begin, m_end, k, n, a, lda, packed_b, bias, lo, hi, c, ldc);
}
