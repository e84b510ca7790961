#include "ckernels_nn.h"

static int ck_detect_avx512(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

static int ck_detect_avx2(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

int ck_isa_available(int isa) {
    /* Benign race: every thread computes the same value. */
    static int avx2 = -1, avx512 = -1;
    switch (isa) {
    case CK_ISA_SCALAR:
    case CK_ISA_VECTOR:
        return 1;
    case CK_ISA_AVX2:
        if (avx2 < 0) avx2 = ck_detect_avx2();
        return avx2;
    case CK_ISA_AVX512:
        if (avx512 < 0) avx512 = ck_detect_avx512();
        return avx512;
    default:
        return 0;
    }
}

int ck_best_isa(void) {
    if (ck_isa_available(CK_ISA_AVX512)) return CK_ISA_AVX512;
    return ck_isa_available(CK_ISA_AVX2) ? CK_ISA_AVX2 : CK_ISA_VECTOR;
}

/* MARK: - Denormals (TensorFlow's executor runs every kernel with them flushed: port::ScopedFlushDenormal) */

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define CK_MXCSR_DAZ_FTZ 0x8040u /* DAZ (bit 6): denormal inputs read as 0; FTZ (bit 15): denormal results 0 */
unsigned long ck_flush_denormals_begin(void) {
    const unsigned csr = _mm_getcsr();
    _mm_setcsr(csr | CK_MXCSR_DAZ_FTZ);
    return csr;
}
void ck_flush_denormals_end(unsigned long saved) { _mm_setcsr((unsigned)saved); }
#elif defined(__aarch64__)
unsigned long ck_flush_denormals_begin(void) {
    unsigned long fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    __asm__ volatile("msr fpcr, %0" : : "r"(fpcr | (1ul << 24))); /* FZ: inputs and results */
    return fpcr;
}
void ck_flush_denormals_end(unsigned long saved) { __asm__ volatile("msr fpcr, %0" : : "r"(saved)); }
#else
unsigned long ck_flush_denormals_begin(void) { return 0; }
void ck_flush_denormals_end(unsigned long saved) { (void)saved; }
#endif
