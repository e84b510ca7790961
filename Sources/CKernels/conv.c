#include "ckernels_nn.h"

#include <string.h>

/* Output pixels gathered per im2col tile, and the most floats one tile may hold (4 MiB). */
#define CK_CONV_TILE 72
#define CK_CONV_TILE_FLOATS (1 << 20)

/* Pixels per im2col tile: CK_CONV_TILE, fewer for very deep receptive fields, at least one. */
static ptrdiff_t ck_conv_tile_rows(ptrdiff_t kdim) {
    ptrdiff_t rows = kdim > 0 ? CK_CONV_TILE_FLOATS / kdim : CK_CONV_TILE;
    if (rows > CK_CONV_TILE) rows = CK_CONV_TILE;
    return rows < 1 ? 1 : rows;
}

static int ck_conv_is_pointwise(const ck_window *w) {
    return w->k_h == 1 && w->k_w == 1 && w->stride_h == 1 && w->stride_w == 1 && w->pad_top == 0 &&
           w->pad_left == 0 && w->out_h == w->in_h && w->out_w == w->in_w;
}

size_t ck_conv2d_scratch_count(const ck_window *w) {
    if (ck_conv_is_pointwise(w)) return 0;
    const ptrdiff_t kdim = w->k_h * w->k_w * w->in_c;
    return (size_t)ck_conv_tile_rows(kdim) * (size_t)kdim;
}

/* Short runs (the RGB stem's 9-float window rows) are copied as two overlapping fixed-size blocks; long ones
 * by the library. */
static inline void ck_copy_floats(float *restrict dst, const float *restrict src, ptrdiff_t n) {
    if (n >= 16) {
        memcpy(dst, src, (size_t)n * sizeof(float));
    } else if (n >= 8) {
        memcpy(dst, src, 8 * sizeof(float));
        memcpy(dst + n - 8, src + n - 8, 8 * sizeof(float));
    } else if (n >= 4) {
        memcpy(dst, src, 4 * sizeof(float));
        memcpy(dst + n - 4, src + n - 4, 4 * sizeof(float));
    } else {
#pragma clang loop vectorize(disable) unroll(disable)
        for (ptrdiff_t i = 0; i < n; i++) dst[i] = src[i];
    }
}

static inline void ck_zero_floats(float *dst, ptrdiff_t n) {
    if (n < 16) {
#pragma clang loop vectorize(disable) unroll(disable)
        for (ptrdiff_t i = 0; i < n; i++) dst[i] = 0.0f;
    } else {
        memset(dst, 0, (size_t)n * sizeof(float));
    }
}

/* Writes the receptive field of output pixel (n, y, x) as one row of k_h * k_w * in_c floats (HWI order). */
static void ck_im2col_row(const ck_window *w, const float *input, ptrdiff_t n, ptrdiff_t y, ptrdiff_t x, float *row) {
    const ptrdiff_t C = w->in_c, run = w->k_w * C;
    for (ptrdiff_t ky = 0; ky < w->k_h; ky++) {
        const ptrdiff_t iy = y * w->stride_h + ky * w->dilation_h - w->pad_top;
        float *dst = row + ky * run;
        if (iy < 0 || iy >= w->in_h) {
            ck_zero_floats(dst, run);
            continue;
        }
        const float *src = input + (n * w->in_h + iy) * w->in_w * C;
        const ptrdiff_t ix0 = x * w->stride_w - w->pad_left;
        if (w->dilation_w == 1 && ix0 >= 0 && ix0 + w->k_w <= w->in_w) {
            ck_copy_floats(dst, src + ix0 * C, run);  /* the whole window row is inside: one run */
            continue;
        }
        for (ptrdiff_t kx = 0; kx < w->k_w; kx++) {
            const ptrdiff_t ix = ix0 + kx * w->dilation_w;
            if (ix < 0 || ix >= w->in_w) {
                ck_zero_floats(dst + kx * C, C);
            } else {
                ck_copy_floats(dst + kx * C, src + ix * C, C);
            }
        }
    }
}

void ck_im2col_rows(const ck_window *w, const float *input, ptrdiff_t p_begin, ptrdiff_t p_end, float *cols) {
    const ptrdiff_t kdim = w->k_h * w->k_w * w->in_c;
    ptrdiff_t x = p_begin % w->out_w, y = (p_begin / w->out_w) % w->out_h, n = p_begin / (w->out_w * w->out_h);
    for (ptrdiff_t p = p_begin; p < p_end; p++) {
        ck_im2col_row(w, input, n, y, x, cols + (p - p_begin) * kdim);
        if (++x == w->out_w) {
            x = 0;
            if (++y == w->out_h) {
                y = 0;
                n++;
            }
        }
    }
}

void ck_conv2d_rows(int isa, const ck_window *w, const float *input, const float *packed_filter,
                    const float *bias, float lo, float hi, float *output,
                    ptrdiff_t p_begin, ptrdiff_t p_end, float *scratch) {
    const ptrdiff_t kdim = w->k_h * w->k_w * w->in_c;
    if (ck_conv_is_pointwise(w)) {
        ck_gemm_rows(isa, p_begin, p_end, kdim, w->out_c, input, w->in_c, packed_filter, bias, lo, hi,
                     output, w->out_c);
        return;
    }
    const ptrdiff_t tile = ck_conv_tile_rows(kdim);
    /* Window fields as locals: the copies' stores may alias *w, locals they cannot. */
    const ptrdiff_t C = w->in_c, kh = w->k_h, kw = w->k_w, sh = w->stride_h, sw = w->stride_w;
    const ptrdiff_t pt = w->pad_top, pl = w->pad_left, in_h = w->in_h, in_w = w->in_w, run = kw * C;
    const ptrdiff_t span_h = (kh - 1) * w->dilation_h + 1, row_step = w->dilation_h * in_w * C;
    const int interior_w = w->dilation_w == 1;
    for (ptrdiff_t p0 = p_begin; p0 < p_end; p0 += tile) {
        const ptrdiff_t rows = p_end - p0 < tile ? p_end - p0 : tile;
        /* Pixel coordinates advance incrementally: no divisions per row. */
        ptrdiff_t x = p0 % w->out_w, y = (p0 / w->out_w) % w->out_h, n = p0 / (w->out_w * w->out_h);
        for (ptrdiff_t r = 0; r < rows; r++) {
            const ptrdiff_t iy0 = y * sh - pt, ix0 = x * sw - pl;
            if (interior_w && iy0 >= 0 && iy0 + span_h <= in_h && ix0 >= 0 && ix0 + kw <= in_w) {
                /* The whole window is inside the image: k_h runs of k_w * in_c floats. */
                const float *src = input + ((n * in_h + iy0) * in_w + ix0) * C;
                float *dst = scratch + r * kdim;
                for (ptrdiff_t ky = 0; ky < kh; ky++) ck_copy_floats(dst + ky * run, src + ky * row_step, run);
            } else {
                ck_im2col_row(w, input, n, y, x, scratch + r * kdim);
            }
            if (++x == w->out_w) {
                x = 0;
                if (++y == w->out_h) {
                    y = 0;
                    n++;
                }
            }
        }
        ck_gemm_rows(isa, 0, rows, kdim, w->out_c, scratch, kdim, packed_filter, bias, lo, hi,
                     output + p0 * w->out_c, w->out_c);
    }
}
