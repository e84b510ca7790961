#include "ckernels_nn.h"

#include <string.h>

#include "ck_gemm_tn.h"

/*
 * Gradients of Conv2D on the GEMM kernels (NHWC activations, HWIO filters; K = k_h * k_w * in_c).
 *   filter: dw (K x out_c) += im2col(x)^T (K x P) x dy (P x out_c) per tile of P output pixels (gemm_tn.c);
 *   input:  cols (P x K) = dy (P x out_c) x W^T (out_c x K), then each row scattered onto its window (col2im).
 * A 1x1 stride-1 unpadded convolution's im2col is the input itself, so its tiles are read in place.
 */

/* Output pixels per tile, fewer for deep receptive fields (a tile holds at most 1 Mi floats of im2col). */
#define CK_BWD_TILE 256
#define CK_BWD_TILE_FLOATS (1 << 20)

static ptrdiff_t ck_bwd_tile(ptrdiff_t kdim) {
    ptrdiff_t rows = kdim > 0 ? CK_BWD_TILE_FLOATS / kdim : CK_BWD_TILE;
    if (rows > CK_BWD_TILE) rows = CK_BWD_TILE;
    return rows < 8 ? 8 : rows;
}

static int ck_bwd_is_pointwise(const ck_window *w) {
    return w->k_h == 1 && w->k_w == 1 && w->stride_h == 1 && w->stride_w == 1 && w->pad_top == 0 &&
           w->pad_left == 0 && w->out_h == w->in_h && w->out_w == w->in_w;
}

/* MARK: - Filter gradient */

size_t ck_conv2d_backprop_filter_scratch_count(const ck_window *w) {
    const ptrdiff_t kdim = w->k_h * w->k_w * w->in_c, tile = ck_bwd_tile(kdim);
    const size_t cols = ck_bwd_is_pointwise(w) ? 0 : (size_t)(tile * kdim);
    return cols + ck_gemm_tn_scratch_count(tile);
}

/* Per tile of pixels, dw += patch^T dy with the tile's products summed from 0 (ck_gemm_tn_acc). */
void ck_conv2d_backprop_filter_rows(int isa, const ck_window *w, const float *input, const float *dy, float *dw,
                                    ptrdiff_t p_begin, ptrdiff_t p_end, float *scratch) {
    const ptrdiff_t kdim = w->k_h * w->k_w * w->in_c, oc = w->out_c, tile = ck_bwd_tile(kdim);
    const int pointwise = ck_bwd_is_pointwise(w);
    float *cols = scratch;
    float *gemm_scratch = cols + (pointwise ? 0 : tile * kdim);
    for (ptrdiff_t p0 = p_begin; p0 < p_end; p0 += tile) {
        const ptrdiff_t rows = p_end - p0 < tile ? p_end - p0 : tile;
        const float *patch = input + p0 * w->in_c;
        if (!pointwise) {
            ck_im2col_rows(w, input, p0, p0 + rows, cols);
            patch = cols;
        }
        ck_gemm_tn_acc(isa, kdim, oc, rows, patch, kdim, dy + p0 * oc, oc, dw, oc, gemm_scratch);
    }
}

/* MARK: - Input gradient */

size_t ck_conv2d_backprop_input_scratch_count(const ck_window *w) {
    const ptrdiff_t kdim = w->k_h * w->k_w * w->in_c;
    return (size_t)(ck_bwd_tile(kdim) * kdim);
}

/* Adds row `cols` (the window of output pixel (n, y, x), HWI order) onto dx, skipping padded cells. */
static void ck_col2im_row(const ck_window *w, const float *restrict cols, ptrdiff_t n, ptrdiff_t y, ptrdiff_t x,
                          float *restrict dx) {
    const ptrdiff_t C = w->in_c;
    for (ptrdiff_t ky = 0; ky < w->k_h; ky++) {
        const ptrdiff_t iy = y * w->stride_h + ky * w->dilation_h - w->pad_top;
        if (iy < 0 || iy >= w->in_h) continue;
        float *row = dx + (n * w->in_h + iy) * w->in_w * C;
        for (ptrdiff_t kx = 0; kx < w->k_w; kx++) {
            const ptrdiff_t ix = x * w->stride_w + kx * w->dilation_w - w->pad_left;
            if (ix < 0 || ix >= w->in_w) continue;
            float *d = row + ix * C;
            const float *s = cols + (ky * w->k_w + kx) * C;
            for (ptrdiff_t c = 0; c < C; c++) d[c] += s[c];
        }
    }
}

void ck_conv2d_backprop_input_images(int isa, const ck_window *w, const float *dy, const float *packed_wt, float *dx,
                                     ptrdiff_t n_begin, ptrdiff_t n_end, float *scratch) {
    const ptrdiff_t kdim = w->k_h * w->k_w * w->in_c, oc = w->out_c, tile = ck_bwd_tile(kdim);
    const ptrdiff_t image_in = w->in_h * w->in_w * w->in_c, image_out = w->out_h * w->out_w;
    if (n_end <= n_begin) return;
    memset(dx + n_begin * image_in, 0, (size_t)((n_end - n_begin) * image_in) * sizeof(float));
    for (ptrdiff_t n = n_begin; n < n_end; n++) {
        for (ptrdiff_t q0 = 0; q0 < image_out; q0 += tile) {
            const ptrdiff_t rows = image_out - q0 < tile ? image_out - q0 : tile;
            const ptrdiff_t p0 = n * image_out + q0;
            ck_gemm_rows(isa, 0, rows, oc, kdim, dy + p0 * oc, oc, packed_wt, NULL, -__builtin_inff(), __builtin_inff(),
                         scratch, kdim);
            for (ptrdiff_t r = 0; r < rows; r++) {
                const ptrdiff_t q = q0 + r;
                ck_col2im_row(w, scratch + r * kdim, n, q / w->out_w, q % w->out_w, dx);
            }
        }
    }
}
