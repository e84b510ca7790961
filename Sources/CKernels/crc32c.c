// CRC32C (Castagnoli): portable slicing-by-8 plus an SSE4.2 fast path chosen at run time.
// Self-contained: no other CKernels file depends on this one.
#include "crc32c.h"

#include <string.h>

// MARK: - Portable slicing-by-8

#define CK_CRC32C_POLY 0x82F63B78u

static uint32_t ck_crc32c_table[8][256];
static int ck_crc32c_table_ready = 0;

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
    __atomic_store_n(&ck_crc32c_table_ready, 1, __ATOMIC_RELEASE);
}

static inline uint32_t ck_load_le32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

uint32_t ck_crc32c_extend_portable(uint32_t crc, const void *data, size_t length) {
    // Building twice from two threads is harmless: both write identical values.
    if (!__atomic_load_n(&ck_crc32c_table_ready, __ATOMIC_ACQUIRE)) ck_crc32c_build_table();
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

__attribute__((target("sse4.2")))
static uint32_t ck_crc32c_extend_sse42(uint32_t crc, const void *data, size_t length) {
    const uint8_t *p = (const uint8_t *)data;
    uint64_t c = (uint32_t)~crc;
    while (length > 0 && ((uintptr_t)p & 7) != 0) {
        c = _mm_crc32_u8((uint32_t)c, *p++);
        length--;
    }
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        c = _mm_crc32_u64(c, word);
        p += 8;
        length -= 8;
    }
    while (length > 0) {
        c = _mm_crc32_u8((uint32_t)c, *p++);
        length--;
    }
    return ~(uint32_t)c;
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
