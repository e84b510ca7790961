/*
 * Private template: register-blocked depthwise convolution (channel multiplier 1, dilation 1) for filter
 * widths 3, 5, 7 and column strides 1, 2. Included by depthwise.c once per instruction set, with:
 *   CK_FN(name)            function-name suffix
 *   CK_DWR_V, CK_DWR_M     vector and lane-mask types
 *   CK_DWR_LOAD(p, m), CK_DWR_STORE(p, v, m), CK_DWR_FMA(a, b, acc), CK_DWR_SPLAT(x), CK_DWR_MIN/MAX(a, b)
 *   CK_DWR_LOAD_IF(p, m, inside)  optional: a load that reads nothing and gives 0 when !inside
 *   CK_DWR_MASK(c, C)      the mask of the vector of channels from c on, of C channels
 *   CK_DWR_NEXT(c, C)      the next vector's first channel (>= C: done); may step back to end at C
 *   CK_DWR_X, CK_DWR_XMAX  pixels per block: XMAX when CK_DWR_WIDE(out_w), else X
 *   CK_DWR_MIN_C           fewest channels the vectors handle
 *
 * One block computes X adjacent output pixels of a row for one vector of channels: each input column is
 * loaded once and multiplied into every output whose window covers it, with the filter row held in
 * registers. Rows outside the image are skipped. `checked` 0: every column is inside the image; 1 (a last
 * partial block, or wide padding): any column may be outside, outside columns are zeroed (or skipped) and
 * only the valid pixels are stored; 2 (a full block at a border): only the first and last CK_DWR_EDGE
 * columns are tested.
 */
#include "ckernels_nn.h"

/*
 * The fully unrolled kernels below are not instrumented by AddressSanitizer in the fuzzing build: with
 * ASan, this file alone took 6 minutes and 3 GB to compile (6 s without). Their bounds are covered by
 * the tests against the portable kernel instead (DepthwiseRowKernelTests: borders, partial blocks, odd
 * channel counts); the fuzzers still reach them, with coverage feedback, without ASan's checks.
 */
#ifndef CK_DWR_NO_ASAN
#if defined(__has_attribute) && __has_attribute(no_sanitize)
#define CK_DWR_NO_ASAN __attribute__((no_sanitize("address")))
#else
#define CK_DWR_NO_ASAN
#endif
#endif

/* MARK: - Block of pixels */

/* Border blocks with at most this many columns outside the image on either side check only those columns. */
#define CK_DWR_EDGE 3

/* X output pixels from input column ix0's window on, for the vector of channels at c (mask m). */
static inline __attribute__((always_inline)) void CK_FN(ck_dwr_block)(
    const int K, const int S, const int X, const int R, const int checked, const float *image, ptrdiff_t W, ptrdiff_t C,
    ptrdiff_t iy0, ptrdiff_t ky0, ptrdiff_t ky1, ptrdiff_t ix0, ptrdiff_t nx, const float *filter,
    const float *bias, float lo, float hi, float *o, CK_DWR_M m) {
    const int span = (X - 1) * S + K; /* input columns under the block */
    CK_DWR_V acc[CK_DWR_XMAX];
    const CK_DWR_V start = bias ? CK_DWR_LOAD(bias, m) : CK_DWR_SPLAT(0.0f);
#pragma clang loop unroll(full)
    for (int p = 0; p < X; p++) acc[p] = start;
    for (ptrdiff_t ky = ky0; ky < ky1; ky++) {
        const float *row = image + ((iy0 + ky) * W + ix0) * C;
        const float *fk = filter + ky * K * C;
        CK_DWR_V f[7];
#pragma clang loop unroll(full)
        for (int kx = 0; kx < K; kx++) f[kx] = CK_DWR_LOAD(fk + kx * C, m);
#pragma clang loop unroll(full)
        for (int j = 0; j < span; j++) {
            /* checked 2: only the first and last CK_DWR_EDGE columns can lie outside the image. */
            const int may_be_outside = checked == 1 || (checked == 2 && (j < CK_DWR_EDGE || j >= span - CK_DWR_EDGE));
            const int inside = !may_be_outside || (size_t)(ix0 + j) < (size_t)W;
#ifdef CK_DWR_LOAD_IF
            CK_DWR_V in = CK_DWR_LOAD_IF(row + j * C, m, inside);
#else
            if (!inside) continue;
            CK_DWR_V in = CK_DWR_LOAD(row + j * C, m);
#endif
            /* R: the convolution of relu(input); max returns its second operand (the input) for NaN. */
            if (R) in = CK_DWR_MAX(CK_DWR_SPLAT(0.0f), in);
#pragma clang loop unroll(full)
            for (int p = 0; p < X; p++) {
                const int kx = j - p * S;
                if (kx >= 0 && kx < K) acc[p] = CK_DWR_FMA(in, f[kx], acc[p]);
            }
        }
    }
    /* A fused activation's clamp as CK_CLAMP (maxps(acc, lo): NaN becomes lo); none: NaN and +-Inf pass. */
    const CK_DWR_V vlo = CK_DWR_SPLAT(lo), vhi = CK_DWR_SPLAT(hi);
    const int clamp = CK_HAS_CLAMP(lo, hi);
#pragma clang loop unroll(full)
    for (int p = 0; p < X; p++)
        if (checked != 1 || p < nx)
            CK_DWR_STORE(o + p * C, clamp ? CK_DWR_MIN(CK_DWR_MAX(acc[p], vlo), vhi) : acc[p], m);
}

