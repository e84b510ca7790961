/*
 * Private template: register-blocked average and max pooling for window widths 1, 2, 3 and column strides
 * 1, 2 (any window height and row stride). Included by pool.c once per instruction set, with:
 *   CK_FN(name)            function-name suffix
 *   CK_PR_V, CK_PR_M       vector and lane-mask types
 *   CK_PR_LOAD(p, m), CK_PR_STORE(p, v, m), CK_PR_ADD(a, b), CK_PR_DIV(a, b), CK_PR_SPLAT(x)
 *   CK_PR_MAX(in, acc)     `in > acc ? in : acc` per lane (x86 maxps: the second operand when either is NaN)
 *   CK_PR_MASK(c, C)       the mask of the vector of channels from c on, of C channels
 *   CK_PR_NEXT(c, C)       the next vector's first channel (>= C: done); may step back to end at C
 *   CK_PR_XMAX             most pixels per block (8 or 16)
 *   CK_PR_MIN_C            fewest channels the vectors handle
 *
 * One block computes X adjacent output pixels of a row for one vector of channels: each input column is
 * loaded once and reduced into every output whose window covers it. Each output still reduces its taps in
 * the portable kernel's order (rows, then columns, from 0 or -FLT_MAX), so results are bit-identical to it
 * and to TensorFlow's CPU AvgPool (sum in input order, then one division by the number of cells inside the
 * image). Rows outside the image are skipped; pixels whose windows cross the left or right edge run one at a
 * time and test each column.
 */
#include <float.h>

#include "ckernels_nn.h"

/* MARK: - Block of pixels */

/* X output pixels from input column ix0's window on, for the vector of channels at c (mask m). */
static inline __attribute__((always_inline)) void CK_FN(ck_pr_block)(
    const int is_max, const int K, const int S, const int X, const int checked, const float *image,
    ptrdiff_t W, ptrdiff_t C, ptrdiff_t iy0, ptrdiff_t ky0, ptrdiff_t ky1, ptrdiff_t ix0, float *o, CK_PR_M m) {
    const int span = (X - 1) * S + K; /* input columns under the block */
    CK_PR_V acc[CK_PR_XMAX];
#pragma clang loop unroll(full)
    for (int p = 0; p < X; p++) acc[p] = CK_PR_SPLAT(is_max ? -FLT_MAX : 0.0f);
    for (ptrdiff_t ky = ky0; ky < ky1; ky++) {
        const float *row = image + ((iy0 + ky) * W + ix0) * C;
#pragma clang loop unroll(full)
        for (int j = 0; j < span; j++) {
            if (checked && (size_t)(ix0 + j) >= (size_t)W) continue;
            const CK_PR_V in = CK_PR_LOAD(row + j * C, m);
#pragma clang loop unroll(full)
            for (int p = 0; p < X; p++) {
                const int kx = j - p * S;
                if (kx >= 0 && kx < K) acc[p] = is_max ? CK_PR_MAX(in, acc[p]) : CK_PR_ADD(acc[p], in);
            }
        }
    }
    if (is_max) {
#pragma clang loop unroll(full)
        for (int p = 0; p < X; p++) CK_PR_STORE(o + p * C, acc[p], m);
        return;
    }
    const ptrdiff_t rows = ky1 > ky0 ? ky1 - ky0 : 0;
#pragma clang loop unroll(full)
    for (int p = 0; p < X; p++) {
        ptrdiff_t cols = K;
        if (checked) {
            const ptrdiff_t x0 = ix0 + p * S, x1 = x0 + K;
            cols = (x1 < W ? x1 : W) - (x0 > 0 ? x0 : 0);
            if (cols < 0) cols = 0;
        }
        const ptrdiff_t count = rows * cols;
        CK_PR_STORE(o + p * C, CK_PR_DIV(acc[p], CK_PR_SPLAT(count > 0 ? (float)count : 1.0f)), m);
    }
}

/* MARK: - Rows */

/* Output pixels [x0, x0 + X) of one row, every vector of channels. */
static inline __attribute__((always_inline)) void CK_FN(ck_pr_pixels)(
    const int is_max, const int K, const int S, const int X, const int checked, const ck_window *w,
    const float *image, float *o_row, ptrdiff_t x0, ptrdiff_t iy0, ptrdiff_t ky0, ptrdiff_t ky1) {
    const ptrdiff_t C = w->in_c, W = w->in_w, ix0 = x0 * S - w->pad_left;
    float *o = o_row + x0 * C;
    for (ptrdiff_t c = 0; c < C; c = CK_PR_NEXT(c, C))
        CK_FN(ck_pr_block)(is_max, K, S, X, checked, image + c, W, C, iy0, ky0, ky1, ix0, o + c, CK_PR_MASK(c, C));
}

/*
 * One output row: the pixels whose windows lie inside the image (a run [xa, xb)) in unchecked blocks of
 * CK_PR_XMAX, then 8, 4, 2, 1 pixels; the pixels left and right of the run one at a time, checked.
 */
