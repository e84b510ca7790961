// CRC32C (Castagnoli): portable slicing-by-8 plus an SSE4.2 fast path chosen at run time.
// Self-contained: no other CKernels file depends on this one.
#include "crc32c.h"

#include <pthread.h>
#include <string.h>

// MARK: - Portable slicing-by-8

#define CK_CRC32C_POLY 0x82F63B78u

static uint32_t ck_crc32c_table[8][256];
static pthread_once_t ck_crc32c_table_once = PTHREAD_ONCE_INIT;

static void ck_crc32c_build_table(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ CK_CRC32C_POLY : c >> 1;
        ck_crc32c_table[0][n] = c;
    }
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = ck_crc32c_table[0][n];
        for (int k = 1; k < 8; k++) {
            c = ck_crc32c_table[0][c & 0xFF] ^ (c >> 8);
            ck_crc32c_table[k][n] = c;
        }
    }
}

static inline uint32_t ck_load_le32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

uint32_t ck_crc32c_extend_portable(uint32_t crc, const void *data, size_t length) {
    pthread_once(&ck_crc32c_table_once, ck_crc32c_build_table);
    const uint8_t *p = (const uint8_t *)data;
    uint32_t c = ~crc;
    while (length > 0 && ((uintptr_t)p & 7) != 0) {
        c = ck_crc32c_table[0][(c ^ *p++) & 0xFF] ^ (c >> 8);
        length--;
    }
    while (length >= 8) {
        uint32_t lo = ck_load_le32(p) ^ c;
        uint32_t hi = ck_load_le32(p + 4);
        c = ck_crc32c_table[7][lo & 0xFF] ^ ck_crc32c_table[6][(lo >> 8) & 0xFF] ^
            ck_crc32c_table[5][(lo >> 16) & 0xFF] ^ ck_crc32c_table[4][lo >> 24] ^
            ck_crc32c_table[3][hi & 0xFF] ^ ck_crc32c_table[2][(hi >> 8) & 0xFF] ^
            ck_crc32c_table[1][(hi >> 16) & 0xFF] ^ ck_crc32c_table[0][hi >> 24];
        p += 8;
        length -= 8;
    }
    while (length > 0) {
        c = ck_crc32c_table[0][(c ^ *p++) & 0xFF] ^ (c >> 8);
        length--;
    }
    return ~c;
}

// MARK: - SSE4.2 fast path

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h>
#define CK_CRC32C_HAVE_SSE42_PATH 1

// The crc32 instruction has a latency of 3 cycles but a throughput of 1, so three independent streams
// over adjacent blocks run about three times faster. Their registers are joined with
// crc(A || B) = shift(crc(A), |B| zero bytes) ^ crc_from_zero(B), where the shift is a GF(2) matrix
// applied through byte tables built once.
#define CK_CRC32C_LONG 8192
#define CK_CRC32C_SHORT 256

static uint32_t ck_crc32c_long_shift[4][256];
static uint32_t ck_crc32c_short_shift[4][256];
static pthread_once_t ck_crc32c_shift_once = PTHREAD_ONCE_INIT;

static uint32_t ck_gf2_times(const uint32_t *matrix, uint32_t vector) {
    uint32_t sum = 0;
    for (; vector != 0; vector >>= 1, matrix++) {
        if (vector & 1) sum ^= *matrix;
    }
    return sum;
}

static void ck_gf2_square(uint32_t *square, const uint32_t *matrix) {
    for (int n = 0; n < 32; n++) square[n] = ck_gf2_times(matrix, matrix[n]);
}

/// Builds the tables that advance a CRC register over `length` zero bytes (a power of two >= 2).
static void ck_crc32c_zeros_tables(uint32_t tables[4][256], size_t length) {
    uint32_t even[32], odd[32];
    odd[0] = CK_CRC32C_POLY;  // one zero bit
    for (int n = 1; n < 32; n++) odd[n] = 1u << (n - 1);
    ck_gf2_square(even, odd);  // two zero bits
    ck_gf2_square(odd, even);  // four zero bits
    uint32_t *result = odd;
    for (;;) {
        ck_gf2_square(even, odd);  // 1, 4, 16, ... zero bytes
        length >>= 1;
        if (length == 0) { result = even; break; }
        ck_gf2_square(odd, even);  // 2, 8, 32, ... zero bytes
        length >>= 1;
        if (length == 0) { result = odd; break; }
    }
    for (uint32_t n = 0; n < 256; n++) {
        tables[0][n] = ck_gf2_times(result, n);
        tables[1][n] = ck_gf2_times(result, n << 8);
        tables[2][n] = ck_gf2_times(result, n << 16);
        tables[3][n] = ck_gf2_times(result, n << 24);
    }
}

