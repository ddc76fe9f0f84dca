// matmul (benchmark): multiplies two pseudo-random N x N matrices of 32-bit integers (wrapping
// arithmetic), `rounds` times, each round's product becoming the next left operand. Prints
// "matmul n=<n> rounds=<r> checksum=0x<sum>" and exits 0.
//
// Usage: matmul [scale]  (argv[0] is the program name; scale, default 1, multiplies the rounds).
// Standard C only, so the same file builds natively, for riscv64 Linux and for zxsim.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 96
#define ROUNDS 4u

static uint32_t a[N][N], b[N][N], c[N][N];

int main(int argc, char** argv) {
  unsigned long scale = argc >= 2 ? strtoul(argv[1], NULL, 10) : 1;
  if (scale == 0) scale = 1;
  uint32_t x = 0x2545F491u;
  for (int i = 0; i < N; i++) {
    for (int j = 0; j < N; j++) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      a[i][j] = x & 0xFFFFu;
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      b[i][j] = x & 0xFFFFu;
    }
  }
  unsigned long rounds = ROUNDS * scale;
  for (unsigned long r = 0; r < rounds; r++) {
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < N; j++) c[i][j] = 0;
      for (int k = 0; k < N; k++) {
        uint32_t aik = a[i][k];
        for (int j = 0; j < N; j++) c[i][j] += aik * b[k][j];
      }
    }
    memcpy(a, c, sizeof(a));
  }
  uint32_t sum = 0;
  for (int i = 0; i < N; i++) {
    for (int j = 0; j < N; j++) sum = sum * 31u + c[i][j];
  }
  printf("matmul n=%d rounds=%lu checksum=0x%08lx\n", N, rounds, (unsigned long)sum);
  return 0;
}
