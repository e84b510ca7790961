/*
 * Private template: the GEMM micro-kernel and row driver for one instruction set.
 * Include with CK_FN(name) and CK_MR (rows per micro-tile) defined.
 */
#include "ck_simd.h"

/* acc = A[0..mr, 0..kc] * Bpanel (kc x 16), then the epilogue; rows past `mr` reuse row 0 and are dropped. */
static void CK_FN(ck_gemm_tile)(ptrdiff_t mr, ptrdiff_t nr, ptrdiff_t kc, const float *a, ptrdiff_t lda,
                                const float *bp, float *c, ptrdiff_t ldc, const float *add_from,
                                int first, const float *bias, int last, float lo, float hi) {
    const float *rows[CK_MR];
    for (int i = 0; i < CK_MR; i++) rows[i] = a + (i < mr ? i : 0) * lda;
    ck_v8 acc0[CK_MR], acc1[CK_MR];
#pragma clang loop unroll(full)
    for (int i = 0; i < CK_MR; i++) {
        acc0[i] = CK_SPLAT(0.0f);
        acc1[i] = CK_SPLAT(0.0f);
    }
    for (ptrdiff_t p = 0; p < kc; p++) {
        ck_v8 b0 = CK_LOAD(bp + p * CK_GEMM_NR);
        ck_v8 b1 = CK_LOAD(bp + p * CK_GEMM_NR + 8);
#pragma clang loop unroll(full)
        for (int i = 0; i < CK_MR; i++) {
            ck_v8 av = CK_SPLAT(rows[i][p]);
            acc0[i] += av * b0;
            acc1[i] += av * b1;
        }
    }
    /* Epilogue: add bias (first K block) or the partial sums already in C, clamp on the last K block. */
    float tile[CK_MR * CK_GEMM_NR];
    for (ptrdiff_t i = 0; i < mr; i++) {
        ck_v8 lo0, lo1;
        if (first) {
            if (bias && nr == CK_GEMM_NR) {
                lo0 = CK_LOAD(bias);
                lo1 = CK_LOAD(bias + 8);
            } else if (bias) {
                float tmp[CK_GEMM_NR] = {0};
                memcpy(tmp, bias, (size_t)nr * sizeof(float));
                lo0 = CK_LOAD(tmp);
                lo1 = CK_LOAD(tmp + 8);
            } else {
                lo0 = CK_SPLAT(0.0f);
                lo1 = CK_SPLAT(0.0f);
            }
        } else if (nr == CK_GEMM_NR) {
            lo0 = CK_LOAD(add_from + i * ldc);
            lo1 = CK_LOAD(add_from + i * ldc + 8);
        } else {
            float tmp[CK_GEMM_NR] = {0};
            memcpy(tmp, add_from + i * ldc, (size_t)nr * sizeof(float));
            lo0 = CK_LOAD(tmp);
            lo1 = CK_LOAD(tmp + 8);
        }
        ck_v8 r0 = acc0[i] + lo0, r1 = acc1[i] + lo1;
        if (last) {
            r0 = CK_CLAMP(r0, CK_SPLAT(lo), CK_SPLAT(hi));
            r1 = CK_CLAMP(r1, CK_SPLAT(lo), CK_SPLAT(hi));
        }
        if (nr == CK_GEMM_NR) {
            CK_STORE(c + i * ldc, r0);
            CK_STORE(c + i * ldc + 8, r1);
        } else {
            CK_STORE(tile + i * CK_GEMM_NR, r0);
            CK_STORE(tile + i * CK_GEMM_NR + 8, r1);
            memcpy(c + i * ldc, tile + i * CK_GEMM_NR, (size_t)nr * sizeof(float));
        }
    }
}

static void CK_FN(ck_gemm_rows)(ptrdiff_t m_begin, ptrdiff_t m_end, ptrdiff_t k, ptrdiff_t n,
                                const float *a, ptrdiff_t lda, const float *packed_b, const float *bias,
                                float lo, float hi, float *c, ptrdiff_t ldc) {
    const ptrdiff_t panels = (n + CK_GEMM_NR - 1) / CK_GEMM_NR;
    /* K blocks of at most 384, split evenly so no thin remainder block re-reads C. */
    const ptrdiff_t mc = CK_MR * 12, kblocks = (k + 383) / 384, kcmax = kblocks > 0 ? (k + kblocks - 1) / kblocks : 1;
    for (ptrdiff_t ic = m_begin; ic < m_end; ic += mc) {
        const ptrdiff_t ic_end = ic + mc < m_end ? ic + mc : m_end;
        if (k == 0) {
            for (ptrdiff_t i = ic; i < ic_end; i++)
                for (ptrdiff_t j = 0; j < n; j++) {
                    float v = bias ? bias[j] : 0.0f;
                    c[i * ldc + j] = CK_CLAMP1(v, lo, hi);
                }
            continue;
        }
        for (ptrdiff_t pc = 0; pc < k; pc += kcmax) {
            const ptrdiff_t kc = pc + kcmax < k ? kcmax : k - pc;
            const int first = pc == 0, last = pc + kc == k && CK_HAS_CLAMP(lo, hi); /* last: clamp */
            for (ptrdiff_t jp = 0; jp < panels; jp++) {
                const ptrdiff_t j = jp * CK_GEMM_NR;
                const ptrdiff_t nr = n - j < CK_GEMM_NR ? n - j : CK_GEMM_NR;
                const float *bp = packed_b + jp * k * CK_GEMM_NR + pc * CK_GEMM_NR;
                for (ptrdiff_t i = ic; i < ic_end; i += CK_MR) {
                    const ptrdiff_t mr = ic_end - i < CK_MR ? ic_end - i : CK_MR;
                    float *ct = c + i * ldc + j;
                    CK_FN(ck_gemm_tile)(mr, nr, kc, a + i * lda + pc, lda, bp, ct, ldc, ct, first,
                                        bias ? bias + j : NULL, last, lo, hi);
                }
            }
        }
    }
}