/* MARK: - Rows */

/* One output row in blocks of X pixels. */
static inline __attribute__((always_inline)) void CK_FN(ck_dwr_row)(
    const int K, const int S, const int X, const int R, const ck_window *w, const float *image, const float *filter,
    const float *bias, float lo, float hi, float *o_row, ptrdiff_t iy0, ptrdiff_t ky0, ptrdiff_t ky1) {
    const ptrdiff_t C = w->in_c, W = w->in_w, OW = w->out_w;
    for (ptrdiff_t x0 = 0; x0 < OW; x0 += X) {
        const ptrdiff_t ix0 = x0 * S - w->pad_left, nx = OW - x0 < X ? OW - x0 : X;
        const ptrdiff_t over = ix0 + (X - 1) * S + K - W; /* columns past the right edge */
        const int interior = ix0 >= 0 && over <= 0 && nx == X;
        const int edges = ix0 >= -CK_DWR_EDGE && over <= CK_DWR_EDGE && nx == X && (X - 1) * S + K >= 2 * CK_DWR_EDGE;
        float *o = o_row + x0 * C;
        for (ptrdiff_t c = 0; c < C; c = CK_DWR_NEXT(c, C)) {
            const CK_DWR_M m = CK_DWR_MASK(c, C);
            const float *b = bias ? bias + c : NULL;
            if (interior)
                CK_FN(ck_dwr_block)(K, S, X, R, 0, image + c, W, C, iy0, ky0, ky1, ix0, nx, filter + c, b, lo, hi, o + c, m);
            else if (edges)
                CK_FN(ck_dwr_block)(K, S, X, R, 2, image + c, W, C, iy0, ky0, ky1, ix0, nx, filter + c, b, lo, hi, o + c, m);
            else
                CK_FN(ck_dwr_block)(K, S, X, R, 1, image + c, W, C, iy0, ky0, ky1, ix0, nx, filter + c, b, lo, hi, o + c, m);
        }
    }
}

