// crc32 (benchmark): the CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) of a pseudo-random
// buffer, table-driven, computed `rounds` times with each round's CRC seeding the next buffer
// fill. Prints "crc32 bytes=<n> rounds=<r> checksum=0x<crc>" and exits 0 (2 if the CRC of
// "123456789" is not the standard check value).
//
// Usage: crc32 [scale]  (argv[0] is the program name; scale, default 1, multiplies the rounds).
// Standard C only, so the same file builds natively, for riscv64 Linux and for zxsim.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define BUFFER_BYTES (256u * 1024u)
#define ROUNDS 8u

static uint32_t table[256];

static void make_table(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
}

static uint32_t crc32(const uint8_t* data, size_t size) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < size; i++) c = table[(c ^ data[i]) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

// xorshift32: a deterministic fill that is the same on every platform.
static void fill(uint8_t* data, size_t size, uint32_t seed) {
  uint32_t x = seed | 1u;
  for (size_t i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    data[i] = (uint8_t)x;
  }
}

int main(int argc, char** argv) {
  make_table();
  // The standard check value: CRC-32("123456789") = 0xCBF43926.
  if (crc32((const uint8_t*)"123456789", 9) != 0xCBF43926u) {
    printf("crc32: self-test failed\n");
    return 2;
  }
  unsigned long scale = argc >= 2 ? strtoul(argv[1], NULL, 10) : 1;
  if (scale == 0) scale = 1;
  uint8_t* buffer = malloc(BUFFER_BYTES);
  if (buffer == NULL) return 1;
  uint32_t crc = 0x12345678u;
  unsigned long rounds = ROUNDS * scale;
  for (unsigned long r = 0; r < rounds; r++) {
    fill(buffer, BUFFER_BYTES, crc);
    crc = crc32(buffer, BUFFER_BYTES);
  }
  printf("crc32 bytes=%u rounds=%lu checksum=0x%08lx\n", BUFFER_BYTES, rounds, (unsigned long)crc);
  free(buffer);
  return 0;
}
