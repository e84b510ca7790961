#ifndef CIMAGECODECS_H
#define CIMAGECODECS_H

#include <stddef.h>
#include <stdint.h>

/// A decoded image: `height` rows of `width` pixels of 3 interleaved RGB samples.
/// `bits_per_sample` is 8 (uint8 samples) or 16 (native-endian uint16 samples).
typedef struct {
    void *pixels;
    int width;
    int height;
    int bits_per_sample;
    int source_channels;   /* channels in the file: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA (alpha dropped) */
    char error[256];       /* set when a decoder returns non-zero */
} cimg_image;

/// Decodes a baseline or progressive JPEG to RGB8 (gray replicated), as TF's decode_jpeg(channels=3) does
/// with its defaults (INTEGER_FAST DCT, fancy upsampling). Returns 0 on success.
int cimg_decode_jpeg(const uint8_t *data, size_t size, size_t max_pixels, cimg_image *out);

/// Decodes a PNG to RGB (8 or 16 bits per sample): palette expanded, gray replicated, alpha stripped
/// (not composited), as TF's decode_png(channels=3) does. Returns 0 on success.
int cimg_decode_png(const uint8_t *data, size_t size, size_t max_pixels, cimg_image *out);

void cimg_free(cimg_image *image);

/// One output coordinate of a bilinear resize: the two source rows (or columns) it reads and the weight
/// of the second.
typedef struct {
    int32_t lower;
    int32_t upper;
    float lerp;
} cimg_tap;

/// Bytes of scratch the resizers need for `in_width` source and `out_width` output pixels of `channels`
/// samples.
static inline size_t cimg_resize_scratch_bytes(size_t in_width, size_t out_width, size_t channels) {
    return out_width * channels * (2 * sizeof(size_t) + 3 * sizeof(float)) + 2 * in_width * channels * sizeof(float);
}

/// Bilinear resize of `in_width`-pixel rows of `channels` interleaved samples (`src`; rows `ys[].lower`
/// and `ys[].upper` are read) to `out_height x out_width x channels` floats at `out`: each output sample is
/// `u + (l - u) * ys[y].lerp` with `u = tl + (tr - tl) * xs[x].lerp` and `l` likewise from the lower row,
/// in float32 without fused multiply-adds, samples read as `float(sample) * scale` (f32: as they are).
/// `scratch`: `cimg_resize_scratch_bytes(in_width, out_width, channels)` bytes, aligned for `size_t`.
void cimg_resize_bilinear_u8(const uint8_t *src, size_t in_width, size_t channels, float scale, size_t out_height,
                             size_t out_width, const cimg_tap *ys, const cimg_tap *xs, void *scratch, float *out);
void cimg_resize_bilinear_u16(const uint16_t *src, size_t in_width, size_t channels, float scale, size_t out_height,
                              size_t out_width, const cimg_tap *ys, const cimg_tap *xs, void *scratch, float *out);
void cimg_resize_bilinear_f32(const float *src, size_t in_width, size_t channels, float scale, size_t out_height,
                              size_t out_width, const cimg_tap *ys, const cimg_tap *xs, void *scratch, float *out);

#endif
