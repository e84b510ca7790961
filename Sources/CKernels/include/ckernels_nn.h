#ifndef CKERNELS_NN_H
#define CKERNELS_NN_H
/*
 * Float32 neural-network kernels over NHWC activations.
 *
 * Every kernel takes an instruction-set selector (`ck_isa`) so tests can compare the SIMD paths with the
 * portable scalar fallback, and a half-open range of output rows so callers can split work over threads.
 * Shapes are validated by the Swift layer before these are called; the kernels trust them.
 */
#include <stddef.h>

/* MARK: - Instruction sets */

typedef enum {
    CK_ISA_SCALAR = 0, /* plain C loops, always available */
    CK_ISA_VECTOR = 1, /* compiler vector extensions at the baseline ISA: NEON on arm64, SSE2 on x86-64 */
    CK_ISA_AVX2 = 2,   /* x86-64 AVX2 + FMA, chosen at run time */
    CK_ISA_AVX512 = 3, /* x86-64 AVX-512F GEMM, depthwise and pooling when the CPU has it; the other kernels use AVX2 */
} ck_isa;

/* Whether `isa` can run on this CPU. */
int ck_isa_available(int isa);

/* Sets this thread's floating-point mode to flush denormal inputs and results to zero (x86 MXCSR DAZ+FTZ,
 * AArch64 FPCR.FZ), as TensorFlow runs its kernels; returns the previous mode for ck_flush_denormals_end. */
unsigned long ck_flush_denormals_begin(void);
void ck_flush_denormals_end(unsigned long saved);
/* The fastest available instruction set. */
int ck_best_isa(void);

/* MARK: - GEMM */

/* Width of one packed panel of B (columns). */
#define CK_GEMM_NR 16

/* Floats needed to pack a K x N matrix B: ceil(N / 16) panels of K x 16. */
size_t ck_gemm_packed_b_count(ptrdiff_t k, ptrdiff_t n);

/* Packs row-major B (K x N, row stride ldb) into panels of 16 columns, zero-padded on the right. */
void ck_gemm_pack_b(ptrdiff_t k, ptrdiff_t n, const float *b, ptrdiff_t ldb, float *packed);

/*
 * C[m, :] = clamp(A[m, :] * B + bias, lo, hi) for rows m in [m_begin, m_end).
 * A is row-major M x K (row stride lda), B is packed by ck_gemm_pack_b, C is row-major M x N (row stride
 * ldc). `bias` (N floats) may be NULL. Use -INFINITY / INFINITY for no clamp.
 */
void ck_gemm_rows(int isa, ptrdiff_t m_begin, ptrdiff_t m_end, ptrdiff_t k, ptrdiff_t n,
                  const float *a, ptrdiff_t lda, const float *packed_b, const float *bias,
                  float lo, float hi, float *c, ptrdiff_t ldc);

/* MARK: - Convolution */

/* Geometry of a 2-D window over an NHWC tensor; padding is given as the cells before the first row/column. */
typedef struct {
    ptrdiff_t batch, in_h, in_w, in_c;
    ptrdiff_t out_h, out_w, out_c;
    ptrdiff_t k_h, k_w;
    ptrdiff_t stride_h, stride_w;
    ptrdiff_t dilation_h, dilation_w;
    ptrdiff_t pad_top, pad_left;
} ck_window;

/* Scratch floats one thread needs for ck_conv2d_rows (0 for a plain 1x1 convolution). */
size_t ck_conv2d_scratch_count(const ck_window *w);

/*
 * Conv2D over output pixels p in [p_begin, p_end), p = (n * out_h + y) * out_w + x.
 * input: NHWC (batch, in_h, in_w, in_c); filter: HWIO packed by ck_gemm_pack_b as a
 * (k_h * k_w * in_c) x out_c matrix; output: NHWC (batch, out_h, out_w, out_c); bias: out_c floats or NULL.
 */
void ck_conv2d_rows(int isa, const ck_window *w, const float *input, const float *packed_filter,
                    const float *bias, float lo, float hi, float *output,
                    ptrdiff_t p_begin, ptrdiff_t p_end, float *scratch);

/*
 * The receptive fields of output pixels p in [p_begin, p_end) (p = (n * out_h + y) * out_w + x) as rows of
 * k_h * k_w * in_c floats (HWI order, zeros for padded cells): row p - p_begin of `cols`. input: NHWC.
 */
