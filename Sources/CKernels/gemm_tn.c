#include "ck_gemm_tn.h"

#include <string.h>

#include "ck_simd.h"
#include "ckernels_nn.h"
#if CK_HAVE_AVX2_BUILD
#include <immintrin.h>
#endif

/*
 * C += A^T B (see ck_gemm_tn.h): the filter gradient of a convolution, A the input pixels (or their
 * im2col rows) and B the output gradient, both read in place. Each tile of C sums over all k steps in
 * registers, so neither operand is transposed or packed: step p broadcasts A[p][i..i+mr] (one cache line)
 * and loads B[p][j..j+16 np].
 */

#define CK_FN(name) name##_vec
#define CK_MR 4
#include "gemm_tn_body.h"
#undef CK_FN
#undef CK_MR

#if CK_HAVE_AVX2_BUILD
CK_AVX2_BEGIN
#define CK_FN(name) name##_avx2
#define CK_MR 6
#include "gemm_tn_body.h"
#undef CK_FN
#undef CK_MR
CK_AVX2_END

/* MARK: - AVX-512: tiles of mr x (np * 16), the last panel's lanes masked */

#pragma clang attribute push(__attribute__((target("avx512f,avx2,fma"))), apply_to = function)

#define CK_TN_NP 3
#define CK_TN_MR_MAX 16
/* Rows of C per tile for np panels: 16, 24 or 24 accumulators of the 32 registers. */
#define CK_TN_MR_NP1 16
#define CK_TN_MR_NP2 12
#define CK_TN_MR_NP3 8
/* Rows of A prefetched ahead: A's rows are lda floats apart, and the tile reads a few floats of each. */
#define CK_TN_AHEAD 8

static inline __attribute__((always_inline)) void ck_gemm_tn_tile512(const int mr, const int np, ptrdiff_t k,
                                                                     const float *a, ptrdiff_t lda, const float *b,
                                                                     ptrdiff_t ldb, float *c, ptrdiff_t ldc,
                                                                     __mmask16 mask) {
    __m512 acc[CK_TN_MR_MAX][CK_TN_NP];
#pragma clang loop unroll(full)
    for (int i = 0; i < mr; i++)
#pragma clang loop unroll(full)
        for (int j = 0; j < np; j++) acc[i][j] = _mm512_setzero_ps();
    for (ptrdiff_t p = 0; p < k; p++) {
        const float *ap = a + p * lda, *bp = b + p * ldb;
        _mm_prefetch((const char *)(ap + CK_TN_AHEAD * lda), _MM_HINT_T0);
        __m512 bv[CK_TN_NP];
#pragma clang loop unroll(full)
        for (int j = 0; j < np; j++)
            bv[j] = _mm512_maskz_loadu_ps(j == np - 1 ? mask : (__mmask16)0xFFFF, bp + j * CK_GEMM_NR);
#pragma clang loop unroll(full)
        for (int i = 0; i < mr; i++) {
            const __m512 av = _mm512_set1_ps(ap[i]);
#pragma clang loop unroll(full)
            for (int j = 0; j < np; j++) acc[i][j] = _mm512_fmadd_ps(av, bv[j], acc[i][j]);
        }
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < mr; i++) {
        float *row = c + i * ldc;
#pragma clang loop unroll(full)
        for (int j = 0; j < np; j++) {
            const __mmask16 mj = j == np - 1 ? mask : (__mmask16)0xFFFF;
            _mm512_mask_storeu_ps(row + j * CK_GEMM_NR, mj,
                                  _mm512_add_ps(_mm512_maskz_loadu_ps(mj, row + j * CK_GEMM_NR), acc[i][j]));
        }
    }
}

static inline ptrdiff_t ck_gemm_tn_mr512(ptrdiff_t np) { return np == 1 ? CK_TN_MR_NP1 : np == 2 ? CK_TN_MR_NP2 : CK_TN_MR_NP3; }

