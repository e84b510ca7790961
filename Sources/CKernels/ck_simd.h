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
/* std::max(a, b) and std::min(a, b) per lane, as Eigen and so TensorFlow compute them: a NaN in `a` comes out,
 * a NaN in `b` does not (x86 maxps(b, a), which LLVM selects for this pattern). __builtin_elementwise_max is
 * IEEE maxNum instead, which drops NaN from either side: a fused ReLU or the -Inf..Inf clamp of a
 * convolution without activation would turn a NaN sum into 0 or -Inf. */
typedef int ck_i8 __attribute__((vector_size(32)));
#define CK_SELECT(mask, t, f) ((ck_v8)(((mask) & (ck_i8)(t)) | (~(mask) & (ck_i8)(f))))
#define CK_VMAX(a, b) ({ ck_v8 ck_a_ = (a), ck_b_ = (b); CK_SELECT(ck_a_ < ck_b_, ck_b_, ck_a_); })
#define CK_VMIN(a, b) ({ ck_v8 ck_a_ = (a), ck_b_ = (b); CK_SELECT(ck_b_ < ck_a_, ck_b_, ck_a_); })
/* A fused activation's clamp, as oneDNN's fused ReLU/ReLU6 (TensorFlow's CPU kernels for Conv2D/MatMul +
 * BiasAdd/FusedBatchNorm + Relu/Relu6) computes it: maxps(v, lo) then minps, so a NaN sum becomes `lo`.
 * Kernels apply it only when an activation is fused (CK_HAS_CLAMP): without one, NaN and +-Inf pass. */
#define CK_CLAMP(v, lo, hi) ({ ck_v8 ck_v_ = (v), ck_lo_ = (lo), ck_hi_ = (hi); \
    ck_v_ = CK_SELECT(ck_lo_ < ck_v_, ck_v_, ck_lo_); CK_SELECT(ck_v_ < ck_hi_, ck_v_, ck_hi_); })
#define CK_HAS_CLAMP(lo, hi) (!((lo) == -__builtin_inff() && (hi) == __builtin_inff()))
/* The scalar CK_CLAMP (tails and portable paths): NaN becomes lo only when an activation is fused. */
#define CK_CLAMP1(v, lo, hi) (!((v) > (lo)) && CK_HAS_CLAMP(lo, hi) ? (lo) : ((v) > (hi) ? (hi) : (v)))

#endif
