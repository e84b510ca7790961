#include "ckernels_nn.h"

#include <math.h>

/* Each loop is a plain counted loop over restrict pointers so clang vectorises it at -O3. */
#define CK_BINARY_LOOPS(EXPR)                                                                  \
    do {                                                                                       \
        if (sa == 1 && sb == 1) {                                                              \
            for (ptrdiff_t i = 0; i < n; i++) { float x = a[i], y = b[i]; out[i] = (EXPR); }   \
        } else if (sa == 1 && sb == 0) {                                                       \
            const float y = b[0];                                                              \
            for (ptrdiff_t i = 0; i < n; i++) { float x = a[i]; out[i] = (EXPR); }             \
        } else if (sa == 0 && sb == 1) {                                                       \
            const float x = a[0];                                                              \
            for (ptrdiff_t i = 0; i < n; i++) { float y = b[i]; out[i] = (EXPR); }             \
        } else {                                                                               \
            for (ptrdiff_t i = 0; i < n; i++) {                                                \
                float x = a[i * sa], y = b[i * sb];                                            \
                out[i] = (EXPR);                                                               \
            }                                                                                  \
        }                                                                                      \
    } while (0)

void ck_binary_f32(int op, const float *restrict a, ptrdiff_t sa, const float *restrict b, ptrdiff_t sb,
                   float *restrict out, ptrdiff_t n) {
    switch (op) {
    case CK_ADD: CK_BINARY_LOOPS(x + y); break;
    case CK_SUB: CK_BINARY_LOOPS(x - y); break;
    case CK_MUL: CK_BINARY_LOOPS(x * y); break;
    case CK_DIV: CK_BINARY_LOOPS(x / y); break;
    case CK_MAX: CK_BINARY_LOOPS((x != x || x > y) ? x : y); break;
    case CK_MIN: CK_BINARY_LOOPS((x != x || x < y) ? x : y); break;
    default: break;
    }
}

void ck_unary_f32(int op, const float *restrict x, float *restrict out, ptrdiff_t n) {
    switch (op) {
    case CK_RELU:
        for (ptrdiff_t i = 0; i < n; i++) out[i] = x[i] < 0.0f ? 0.0f : x[i];
        break;
    case CK_RELU6:
        for (ptrdiff_t i = 0; i < n; i++) {
            float v = x[i] < 0.0f ? 0.0f : x[i];
            out[i] = v > 6.0f ? 6.0f : v;
        }
        break;
    case CK_RSQRT:
        for (ptrdiff_t i = 0; i < n; i++) out[i] = 1.0f / __builtin_elementwise_sqrt(x[i]); /* no errno: vectorises */
        break;
    case CK_SQRT:
        for (ptrdiff_t i = 0; i < n; i++) out[i] = __builtin_elementwise_sqrt(x[i]);
        break;
    case CK_SQUARE:
        for (ptrdiff_t i = 0; i < n; i++) out[i] = x[i] * x[i];
        break;
    case CK_FLOOR:
        for (ptrdiff_t i = 0; i < n; i++) out[i] = floorf(x[i]);
        break;
    default:
        break;
    }
}

void ck_clamp_f32(const float *restrict x, float *restrict out, ptrdiff_t n, float lo, float hi) {
    for (ptrdiff_t i = 0; i < n; i++) {
        const float v = x[i];
        out[i] = v > lo ? (v < hi ? v : hi) : lo;
    }
}

/* MARK: - Batch-norm affine map */

void ck_normalize_rows_f32(const float *restrict x, const float *restrict mean, const float *restrict factor,
                           const float *restrict offset, ptrdiff_t channels, float *restrict out,
                           ptrdiff_t r_begin, ptrdiff_t r_end) {
    for (ptrdiff_t r = r_begin; r < r_end; r++) {
        const float *src = x + r * channels;
        float *dst = out + r * channels;
        for (ptrdiff_t c = 0; c < channels; c++) dst[c] = (src[c] - mean[c]) * factor[c] + offset[c];
    }
}

/* MARK: - Reductions over a middle axis */

void ck_reduce_f32(int op, const float *restrict x, ptrdiff_t outer, ptrdiff_t reduce, ptrdiff_t inner,
                   float *restrict out) {
    const int is_max = op == CK_REDUCE_MAX;
    for (ptrdiff_t o = 0; o < outer; o++) {
        const float *src = x + o * reduce * inner;
        float *dst = out + o * inner;
        if (inner == 1) {
            /* Eight partial results so the loop vectorises; combined pairwise at the end. */
            float acc[8];
            for (int j = 0; j < 8; j++) acc[j] = is_max ? -INFINITY : 0.0f;
            ptrdiff_t r = 0;
            for (; r + 8 <= reduce; r += 8)
                for (int j = 0; j < 8; j++) {
                    float v = src[r + j];
                    acc[j] = is_max ? ((v != v || v > acc[j]) ? v : acc[j]) : acc[j] + v;
                }
            for (; r < reduce; r++) {
                float v = src[r];
                acc[0] = is_max ? ((v != v || v > acc[0]) ? v : acc[0]) : acc[0] + v;
            }
            for (int width = 4; width >= 1; width /= 2)
                for (int j = 0; j < width; j++) {
                    float v = acc[j + width];
                    acc[j] = is_max ? ((v != v || v > acc[j]) ? v : acc[j]) : acc[j] + v;
                }
            dst[0] = acc[0];
            continue;
        }
        for (ptrdiff_t i = 0; i < inner; i++) dst[i] = is_max ? -INFINITY : 0.0f;
        for (ptrdiff_t r = 0; r < reduce; r++) {
            const float *row = src + r * inner;
            if (is_max) {
                for (ptrdiff_t i = 0; i < inner; i++) {
                    float v = row[i];
                    dst[i] = (v != v || v > dst[i]) ? v : dst[i];
                }
            } else {
                for (ptrdiff_t i = 0; i < inner; i++) dst[i] += row[i];
            }
        }
    }
}
