/*
 * Private: the 8-lane float vector used by the *_body.h kernel templates.
 *
 * Each body is included once per instruction set with CK_FN(name) giving the function-name suffix; for
 * AVX2 the includer wraps it in `#pragma clang attribute push(target("avx2,fma"))`. Clang lowers the same
 * vector code to SSE2 or NEON at the baseline and to AVX2/FMA inside the pragma.
 */
#ifndef CK_SIMD_H
#define CK_SIMD_H
#include <string.h>

typedef float ck_v8 __attribute__((vector_size(32)));

#define CK_SPLAT(x) ((ck_v8){(x), (x), (x), (x), (x), (x), (x), (x)})

#if defined(__x86_64__) || defined(__i386__)
#define CK_HAVE_AVX2_BUILD 1
#define CK_AVX2_BEGIN _Pragma("clang attribute push(__attribute__((target(\"avx2,fma\"))), apply_to = function)")
#define CK_AVX2_END _Pragma("clang attribute pop")
#else
#define CK_HAVE_AVX2_BUILD 0
#endif

/* Unaligned load/store and lane-wise min/max; macros so no vector crosses a function boundary (ABI). */
#define CK_LOAD(p) ({ ck_v8 ck_l_; memcpy(&ck_l_, (p), sizeof ck_l_); ck_l_; })
#define CK_STORE(p, v) do { ck_v8 ck_s_ = (v); memcpy((p), &ck_s_, sizeof ck_s_); } while (0)
#define CK_VMAX(a, b) __builtin_elementwise_max((a), (b))
#define CK_VMIN(a, b) __builtin_elementwise_min((a), (b))
#define CK_CLAMP(v, lo, hi) CK_VMIN(CK_VMAX((v), (lo)), (hi))

#endif
