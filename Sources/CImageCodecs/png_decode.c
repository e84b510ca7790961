#include "CImageCodecs.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
} png_memory_reader;

static void png_read_memory(png_structp png, png_bytep target, png_size_t length) {
    png_memory_reader *reader = (png_memory_reader *)png_get_io_ptr(png);
    if (length > reader->size - reader->offset) {
        png_error(png, "truncated file");
    }
    memcpy(target, reader->data + reader->offset, length);
    reader->offset += length;
}

static void png_error_handler(png_structp png, png_const_charp message) {
    char *buffer = (char *)png_get_error_ptr(png);
    snprintf(buffer, 256, "PNG: %s", message);
    png_longjmp(png, 1);
}

static void png_warning_handler(png_structp png, png_const_charp message) { (void)png; (void)message; }

int cimg_decode_png(const uint8_t *data, size_t size, size_t max_pixels, cimg_image *out) {
    memset(out, 0, sizeof(*out));
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        snprintf(out->error, sizeof out->error, "PNG: bad signature");
        return 1;
    }
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, out->error, png_error_handler,
                                             png_warning_handler);
    if (!png) {
        snprintf(out->error, sizeof out->error, "PNG: out of memory");
        return 1;
    }
    png_infop info = png_create_info_struct(png);
    unsigned char *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    png_memory_reader reader = {data, size, 0};
    if (!info || setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, info ? &info : NULL, NULL);
        free(pixels);
        free(rows);
        if (!out->error[0]) snprintf(out->error, sizeof out->error, "PNG: decoding failed");
        return 1;
    }
    png_set_read_fn(png, &reader, png_read_memory);
    png_read_info(png, info);
    png_uint_32 width = png_get_image_width(png, info), height = png_get_image_height(png, info);
    int bit_depth = png_get_bit_depth(png, info);
    int color_type = png_get_color_type(png, info);
    out->source_channels = png_get_channels(png, info);
    if (width == 0 || height == 0 || (size_t)width > max_pixels / height) {
        char message[160];
        snprintf(message, sizeof message, "%lux%lu pixels exceeds the limit of %zu", (unsigned long)width,
                 (unsigned long)height, max_pixels);
        png_error(png, message);
    }
    /* Same transformations as TF's png_io for channels=3: expand palette/low-bit gray, tRNS to alpha,
       gray to RGB, drop alpha without compositing; 16-bit samples are kept. */
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    png_set_strip_alpha(png);
    if (bit_depth == 16) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        png_set_swap(png);
#endif
    }
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    int out_depth = png_get_bit_depth(png, info);
    int out_channels = png_get_channels(png, info);
    if (out_channels != 3 || (out_depth != 8 && out_depth != 16)) {
        png_error(png, "unexpected pixel layout after conversion");
    }
    size_t stride = png_get_rowbytes(png, info);
    pixels = malloc(stride * height);
    rows = malloc(sizeof(png_bytep) * height);
    if (!pixels || !rows) png_error(png, "out of memory");
    for (png_uint_32 y = 0; y < height; y++) rows[y] = pixels + (size_t)y * stride;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    out->pixels = pixels;
    out->width = (int)width;
    out->height = (int)height;
    out->bits_per_sample = out_depth;
    return 0;
}
