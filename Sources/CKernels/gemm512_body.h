/*
 * Private template: the AVX-512 GEMM micro-kernels and row driver. Included once by gemm.c inside the
 * avx512f target pragma.
 *
 * A tile is mr x (np * 16) of C: mr * np accumulators, np panel loads and mr broadcasts per step of K.
 * Groups of up to CK_NP panels; rows per tile by panel count, so a tile keeps 21-24 of the 32 registers as
 * accumulators (7 rows of 3 panels also split the 49 pixels of a 7x7 map exactly).
 * The last panel of B is zero-padded by ck_gemm_pack_b, so only C needs a lane mask (partial panels).
 */
#define CK_NP 3
#define CK_MR_NP1 12
#define CK_MR_NP2 12
#define CK_MR_NP3 7
#define CK_MR_MAX 12

#define CK_ALWAYS_INLINE inline __attribute__((always_inline))

/* NaN-preserving clamp, as the scalar path: maxps/minps return their second operand when either is NaN. */
/* As CK_CLAMP: maxps(v, lo) gives lo for a NaN v (oneDNN's fused activation). */
#define CK_CLAMP512(v, lo, hi) _mm512_min_ps(_mm512_max_ps((v), (lo)), (hi))

/*
 * C[0..mr, cols] = A[0..mr, 0..kc] * B[0..kc, cols] + (first ? bias : C), clamped on the last K block.
 * `bp` is the first panel at row 0 of the K block; panels are `pstride` floats apart. `mask` selects the
 * valid lanes of the last panel. `pf` is a panel the driver will need soon (prefetched, kc lines). `mr` and
 * `np` are compile-time constants at every call site.
 */
static CK_ALWAYS_INLINE void ck_gemm_tile512(const int mr, const int np, ptrdiff_t kc, const float *a, ptrdiff_t lda,
                                             const float *bp, ptrdiff_t pstride, float *c, ptrdiff_t ldc,
                                             __mmask16 mask, int first, const float *bias, int last, float lo,
                                             float hi, const float *pf) {
    __m512 acc[CK_MR_MAX][CK_NP];
#pragma clang loop unroll(full)
    for (int i = 0; i < mr; i++)
#pragma clang loop unroll(full)
        for (int j = 0; j < np; j++) acc[i][j] = _mm512_setzero_ps();
    for (ptrdiff_t p = 0; p < kc; p++) {
        __m512 b[CK_NP];
#pragma clang loop unroll(full)
        for (int j = 0; j < np; j++) b[j] = _mm512_loadu_ps(bp + j * pstride + p * CK_GEMM_NR);
        /*
         * Cold operands. A: the row tile after next when its rows are contiguous (lda == kc: mr * kc floats,
         * mr per step), else each row two lines ahead. B: one line per step of the panel `pf`.
         */
        if (lda == kc) {
            _mm_prefetch((const char *)(a + 2 * mr * lda + p * mr), _MM_HINT_T0);
        } else if ((p & 15) == 0) {
#pragma clang loop unroll(full)
            for (int i = 0; i < mr; i++) _mm_prefetch((const char *)(a + i * lda + p + 32), _MM_HINT_T0);
        }
        _mm_prefetch((const char *)(pf + p * CK_GEMM_NR), _MM_HINT_T0);
        /* The next row tile's rows of C, one per step, so its stores find their lines in cache. */
        if (p < mr) {
            const float *cn = c + (mr + p) * ldc;
#pragma clang loop unroll(full)
            for (int j = 0; j < np; j++) _mm_prefetch((const char *)(cn + j * CK_GEMM_NR), _MM_HINT_T0);
            _mm_prefetch((const char *)(cn + np * CK_GEMM_NR - 1), _MM_HINT_T0);
        }
#pragma clang loop unroll(full)
        for (int i = 0; i < mr; i++) {
            const __m512 av = _mm512_set1_ps(a[i * lda + p]);
#pragma clang loop unroll(full)
            for (int j = 0; j < np; j++) acc[i][j] = _mm512_fmadd_ps(av, b[j], acc[i][j]);
        }
    }
    /* Epilogue: add the bias (first K block) or the partial sums already in C; clamp on the last block. */
    const __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
    __m512 start[CK_NP];
#pragma clang loop unroll(full)
    for (int j = 0; j < np; j++) {
        const __mmask16 mj = j == np - 1 ? mask : (__mmask16)0xFFFF;
        start[j] = first && bias ? _mm512_maskz_loadu_ps(mj, bias + j * CK_GEMM_NR) : _mm512_setzero_ps();
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < mr; i++) {
        float *row = c + i * ldc;
#pragma clang loop unroll(full)
        for (int j = 0; j < np; j++) {
            const __mmask16 mj = j == np - 1 ? mask : (__mmask16)0xFFFF;
            __m512 r = acc[i][j] + (first ? start[j] : _mm512_maskz_loadu_ps(mj, row + j * CK_GEMM_NR));
            if (last) r = CK_CLAMP512(r, vlo, vhi);
            _mm512_mask_storeu_ps(row + j * CK_GEMM_NR, mj, r);
        }
    }
}

/* MARK: - Row-count dispatch (every row count up to a panel count's tile height gets its own unrolled kernel) */

