#include "ckernels_nn.h"

#include <string.h>

/* One part of one row: a copy, or an element-wise sum (plain loops over restrict pointers, vectorised); with
 * `relu`, each value v is then written as the Relu kernel computes it (v < 0 ? 0 : v: NaN stays NaN). */
static inline void ck_part_row(const float *restrict a, const float *restrict b, float *restrict o, ptrdiff_t w,
                               int relu) {
    if (relu) {
        if (b) {
            for (ptrdiff_t j = 0; j < w; j++) {
                const float v = a[j] + b[j];
                o[j] = v < 0.0f ? 0.0f : v;
            }
        } else {
            for (ptrdiff_t j = 0; j < w; j++) o[j] = a[j] < 0.0f ? 0.0f : a[j];
        }
    } else if (b) {
        for (ptrdiff_t j = 0; j < w; j++) o[j] = a[j] + b[j];
    } else {
        memcpy(o, a, (size_t)w * sizeof(float));
    }
}

#define CK_CONCAT_SUMS_BODY                                                                         \
    for (ptrdiff_t r = r_begin; r < r_end; r++) {                                                   \
        float *o = out + r * out_width;                                                             \
        for (ptrdiff_t p = 0; p < parts; p++) {                                                     \
            const ptrdiff_t w = widths[p];                                                          \
            ck_part_row(a[p] + r * w, b[p] ? b[p] + r * w : NULL, o, w, relu);                      \
            o += w;                                                                                 \
        }                                                                                           \
    }

static void ck_concat_sums_vec(ptrdiff_t r_begin, ptrdiff_t r_end, ptrdiff_t parts, const float *const *a,
                               const float *const *b, const ptrdiff_t *widths, ptrdiff_t out_width, int relu, float *out) {
    CK_CONCAT_SUMS_BODY
}

#if CK_HAVE_AVX2_BUILD
CK_AVX2_BEGIN
static void ck_concat_sums_avx2(ptrdiff_t r_begin, ptrdiff_t r_end, ptrdiff_t parts, const float *const *a,
                                const float *const *b, const ptrdiff_t *widths, ptrdiff_t out_width, int relu, float *out) {
    CK_CONCAT_SUMS_BODY
}
CK_AVX2_END
#endif

void ck_concat_sums_f32(int isa, ptrdiff_t r_begin, ptrdiff_t r_end, ptrdiff_t parts, const float *const *a,
                        const float *const *b, const ptrdiff_t *widths, int relu, float *out) {
    ptrdiff_t out_width = 0;
    for (ptrdiff_t p = 0; p < parts; p++) out_width += widths[p];
#if CK_HAVE_AVX2_BUILD
    if (isa >= CK_ISA_AVX2 && ck_isa_available(CK_ISA_AVX2)) {
        ck_concat_sums_avx2(r_begin, r_end, parts, a, b, widths, out_width, relu, out);
        return;
    }
#endif
    ck_concat_sums_vec(r_begin, r_end, parts, a, b, widths, out_width, relu, out);
}
