#include "CImageCodecs.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

/* libjpeg reports fatal errors through error_exit, which by default calls exit(); we longjmp back instead. */
typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char *message;
} jpeg_error_context;

static void jpeg_error_exit(j_common_ptr cinfo) {
    jpeg_error_context *ctx = (jpeg_error_context *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    snprintf(ctx->message, 256, "JPEG: %s", text);
    longjmp(ctx->jump, 1);
}

/* Warnings (level -1) about missing data are fatal, as in TF's decode_jpeg without try_recover_truncated:
   libjpeg would otherwise pad a truncated file with gray rows and report success. */
static void jpeg_emit_message(j_common_ptr cinfo, int level) {
    if (level == -1 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
        (*cinfo->err->error_exit)(cinfo);
    }
}

int cimg_decode_jpeg(const uint8_t *data, size_t size, size_t max_pixels, cimg_image *out) {
    memset(out, 0, sizeof(*out));
    struct jpeg_decompress_struct cinfo;
    jpeg_error_context err;
    unsigned char *volatile pixels = NULL;
    cinfo.err = jpeg_std_error(&err.base);
    err.base.error_exit = jpeg_error_exit;
    err.base.emit_message = jpeg_emit_message;
    err.message = out->error;
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        return 1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    out->source_channels = cinfo.num_components;
    if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
        snprintf(out->error, sizeof out->error, "JPEG: CMYK images are not supported");
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    cinfo.out_color_space = JCS_RGB;
    cinfo.dct_method = JDCT_IFAST;  /* TF decode_jpeg default dct_method "" = INTEGER_FAST */
    /* The size is checked before jpeg_start_decompress: for a progressive file that call already
       allocates coefficient buffers for the whole image (found by fuzz-image: a few hundred bytes
       claiming 65535x65535 pixels made it allocate gigabytes). */
    jpeg_calc_output_dimensions(&cinfo);
    size_t width = cinfo.output_width, height = cinfo.output_height;
    if (width == 0 || height == 0 || width > max_pixels / height) {
        snprintf(out->error, sizeof out->error, "JPEG: %zux%zu pixels exceeds the limit of %zu", width, height,
                 max_pixels);
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    jpeg_start_decompress(&cinfo);
    size_t stride = width * 3;
    pixels = malloc(stride * height);
    if (!pixels) {
        snprintf(out->error, sizeof out->error, "JPEG: out of memory");
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = pixels + (size_t)cinfo.output_scanline * stride;
        if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) break;
    }
    if (cinfo.output_scanline < cinfo.output_height) {
        snprintf(out->error, sizeof out->error, "JPEG: truncated image data");
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        return 1;
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    out->pixels = pixels;
    out->width = (int)width;
    out->height = (int)height;
    out->bits_per_sample = 8;
    return 0;
}

void cimg_free(cimg_image *image) {
    free(image->pixels);
    image->pixels = NULL;
}
