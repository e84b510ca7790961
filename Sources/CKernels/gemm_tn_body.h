/*
 * Private template: C += A^T B (ck_gemm_tn.h) on 8-lane vectors, for one instruction set. Include with
 * CK_FN(name) and CK_MR (rows of C per tile) defined. A tile is mr x 16 of C: per step p, two vectors of B's
 * row p and mr broadcasts of A's row p (A[p][i..i+mr], contiguous). The last 16 columns of B, when fewer,
 * are copied zero-padded into scratch first, so every load is a whole vector.
 */
#include "ck_simd.h"

static inline __attribute__((always_inline)) void CK_FN(ck_gemm_tn_tile)(
    const int mr, ptrdiff_t nr, ptrdiff_t k, const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb, float *c,
    ptrdiff_t ldc) {
    ck_v8 acc0[CK_MR], acc1[CK_MR];
#pragma clang loop unroll(full)
    for (int i = 0; i < mr; i++) {
        acc0[i] = CK_SPLAT(0.0f);
        acc1[i] = CK_SPLAT(0.0f);
    }
    for (ptrdiff_t p = 0; p < k; p++) {
        const float *ap = a + p * lda, *bp = b + p * ldb;
        const ck_v8 b0 = CK_LOAD(bp), b1 = CK_LOAD(bp + 8);
#pragma clang loop unroll(full)
        for (int i = 0; i < mr; i++) {
            const ck_v8 av = CK_SPLAT(ap[i]);
            acc0[i] += av * b0;
            acc1[i] += av * b1;
        }
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < mr; i++) {
        float *row = c + i * ldc;
        if (nr == CK_GEMM_NR) {
            CK_STORE(row, CK_LOAD(row) + acc0[i]);
            CK_STORE(row + 8, CK_LOAD(row + 8) + acc1[i]);
        } else {
            float sums[CK_GEMM_NR];
            CK_STORE(sums, acc0[i]);
            CK_STORE(sums + 8, acc1[i]);
            for (ptrdiff_t j = 0; j < nr; j++) row[j] += sums[j];
        }
    }
}

static void CK_FN(ck_gemm_tn_rows)(ptrdiff_t mr, ptrdiff_t nr, ptrdiff_t k, const float *a, ptrdiff_t lda,
                                   const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc) {
    switch (mr) {
#define CK_TN_CASE(R)                                                                                          \
    case R:                                                                                                    \
        if ((R) <= CK_MR) CK_FN(ck_gemm_tn_tile)((R) <= CK_MR ? (R) : 1, nr, k, a, lda, b, ldb, c, ldc);        \
        return;
        CK_TN_CASE(1) CK_TN_CASE(2) CK_TN_CASE(3) CK_TN_CASE(4) CK_TN_CASE(5) CK_TN_CASE(6)
#undef CK_TN_CASE
    default:
        return;
    }
}

static void CK_FN(ck_gemm_tn_acc)(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                                  const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc, float *scratch) {
    const ptrdiff_t panels = (n + CK_GEMM_NR - 1) / CK_GEMM_NR, tail = n - (panels - 1) * CK_GEMM_NR;
    if (tail < CK_GEMM_NR) {
        const float *src = b + (panels - 1) * CK_GEMM_NR;
        for (ptrdiff_t p = 0; p < k; p++) {
            memcpy(scratch + p * CK_GEMM_NR, src + p * ldb, (size_t)tail * sizeof(float));
            memset(scratch + p * CK_GEMM_NR + tail, 0, (size_t)(CK_GEMM_NR - tail) * sizeof(float));
        }
    }
    for (ptrdiff_t i = 0; i < m; i += CK_MR) {
        const ptrdiff_t mr = m - i < CK_MR ? m - i : CK_MR;
        for (ptrdiff_t jp = 0; jp < panels; jp++) {
            const ptrdiff_t j = jp * CK_GEMM_NR;
            if (jp == panels - 1 && tail < CK_GEMM_NR) {
                CK_FN(ck_gemm_tn_rows)(mr, tail, k, a + i, lda, scratch, CK_GEMM_NR, c + i * ldc + j, ldc);
            } else {
                CK_FN(ck_gemm_tn_rows)(mr, CK_GEMM_NR, k, a + i, lda, b + j, ldb, c + i * ldc + j, ldc);
            }
        }
    }
}