void ck_im2col_rows(const ck_window *w, const float *input, ptrdiff_t p_begin, ptrdiff_t p_end, float *cols);

/* MARK: - Convolution gradients (conv_backward.c, depthwise_backward.c) */

/* Scratch floats one thread needs for ck_conv2d_backprop_filter_rows / ck_conv2d_backprop_input_images. */
size_t ck_conv2d_backprop_filter_scratch_count(const ck_window *w);
size_t ck_conv2d_backprop_input_scratch_count(const ck_window *w);

/*
 * Adds to dw (HWIO, a (k_h * k_w * in_c) x out_c matrix) the filter gradient of output pixels
 * p in [p_begin, p_end): im2col(input)^T x dy on the GEMM kernels, in tiles of pixels.
 * input: NHWC (batch, in_h, in_w, in_c); dy: NHWC (batch, out_h, out_w, out_c).
 */
void ck_conv2d_backprop_filter_rows(int isa, const ck_window *w, const float *input, const float *dy, float *dw,
                                    ptrdiff_t p_begin, ptrdiff_t p_end, float *scratch);

/*
 * The input gradient of images n in [n_begin, n_end): dx (NHWC) is overwritten there with
 * col2im(dy x W^T), the window rows computed on the GEMM kernels. packed_wt: the filter transposed, an
 * out_c x (k_h * k_w * in_c) matrix packed by ck_gemm_pack_b. Padded cells receive nothing.
 */
void ck_conv2d_backprop_input_images(int isa, const ck_window *w, const float *dy, const float *packed_wt, float *dx,
                                     ptrdiff_t n_begin, ptrdiff_t n_end, float *scratch);

/*
 * Depthwise input gradient of images n in [n_begin, n_end), overwritten in dx (NHWC, in_c channels):
 * dx[n, iy, ix, c] = sum over the taps reading (iy, ix) of sum_m filter[ky, kx, c, m] * dy[n, y, x, c * multiplier + m].
 * filter: (k_h, k_w, in_c, multiplier); dy: NHWC with in_c * multiplier channels.
 */
void ck_depthwise_backprop_input_images(int isa, const ck_window *w, ptrdiff_t multiplier, const float *filter,
                                        const float *dy, float *dx, ptrdiff_t n_begin, ptrdiff_t n_end);

/*
 * Adds to dw ((k_h, k_w, in_c, multiplier)) the depthwise filter gradient of output rows r in
 * [r_begin, r_end), r = n * out_h + y: dw[ky, kx, c, m] += input[n, iy, ix, c] * dy[n, y, x, c * multiplier + m].
 */
void ck_depthwise_backprop_filter_rows(int isa, const ck_window *w, ptrdiff_t multiplier, const float *input,
                                       const float *dy, float *dw, ptrdiff_t r_begin, ptrdiff_t r_end);

/*
 * Depthwise Conv2D over output rows r in [r_begin, r_end), r = n * out_h + y.
 * input: NHWC with in_c channels; filter: (k_h, k_w, in_c, multiplier); output: NHWC with
 * out_c = in_c * multiplier channels, channel c * multiplier + m; bias: out_c floats or NULL.
 */
void ck_depthwise_rows(int isa, const ck_window *w, ptrdiff_t multiplier, const float *input,
                       const float *filter, const float *bias, float lo, float hi, float *output,
                       ptrdiff_t r_begin, ptrdiff_t r_end);

/*
 * Whether ck_depthwise_relu_input_rows covers this shape on this instruction set (multiplier 1 and the
 * register-blocked AVX2/AVX-512 kernels' shapes); callers apply the ReLU to the input themselves otherwise.
 */
int ck_depthwise_relu_input_supported(int isa, const ck_window *w, ptrdiff_t multiplier);

/* ck_depthwise_rows (multiplier 1) of relu(input), each input element clamped as it is read. */
void ck_depthwise_relu_input_rows(int isa, const ck_window *w, const float *input, const float *filter,
                                  const float *bias, float lo, float hi, float *output, ptrdiff_t r_begin,
                                  ptrdiff_t r_end);

/* MARK: - Pooling */

/*
 * Average pooling over output rows r in [r_begin, r_end), r = n * out_h + y; in_c == out_c, dilation 1.
 * Padded cells are excluded from the divisor (TensorFlow's SAME semantics).
 */
void ck_avgpool_rows(int isa, const ck_window *w, const float *input, float *output,
                     ptrdiff_t r_begin, ptrdiff_t r_end);

