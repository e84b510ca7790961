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

#endif
