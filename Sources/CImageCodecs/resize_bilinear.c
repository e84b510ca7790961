#include "CImageCodecs.h"

/* The float arithmetic must stay exactly that of ImageResizer's documentation (and of TF's ResizeBilinear
   in float32): no fused multiply-adds. */
#pragma STDC FP_CONTRACT OFF

/* One output row: the top and bottom source rows read as floats (`top_row`, `bottom_row`: one pass each,
   which vectorizes), interpolated across (`upper`, `lower`, one float per output sample), then down.
   Consecutive output rows that read the same source rows reuse them. */
#define CIMG_RESIZE_BILINEAR(NAME, TYPE, LOAD)                                                                 \
    void NAME(const TYPE *src, size_t in_width, size_t channels, float scale, size_t out_height,             \
              size_t out_width, const cimg_tap *ys, const cimg_tap *xs, void *scratch, float *out) {         \
        (void)scale;                                                                                          \
        const size_t n = out_width * channels, in_row = in_width * channels;                                  \
        size_t *left = (size_t *)scratch, *right = left + n;                                                  \
        float *lerp = (float *)(right + n), *upper = lerp + n, *lower = upper + n;                            \
        float *top_row = lower + n, *bottom_row = top_row + in_row;                                           \
        for (size_t x = 0; x < out_width; x++) {                                                              \
            for (size_t c = 0; c < channels; c++) {                                                           \
                left[x * channels + c] = (size_t)xs[x].lower * channels + c;                                  \
                right[x * channels + c] = (size_t)xs[x].upper * channels + c;                                 \
                lerp[x * channels + c] = xs[x].lerp;                                                          \
            }                                                                                                 \
        }                                                                                                     \
        int32_t top_index = -1, bottom_index = -1;                                                            \
        for (size_t y = 0; y < out_height; y++) {                                                             \
            if (ys[y].lower != top_index || ys[y].upper != bottom_index) {                                    \
                top_index = ys[y].lower;                                                                      \
                bottom_index = ys[y].upper;                                                                   \
                const TYPE *top = src + (size_t)top_index * in_row, *bottom = src + (size_t)bottom_index * in_row; \
                for (size_t i = 0; i < in_row; i++) top_row[i] = LOAD(top, i);                                \
                for (size_t i = 0; i < in_row; i++) bottom_row[i] = LOAD(bottom, i);                          \
                for (size_t j = 0; j < n; j++) {                                                              \
                    float top_left = top_row[left[j]], top_right = top_row[right[j]];                         \
                    float bottom_left = bottom_row[left[j]], bottom_right = bottom_row[right[j]];             \
                    upper[j] = top_left + (top_right - top_left) * lerp[j];                                   \
                    lower[j] = bottom_left + (bottom_right - bottom_left) * lerp[j];                          \
                }                                                                                             \
            }                                                                                                 \
            const float down = ys[y].lerp;                                                                    \
            float *row = out + y * n;                                                                         \
            for (size_t j = 0; j < n; j++) row[j] = upper[j] + (lower[j] - upper[j]) * down;                  \
        }                                                                                                     \
    }

#define CIMG_LOAD_SCALED(p, i) ((float)(p)[i] * scale)
#define CIMG_LOAD_FLOAT(p, i) ((p)[i])

CIMG_RESIZE_BILINEAR(cimg_resize_bilinear_u8, uint8_t, CIMG_LOAD_SCALED)
CIMG_RESIZE_BILINEAR(cimg_resize_bilinear_u16, uint16_t, CIMG_LOAD_SCALED)
CIMG_RESIZE_BILINEAR(cimg_resize_bilinear_f32, float, CIMG_LOAD_FLOAT)