/* Max pooling over output rows r in [r_begin, r_end); padded cells are ignored. */
void ck_maxpool_rows(int isa, const ck_window *w, const float *input, float *output,
                     ptrdiff_t r_begin, ptrdiff_t r_end);

/* MARK: - Element-wise float32 */

typedef enum { CK_ADD = 0, CK_SUB = 1, CK_MUL = 2, CK_DIV = 3, CK_MAX = 4, CK_MIN = 5 } ck_binary_op;

/*
 * out[i] = a[i * a_stride] op b[i * b_stride] for i < n. Strides 0 (broadcast) and 1 take vectorised
 * loops. Maximum and minimum propagate NaN from either operand.
 */
void ck_binary_f32(int op, const float *a, ptrdiff_t a_stride, const float *b, ptrdiff_t b_stride, float *out,
                   ptrdiff_t n);

/*
 * Concatenation of row-major parts along their last (flattened) axis, some parts being sums: row r of
 * `out` holds, part after part, a[p][r * widths[p] + j] (+ b[p][r * widths[p] + j] when b[p] is not
 * NULL) for j < widths[p], and with `relu` each such value v as v < 0 ? 0 : v (the Relu kernel's rule: NaN
 * stays NaN). Fills rows r_begin..r_end-1.
 */
void ck_concat_sums_f32(int isa, ptrdiff_t r_begin, ptrdiff_t r_end, ptrdiff_t parts, const float *const *a,
                        const float *const *b, const ptrdiff_t *widths, int relu, float *out);

typedef enum { CK_RELU = 0, CK_RELU6 = 1, CK_RSQRT = 2, CK_SQRT = 3, CK_SQUARE = 4, CK_FLOOR = 5 } ck_unary_op;

/* out[i] = x[i] > lo ? min(x[i], hi) : lo for i < n (a fused activation's clamp: NaN becomes lo). */
void ck_clamp_f32(const float *x, float *out, ptrdiff_t n, float lo, float hi);

/* out[i] = op(x[i]) for i < n; ReLU and ReLU6 pass NaN through. */
void ck_unary_f32(int op, const float *x, float *out, ptrdiff_t n);

/*
 * Batch-norm style affine map over rows of `channels` floats: out[r, c] = (x[r, c] - mean[c]) * factor[c] +
 * offset[c] for rows r in [r_begin, r_end).
 */
void ck_normalize_rows_f32(const float *x, const float *mean, const float *factor, const float *offset,
                           ptrdiff_t channels, float *out, ptrdiff_t r_begin, ptrdiff_t r_end);

/* MARK: - Batch normalization sums (batchnorm.c); x, dy: (rows x channels), rows r in [r_begin, r_end) */

/* out[c] += sum of x[r, c] (center NULL) or of ((double)x[r, c] - center[c])^2, in double. */
void ck_channel_sums_f64(const float *x, ptrdiff_t channels, const double *center, ptrdiff_t r_begin, ptrdiff_t r_end,
                         double *out);

/* sum_dy[c] += dy[r, c]; sum_dy_xc[c] += dy[r, c] * (x[r, c] - mean[c]), in double. */
void ck_batchnorm_grad_sums_f64(const float *dy, const float *x, const float *mean, ptrdiff_t channels,
                                ptrdiff_t r_begin, ptrdiff_t r_end, double *sum_dy, double *sum_dy_xc);

/*
 * The input gradient of batch normalization: training, gamma * rsqrt * (dy - mean_dy - (x - mean) *
 * mean_dy_xc * rsqrt * rsqrt); inference, dy * gamma * rsqrt (per channel vectors of `channels` floats).
 */
void ck_batchnorm_grad_dx_rows(const float *dy, const float *x, const float *mean, const float *gamma,
                               const float *rsqrt, const float *mean_dy, const float *mean_dy_xc, int training,
                               ptrdiff_t channels, float *dx, ptrdiff_t r_begin, ptrdiff_t r_end);

typedef enum { CK_REDUCE_SUM = 0, CK_REDUCE_MAX = 1 } ck_reduce_op;

/*
 * Reduces x viewed as (outer, reduce, inner) over its middle axis into out (outer, inner): sums, or
 * maxima starting from -infinity (NaN propagates).
 */
void ck_reduce_f32(int op, const float *x, ptrdiff_t outer, ptrdiff_t reduce, ptrdiff_t inner, float *out);

#endif
