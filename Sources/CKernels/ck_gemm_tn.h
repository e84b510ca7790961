/*
 * Private: C += A^T B without packing, the GEMM of filter gradients (gemm_tn.c).
 *
 * A is k x m (row stride lda), B is k x n (row stride ldb), C is m x n (row stride ldc). Each element
 * C[i][j] gets one sum, sum_p A[p][i] * B[p][j] for p = 0..k-1 in that order starting from 0 (fused
 * multiply-adds on the AVX2 and AVX-512 paths), added to C once at the end: the same numbers as the packed
 * GEMM (ck_gemm_rows) of the transposed A with K = k, added to C.
 *
 * `scratch` holds ck_gemm_tn_scratch_count(k) floats (the zero-padded last 16 columns of B on the paths
 * without lane masks).
 */
#ifndef CK_GEMM_TN_H
#define CK_GEMM_TN_H
#include <stddef.h>

size_t ck_gemm_tn_scratch_count(ptrdiff_t k);

void ck_gemm_tn_acc(int isa, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda, const float *b,
                    ptrdiff_t ldb, float *c, ptrdiff_t ldc, float *scratch);

#endif
