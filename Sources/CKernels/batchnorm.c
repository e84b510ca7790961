#include "ckernels_nn.h"

/*
 * Per-channel sums of batch normalization (training statistics and the gradient), over rows r of a
 * (rows x channels) float32 matrix (NHWC flattened). Sums run in double, row after row, so a range's result
 * does not depend on how the rows are split; callers add ranges in order.
 */

void ck_channel_sums_f64(const float *x, ptrdiff_t channels, const double *center, ptrdiff_t r_begin, ptrdiff_t r_end,
                         double *out) {
    for (ptrdiff_t r = r_begin; r < r_end; r++) {
        const float *row = x + r * channels;
        if (center) {
            for (ptrdiff_t c = 0; c < channels; c++) {
                const double d = (double)row[c] - center[c];
                out[c] += d * d;
            }
        } else {
            for (ptrdiff_t c = 0; c < channels; c++) out[c] += (double)row[c];
        }
    }
}

void ck_batchnorm_grad_sums_f64(const float *dy, const float *x, const float *mean, ptrdiff_t channels,
                                ptrdiff_t r_begin, ptrdiff_t r_end, double *sum_dy, double *sum_dy_xc) {
    for (ptrdiff_t r = r_begin; r < r_end; r++) {
        const float *g = dy + r * channels, *v = x + r * channels;
        for (ptrdiff_t c = 0; c < channels; c++) {
            sum_dy[c] += (double)g[c];
            sum_dy_xc[c] += (double)g[c] * (double)(v[c] - mean[c]);
        }
    }
}

void ck_batchnorm_grad_dx_rows(const float *dy, const float *x, const float *mean, const float *gamma,
                               const float *rsqrt, const float *mean_dy, const float *mean_dy_xc, int training,
                               ptrdiff_t channels, float *dx, ptrdiff_t r_begin, ptrdiff_t r_end) {
    for (ptrdiff_t r = r_begin; r < r_end; r++) {
        const float *g = dy + r * channels, *v = x + r * channels;
        float *o = dx + r * channels;
        if (training) {
            for (ptrdiff_t c = 0; c < channels; c++) {
                const float centered = v[c] - mean[c];
                o[c] = gamma[c] * rsqrt[c] * (g[c] - mean_dy[c] - centered * mean_dy_xc[c] * rsqrt[c] * rsqrt[c]);
            }
        } else {
            for (ptrdiff_t c = 0; c < channels; c++) o[c] = g[c] * gamma[c] * rsqrt[c];
        }
    }
}