/* Every row count up to a panel count's tile height gets its own unrolled kernel (no taller: they would spill). */
#define CK_TN512(R, NP)                                                                                        \
    case R:                                                                                                    \
        if ((R) <= CK_TN_MR_NP##NP)                                                                            \
            ck_gemm_tn_tile512((R) <= CK_TN_MR_NP##NP ? (R) : 1, NP, k, a, lda, b, ldb, c, ldc, mask);          \
        return;
#define CK_TN512_FN(NP)                                                                                        \
    static void ck_gemm_tn_tile512_np##NP(ptrdiff_t mr, ptrdiff_t k, const float *a, ptrdiff_t lda,            \
                                          const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc,              \
                                          __mmask16 mask) {                                                    \
        switch (mr) {                                                                                          \
            CK_TN512(1, NP) CK_TN512(2, NP) CK_TN512(3, NP) CK_TN512(4, NP) CK_TN512(5, NP) CK_TN512(6, NP)    \
            CK_TN512(7, NP) CK_TN512(8, NP) CK_TN512(9, NP) CK_TN512(10, NP) CK_TN512(11, NP)                  \
            CK_TN512(12, NP) CK_TN512(13, NP) CK_TN512(14, NP) CK_TN512(15, NP) CK_TN512(16, NP)               \
        default:                                                                                               \
            return;                                                                                            \
        }                                                                                                      \
    }
CK_TN512_FN(1)
CK_TN512_FN(2)
CK_TN512_FN(3)

static void ck_gemm_tn_acc_avx512(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                                  const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc) {
    const ptrdiff_t panels = (n + CK_GEMM_NR - 1) / CK_GEMM_NR, groups = (panels + CK_TN_NP - 1) / CK_TN_NP;
    const __mmask16 tail = (__mmask16)((1u << (n - (panels - 1) * CK_GEMM_NR)) - 1u);
    /* Row blocks of C outer (A's strip stays in cache), groups of np panels inner, sizes as even as possible. */
    const ptrdiff_t rows = ck_gemm_tn_mr512(panels / groups + (panels % groups ? 1 : 0));
    for (ptrdiff_t i = 0; i < m; i += rows) {
        for (ptrdiff_t g = 0, jp = 0; g < groups; g++) {
            const ptrdiff_t np = panels / groups + (g < panels % groups ? 1 : 0), j = jp * CK_GEMM_NR;
            const __mmask16 mask = jp + np == panels ? tail : (__mmask16)0xFFFF;
            const ptrdiff_t mr = m - i < rows ? m - i : rows;
            const float *ai = a + i;
            float *ci = c + i * ldc + j;
            switch (np) {
            case 1: ck_gemm_tn_tile512_np1(mr, k, ai, lda, b + j, ldb, ci, ldc, mask); break;
            case 2: ck_gemm_tn_tile512_np2(mr, k, ai, lda, b + j, ldb, ci, ldc, mask); break;
            default: ck_gemm_tn_tile512_np3(mr, k, ai, lda, b + j, ldb, ci, ldc, mask); break;
            }
            jp += np;
        }
    }
}

#pragma clang attribute pop
#endif

/* MARK: - Portable fallback */

static void ck_gemm_tn_acc_scalar(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                                  const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc) {
    for (ptrdiff_t i = 0; i < m; i++)
        for (ptrdiff_t j = 0; j < n; j++) {
            float acc = 0.0f;
            for (ptrdiff_t p = 0; p < k; p++) acc += a[p * lda + i] * b[p * ldb + j];
            c[i * ldc + j] += acc;
        }
}

/* MARK: - Dispatch */

size_t ck_gemm_tn_scratch_count(ptrdiff_t k) { return (size_t)(k > 0 ? k : 0) * CK_GEMM_NR; }

void ck_gemm_tn_acc(int isa, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda, const float *b,
                    ptrdiff_t ldb, float *c, ptrdiff_t ldc, float *scratch) {
    if (m <= 0 || n <= 0 || k <= 0) return;
#if CK_HAVE_AVX2_BUILD
    if (isa == CK_ISA_AVX512 && ck_isa_available(CK_ISA_AVX512)) {
        ck_gemm_tn_acc_avx512(m, n, k, a, lda, b, ldb, c, ldc);
        return;
    }
    if (isa >= CK_ISA_AVX2 && ck_isa_available(CK_ISA_AVX2)) {
        ck_gemm_tn_acc_avx2(m, n, k, a, lda, b, ldb, c, ldc, scratch);
        return;
    }
#endif
    if (isa == CK_ISA_SCALAR) {
        ck_gemm_tn_acc_scalar(m, n, k, a, lda, b, ldb, c, ldc);
        return;
    }
    ck_gemm_tn_acc_vec(m, n, k, a, lda, b, ldb, c, ldc, scratch);
}
