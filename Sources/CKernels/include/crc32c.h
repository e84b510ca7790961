#ifndef CKERNELS_CRC32C_H
#define CKERNELS_CRC32C_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// CRC32C (Castagnoli, reflected polynomial 0x82F63B78) of `length` bytes, continuing `crc`.
/// `crc` is an unmasked CRC value (0 to start); pre/post inversion happens inside, so
/// `ck_crc32c_extend(ck_crc32c_extend(0, a, n), b, m)` equals the CRC of `a ‖ b`.
/// Uses the SSE4.2 `crc32` instruction when the CPU has it, slicing-by-8 tables otherwise.
uint32_t ck_crc32c_extend(uint32_t crc, const void *data, size_t length);

/// Same result as `ck_crc32c_extend`, always through the portable slicing-by-8 tables.
uint32_t ck_crc32c_extend_portable(uint32_t crc, const void *data, size_t length);

/// 1 when `ck_crc32c_extend` uses a hardware instruction on this CPU, 0 otherwise.
int ck_crc32c_has_hardware(void);

#ifdef __cplusplus
}
#endif
#endif