static void ck_crc32c_build_shift_tables(void) {
    ck_crc32c_zeros_tables(ck_crc32c_long_shift, CK_CRC32C_LONG);
    ck_crc32c_zeros_tables(ck_crc32c_short_shift, CK_CRC32C_SHORT);
}

static inline uint32_t ck_crc32c_shift(uint32_t tables[4][256], uint32_t crc) {
    return tables[0][crc & 0xFF] ^ tables[1][(crc >> 8) & 0xFF] ^ tables[2][(crc >> 16) & 0xFF] ^
           tables[3][crc >> 24];
}

static inline uint64_t ck_load64(const uint8_t *p) {
    uint64_t word;
    memcpy(&word, p, 8);
    return word;
}

__attribute__((target("sse4.2")))
static uint32_t ck_crc32c_extend_sse42(uint32_t crc, const void *data, size_t length) {
    pthread_once(&ck_crc32c_shift_once, ck_crc32c_build_shift_tables);
    const uint8_t *p = (const uint8_t *)data;
    uint64_t c0 = (uint32_t)~crc;
    while (length > 0 && ((uintptr_t)p & 7) != 0) {
        c0 = _mm_crc32_u8((uint32_t)c0, *p++);
        length--;
    }
    while (length >= 3 * CK_CRC32C_LONG) {
        uint64_t c1 = 0, c2 = 0;
        const uint8_t *end = p + CK_CRC32C_LONG;
        do {
            c0 = _mm_crc32_u64(c0, ck_load64(p));
            c1 = _mm_crc32_u64(c1, ck_load64(p + CK_CRC32C_LONG));
            c2 = _mm_crc32_u64(c2, ck_load64(p + 2 * CK_CRC32C_LONG));
            p += 8;
        } while (p < end);
        c0 = ck_crc32c_shift(ck_crc32c_long_shift, (uint32_t)c0) ^ (uint32_t)c1;
        c0 = ck_crc32c_shift(ck_crc32c_long_shift, (uint32_t)c0) ^ (uint32_t)c2;
        p += 2 * CK_CRC32C_LONG;
        length -= 3 * CK_CRC32C_LONG;
    }
    while (length >= 3 * CK_CRC32C_SHORT) {
        uint64_t c1 = 0, c2 = 0;
        const uint8_t *end = p + CK_CRC32C_SHORT;
        do {
            c0 = _mm_crc32_u64(c0, ck_load64(p));
            c1 = _mm_crc32_u64(c1, ck_load64(p + CK_CRC32C_SHORT));
            c2 = _mm_crc32_u64(c2, ck_load64(p + 2 * CK_CRC32C_SHORT));
            p += 8;
        } while (p < end);
        c0 = ck_crc32c_shift(ck_crc32c_short_shift, (uint32_t)c0) ^ (uint32_t)c1;
        c0 = ck_crc32c_shift(ck_crc32c_short_shift, (uint32_t)c0) ^ (uint32_t)c2;
        p += 2 * CK_CRC32C_SHORT;
        length -= 3 * CK_CRC32C_SHORT;
    }
    while (length >= 8) {
        c0 = _mm_crc32_u64(c0, ck_load64(p));
        p += 8;
        length -= 8;
    }
    while (length > 0) {
        c0 = _mm_crc32_u8((uint32_t)c0, *p++);
        length--;
    }
    return ~(uint32_t)c0;
}
#endif

// MARK: - Dispatch

int ck_crc32c_has_hardware(void) {
#if defined(CK_CRC32C_HAVE_SSE42_PATH)
    return __builtin_cpu_supports("sse4.2") ? 1 : 0;
#else
    return 0;
#endif
}

uint32_t ck_crc32c_extend(uint32_t crc, const void *data, size_t length) {
#if defined(CK_CRC32C_HAVE_SSE42_PATH)
    if (__builtin_cpu_supports("sse4.2")) return ck_crc32c_extend_sse42(crc, data, length);
#endif
    return ck_crc32c_extend_portable(crc, data, length);
}
