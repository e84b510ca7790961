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
        for (ptrdiff_t i = 0; i < n; i++) out[i] = 1.0f / sqrtf(x[i]);
        break;
    case CK_SQRT:
        for (ptrdiff_t i = 0; i < n; i++) out[i] = sqrtf(x[i]);
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
