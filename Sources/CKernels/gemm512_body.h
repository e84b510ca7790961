/*
 * Private template: the AVX-512 GEMM micro-kernel (one 16-lane vector per row of a 16-column panel, CK_MR
 * rows per tile) and its row driver. Included once by gemm.c inside the avx512f target pragma.
 */
#include "ck_simd.h"

typedef float ck_v16 __attribute__((vector_size(64)));

#define CK_SPLAT16(x) ((ck_v16){(x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x)})
#define CK_LOAD16(p) ({ ck_v16 ck_l16_; memcpy(&ck_l16_, (p), sizeof ck_l16_); ck_l16_; })
#define CK_STORE16(p, v) do { ck_v16 ck_s16_ = (v); memcpy((p), &ck_s16_, sizeof ck_s16_); } while (0)

/* A 16-float row, zero-padded past `nr` columns. */
#define CK_LOAD16_PARTIAL(p, nr) ({ float ck_t16_[16] = {0}; memcpy(ck_t16_, (p), (size_t)(nr) * sizeof(float)); CK_LOAD16(ck_t16_); })

static void ck_gemm_tile_avx512(ptrdiff_t mr, ptrdiff_t nr, ptrdiff_t kc, const float *a, ptrdiff_t lda,
                                const float *bp, float *c, ptrdiff_t ldc, int first, const float *bias, int last,
                                float lo, float hi) {
    const float *rows[CK_MR];
    for (int i = 0; i < CK_MR; i++) rows[i] = a + (i < mr ? i : 0) * lda;
    ck_v16 acc[CK_MR];
#pragma clang loop unroll(full)
    for (int i = 0; i < CK_MR; i++) acc[i] = CK_SPLAT16(0.0f);
    for (ptrdiff_t p = 0; p < kc; p++) {
        const ck_v16 b = CK_LOAD16(bp + p * CK_GEMM_NR);
#pragma clang loop unroll(full)
        for (int i = 0; i < CK_MR; i++) acc[i] += CK_SPLAT16(rows[i][p]) * b;
    }
    const int full = nr == CK_GEMM_NR;
    ck_v16 start = CK_SPLAT16(0.0f);
    if (first && bias) start = full ? CK_LOAD16(bias) : CK_LOAD16_PARTIAL(bias, nr);
    for (ptrdiff_t i = 0; i < mr; i++) {
        float *row = c + i * ldc;
        ck_v16 r = acc[i] + (first ? start : (full ? CK_LOAD16(row) : CK_LOAD16_PARTIAL(row, nr)));
        if (last) r = __builtin_elementwise_min(__builtin_elementwise_max(r, CK_SPLAT16(lo)), CK_SPLAT16(hi));
        if (full) {
            CK_STORE16(row, r);
        } else {
            float tile[16];
            CK_STORE16(tile, r);
            memcpy(row, tile, (size_t)nr * sizeof(float));
        }
    }
}

static void ck_gemm_rows_avx512(ptrdiff_t m_begin, ptrdiff_t m_end, ptrdiff_t k, ptrdiff_t n, const float *a,
                                ptrdiff_t lda, const float *packed_b, const float *bias, float lo, float hi,
                                float *c, ptrdiff_t ldc) {
    const ptrdiff_t panels = (n + CK_GEMM_NR - 1) / CK_GEMM_NR;
    const ptrdiff_t mc = CK_MR * 8, kblocks = (k + 383) / 384, kcmax = kblocks > 0 ? (k + kblocks - 1) / kblocks : 1;
    for (ptrdiff_t ic = m_begin; ic < m_end; ic += mc) {
        const ptrdiff_t ic_end = ic + mc < m_end ? ic + mc : m_end;
        if (k == 0) {
            for (ptrdiff_t i = ic; i < ic_end; i++)
                for (ptrdiff_t j = 0; j < n; j++) {
                    float v = bias ? bias[j] : 0.0f;
                    c[i * ldc + j] = v < lo ? lo : (v > hi ? hi : v);
                }
            continue;
        }
        for (ptrdiff_t pc = 0; pc < k; pc += kcmax) {
            const ptrdiff_t kc = pc + kcmax < k ? kcmax : k - pc;
            const int first = pc == 0, last = pc + kc == k;
            for (ptrdiff_t jp = 0; jp < panels; jp++) {
                const ptrdiff_t j = jp * CK_GEMM_NR;
                const ptrdiff_t nr = n - j < CK_GEMM_NR ? n - j : CK_GEMM_NR;
                const float *bp = packed_b + jp * k * CK_GEMM_NR + pc * CK_GEMM_NR;
                for (ptrdiff_t i = ic; i < ic_end; i += CK_MR) {
                    const ptrdiff_t mr = ic_end - i < CK_MR ? ic_end - i : CK_MR;
                    ck_gemm_tile_avx512(mr, nr, kc, a + i * lda + pc, lda, bp, c + i * ldc + j, ldc, first,
                                        bias ? bias + j : NULL, last, lo, hi);
                }
            }
        }
    }
}