static inline __attribute__((always_inline)) void CK_FN(ck_pr_row)(
    const int is_max, const int K, const int S, const ck_window *w, const float *image, float *o_row,
    ptrdiff_t iy0, ptrdiff_t ky0, ptrdiff_t ky1) {
    const ptrdiff_t W = w->in_w, OW = w->out_w, pad = w->pad_left;
    ptrdiff_t xa = (pad + S - 1) / S, xb = W - K + pad < 0 ? 0 : (W - K + pad) / S + 1;
    if (xa > OW) xa = OW;
    if (xb > OW) xb = OW;
    if (xb < xa) xb = xa;
    for (ptrdiff_t x = 0; x < xa; x++) CK_FN(ck_pr_pixels)(is_max, K, S, 1, 1, w, image, o_row, x, iy0, ky0, ky1);
    ptrdiff_t x = xa;
    for (; x + CK_PR_XMAX <= xb; x += CK_PR_XMAX)
        CK_FN(ck_pr_pixels)(is_max, K, S, CK_PR_XMAX, 0, w, image, o_row, x, iy0, ky0, ky1);
#if CK_PR_XMAX > 8
    if (x + 8 <= xb) {
        CK_FN(ck_pr_pixels)(is_max, K, S, 8, 0, w, image, o_row, x, iy0, ky0, ky1);
        x += 8;
    }
#endif
    if (x + 4 <= xb) {
        CK_FN(ck_pr_pixels)(is_max, K, S, 4, 0, w, image, o_row, x, iy0, ky0, ky1);
        x += 4;
    }
    if (x + 2 <= xb) {
        CK_FN(ck_pr_pixels)(is_max, K, S, 2, 0, w, image, o_row, x, iy0, ky0, ky1);
        x += 2;
    }
    if (x < xb) CK_FN(ck_pr_pixels)(is_max, K, S, 1, 0, w, image, o_row, x, iy0, ky0, ky1);
    for (x = xb; x < OW; x++) CK_FN(ck_pr_pixels)(is_max, K, S, 1, 1, w, image, o_row, x, iy0, ky0, ky1);
}

static inline __attribute__((always_inline)) void CK_FN(ck_pr_rows_impl)(
    const int is_max, const int K, const int S, const ck_window *w, const float *input, float *output,
    ptrdiff_t r_begin, ptrdiff_t r_end) {
    const ptrdiff_t C = w->in_c, H = w->in_h, W = w->in_w, OW = w->out_w;
    for (ptrdiff_t r = r_begin; r < r_end; r++) {
        const ptrdiff_t n = r / w->out_h, y = r % w->out_h;
        const float *image = input + n * H * W * C;
        const ptrdiff_t iy0 = y * w->stride_h - w->pad_top;
        const ptrdiff_t ky0 = iy0 < 0 ? -iy0 : 0, ky1 = H - iy0 < w->k_h ? H - iy0 : w->k_h;
        CK_FN(ck_pr_row)(is_max, K, S, w, image, output + r * OW * C, iy0, ky0, ky1);
    }
}

#define CK_PR_DEFINE(K, S)                                                                                     \
    static void CK_FN(ck_pr_avg_##K##_##S)(const ck_window *w, const float *input, float *output,              \
                                           ptrdiff_t r_begin, ptrdiff_t r_end) {                               \
        CK_FN(ck_pr_rows_impl)(0, K, S, w, input, output, r_begin, r_end);                                     \
    }                                                                                                          \
    static void CK_FN(ck_pr_max_##K##_##S)(const ck_window *w, const float *input, float *output,              \
                                           ptrdiff_t r_begin, ptrdiff_t r_end) {                               \
        CK_FN(ck_pr_rows_impl)(1, K, S, w, input, output, r_begin, r_end);                                     \
    }
CK_PR_DEFINE(1, 1)
CK_PR_DEFINE(1, 2)
CK_PR_DEFINE(2, 1)
CK_PR_DEFINE(2, 2)
CK_PR_DEFINE(3, 1)
CK_PR_DEFINE(3, 2)
#undef CK_PR_DEFINE

/*
 * Runs rows [r_begin, r_end) when the shape has a specialised kernel (dilation 1, window width 1-3, column
 * stride 1/2, at least the channels the vectors need); returns 0 otherwise.
 */
static int CK_FN(ck_pr_rows)(int is_max, const ck_window *w, const float *input, float *output,
                             ptrdiff_t r_begin, ptrdiff_t r_end) {
    if (w->dilation_h != 1 || w->dilation_w != 1 || w->in_c < CK_PR_MIN_C) return 0;
#define CK_PR_CASE(K, S)                                                                                       \
    if (w->k_w == K && w->stride_w == S) {                                                                     \
        if (is_max)                                                                                            \
            CK_FN(ck_pr_max_##K##_##S)(w, input, output, r_begin, r_end);                                      \
        else                                                                                                   \
            CK_FN(ck_pr_avg_##K##_##S)(w, input, output, r_begin, r_end);                                      \
        return 1;                                                                                              \
    }
    CK_PR_CASE(1, 1)
    CK_PR_CASE(1, 2)
    CK_PR_CASE(2, 1)
    CK_PR_CASE(2, 2)
    CK_PR_CASE(3, 1)
    CK_PR_CASE(3, 2)
#undef CK_PR_CASE
    return 0;
}

/* The parameters are the includer's, one set per instruction set; CK_FN stays for the includer to undefine. */
#undef CK_PR_XMAX
#undef CK_PR_MIN_C
#undef CK_PR_V
#undef CK_PR_M
#undef CK_PR_LOAD
#undef CK_PR_STORE
#undef CK_PR_ADD
#undef CK_PR_DIV
#undef CK_PR_MAX
#undef CK_PR_SPLAT
#undef CK_PR_MASK
#undef CK_PR_NEXT