static inline __attribute__((always_inline)) void CK_FN(ck_dwr_rows_impl)(
    const int K, const int S, const int R, const ck_window *w, const float *input, const float *filter, const float *bias,
    float lo, float hi, float *output, ptrdiff_t r_begin, ptrdiff_t r_end) {
    const ptrdiff_t C = w->in_c, H = w->in_h, W = w->in_w, OW = w->out_w;
    const int wide = CK_DWR_WIDE(OW);
    for (ptrdiff_t r = r_begin; r < r_end; r++) {
        const ptrdiff_t n = r / w->out_h, y = r % w->out_h;
        const float *image = input + n * H * W * C;
        const ptrdiff_t iy0 = y * w->stride_h - w->pad_top;
        const ptrdiff_t ky0 = iy0 < 0 ? -iy0 : 0, ky1 = H - iy0 < w->k_h ? H - iy0 : w->k_h;
        float *o_row = output + r * OW * C;
        if (wide)
            CK_FN(ck_dwr_row)(K, S, CK_DWR_XMAX, R, w, image, filter, bias, lo, hi, o_row, iy0, ky0, ky1);
        else
            CK_FN(ck_dwr_row)(K, S, CK_DWR_X, R, w, image, filter, bias, lo, hi, o_row, iy0, ky0, ky1);
    }
}

#define CK_DWR_DEFINE(K, S)                                                                                    \
    static CK_DWR_NO_ASAN void CK_FN(ck_dwr_rows_##K##_##S)(const ck_window *w, int relu_input, const float *input,          \
                                              const float *filter, const float *bias, float lo, float hi,     \
                                              float *output, ptrdiff_t r_begin, ptrdiff_t r_end) {            \
        if (relu_input)                                                                                        \
            CK_FN(ck_dwr_rows_impl)(K, S, 1, w, input, filter, bias, lo, hi, output, r_begin, r_end);          \
        else                                                                                                   \
            CK_FN(ck_dwr_rows_impl)(K, S, 0, w, input, filter, bias, lo, hi, output, r_begin, r_end);          \
    }
CK_DWR_DEFINE(3, 1)
CK_DWR_DEFINE(3, 2)
CK_DWR_DEFINE(5, 1)
CK_DWR_DEFINE(5, 2)
CK_DWR_DEFINE(7, 1)
CK_DWR_DEFINE(7, 2)
#undef CK_DWR_DEFINE

/* Whether ck_dwr_rows covers the shape (dilation 1, filter width 3/5/7, column stride 1/2, enough channels). */
static int CK_FN(ck_dwr_covers)(const ck_window *w) {
    return w->dilation_h == 1 && w->dilation_w == 1 && w->in_c >= CK_DWR_MIN_C &&
           (w->k_w == 3 || w->k_w == 5 || w->k_w == 7) && (w->stride_w == 1 || w->stride_w == 2);
}

/*
 * Runs rows [r_begin, r_end) when the shape has a specialised kernel (ck_dwr_covers), of relu(input)
 * when relu_input is set; returns 0 otherwise.
 */
static int CK_FN(ck_dwr_rows)(const ck_window *w, int relu_input, const float *input, const float *filter,
                              const float *bias, float lo, float hi, float *output, ptrdiff_t r_begin,
                              ptrdiff_t r_end) {
    if (!CK_FN(ck_dwr_covers)(w)) return 0;
#define CK_DWR_CASE(K, S)                                                                                      \
    if (w->k_w == K && w->stride_w == S) {                                                                     \
        CK_FN(ck_dwr_rows_##K##_##S)(w, relu_input, input, filter, bias, lo, hi, output, r_begin, r_end);      \
        return 1;                                                                                              \
    }
    CK_DWR_CASE(3, 1)
    CK_DWR_CASE(3, 2)
    CK_DWR_CASE(5, 1)
    CK_DWR_CASE(5, 2)
    CK_DWR_CASE(7, 1)
    CK_DWR_CASE(7, 2)
#undef CK_DWR_CASE
    return 0;
}

/* The parameters are the includer's, one set per instruction set; CK_FN stays for the includer to undefine. */
#undef CK_DWR_X
#undef CK_DWR_XMAX
#undef CK_DWR_WIDE
#undef CK_DWR_MIN_C
#undef CK_DWR_V
#undef CK_DWR_M
#undef CK_DWR_LOAD
#undef CK_DWR_LOAD_IF
#undef CK_DWR_STORE
#undef CK_DWR_FMA
#undef CK_DWR_SPLAT
#undef CK_DWR_MIN
#undef CK_DWR_MAX
#undef CK_DWR_MASK
#undef CK_DWR_NEXT