#define CK_T512(R, NP)                                                                                         \
    case R:                                                                                                    \
        if ((R) <= CK_MR_NP##NP)                                                                               \
            ck_gemm_tile512(R, NP, kc, a, lda, bp, pstride, c, ldc, mask, first, bias, last, lo, hi, pf);      \
        return;
#define CK_T512_ROWS(NP)                                                                                       \
    CK_T512(1, NP) CK_T512(2, NP) CK_T512(3, NP) CK_T512(4, NP) CK_T512(5, NP) CK_T512(6, NP) CK_T512(7, NP)   \
    CK_T512(8, NP) CK_T512(9, NP) CK_T512(10, NP) CK_T512(11, NP) CK_T512(12, NP) CK_T512(13, NP)              \
    CK_T512(14, NP) CK_T512(15, NP) CK_T512(16, NP)

#define CK_T512_FN(NP)                                                                                         \
    static void ck_gemm_tile512_np##NP(ptrdiff_t mr, ptrdiff_t kc, const float *a, ptrdiff_t lda,              \
                                       const float *bp, ptrdiff_t pstride, float *c, ptrdiff_t ldc,            \
                                       __mmask16 mask, int first, const float *bias, int last, float lo,       \
                                       float hi, const float *pf) {                                            \
        switch (mr) { CK_T512_ROWS(NP) default: return; }                                                      \
    }

CK_T512_FN(1)
CK_T512_FN(2)
CK_T512_FN(3)

/* Rows per tile for a group of np panels. */
static inline ptrdiff_t ck_gemm_mr512(ptrdiff_t np) {
    return np == 1 ? CK_MR_NP1 : np == 2 ? CK_MR_NP2 : CK_MR_NP3;
}

static void ck_gemm_tile512_any(ptrdiff_t mr, ptrdiff_t np, ptrdiff_t kc, const float *a, ptrdiff_t lda,
                                const float *bp, ptrdiff_t pstride, float *c, ptrdiff_t ldc, __mmask16 mask,
                                int first, const float *bias, int last, float lo, float hi, const float *pf) {
    switch (np) {
    case 1: ck_gemm_tile512_np1(mr, kc, a, lda, bp, pstride, c, ldc, mask, first, bias, last, lo, hi, pf); return;
    case 2: ck_gemm_tile512_np2(mr, kc, a, lda, bp, pstride, c, ldc, mask, first, bias, last, lo, hi, pf); return;
    case 3: ck_gemm_tile512_np3(mr, kc, a, lda, bp, pstride, c, ldc, mask, first, bias, last, lo, hi, pf); return;
    default: return;
    }
}

/* MARK: - Row driver */

/* Rows per block (a multiple of both tile heights, 12 and 7) and the largest K block (NASNet-A's K <= 1056). */
#define CK_MC512 168
#define CK_KC512 1152

static void ck_gemm_rows_avx512(ptrdiff_t m_begin, ptrdiff_t m_end, ptrdiff_t k, ptrdiff_t n, const float *a,
                                ptrdiff_t lda, const float *packed_b, const float *bias, float lo, float hi,
                                float *c, ptrdiff_t ldc) {
    const ptrdiff_t panels = (n + CK_GEMM_NR - 1) / CK_GEMM_NR, pstride = k * CK_GEMM_NR;
    const ptrdiff_t groups = (panels + CK_NP - 1) / CK_NP;
    /* K blocks of at most CK_KC512, split evenly so no thin remainder block re-reads C. */
    const ptrdiff_t kblocks = (k + CK_KC512 - 1) / CK_KC512, kcmax = kblocks > 0 ? (k + kblocks - 1) / kblocks : 1;
    const __mmask16 tail = (__mmask16)((1u << (n - (panels - 1) * CK_GEMM_NR)) - 1u);
    for (ptrdiff_t ic = m_begin; ic < m_end; ic += CK_MC512) {
        const ptrdiff_t ic_end = ic + CK_MC512 < m_end ? ic + CK_MC512 : m_end;
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
            /* Panel groups of np panels, sizes as even as possible. */
            for (ptrdiff_t g = 0, jp = 0; g < groups; g++) {
                const ptrdiff_t np = panels / groups + (g < panels % groups ? 1 : 0);
                const ptrdiff_t j = jp * CK_GEMM_NR;
                const __mmask16 mask = jp + np == panels ? tail : (__mmask16)0xFFFF;
                const float *bp = packed_b + jp * pstride + pc * CK_GEMM_NR;
                /*
                 * Prefetch targets, one panel per row tile: the next group's panels (or the next K block's first
                 * group); after the last group of the last row block, the memory after B. Filters are packed one
                 * after another at plan time, so that is usually the next convolution's filter (a prefetch of
                 * anything else is harmless).
                 */
                const ptrdiff_t next_jp = jp + np < panels ? jp + np : 0;
                const ptrdiff_t next_pc = jp + np < panels ? pc : pc + kc;
                const ptrdiff_t next_np = jp + np < panels ? panels / groups + (g + 1 < panels % groups ? 1 : 0)
                                                           : (next_pc < k ? panels / groups + (panels % groups ? 1 : 0) : 0);
                const ptrdiff_t tile_rows = ck_gemm_mr512(np);
                ptrdiff_t t = 0;
                for (ptrdiff_t i = ic; i < ic_end; i += tile_rows, t++) {
                    const ptrdiff_t mr = ic_end - i < tile_rows ? ic_end - i : tile_rows;
                    const float *pf = bp;
                    if (t < next_np) {
                        pf = packed_b + (next_jp + t) * pstride + next_pc * CK_GEMM_NR;
                    } else if (next_np == 0 && ic_end == m_end) {
                        pf = packed_b + panels * pstride + t * kc * CK_GEMM_NR;
                    }
                    ck_gemm_tile512_any(mr, np, kc, a + i * lda + pc, lda, bp, pstride, c + i * ldc + j, ldc, mask,
                                        first, bias ? bias + j : NULL, last, lo, hi, pf);
                }
                jp += np;
            }
        }
    }
}
