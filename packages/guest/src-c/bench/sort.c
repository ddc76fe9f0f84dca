// sort (benchmark): sorts pseudo-random 32-bit integers with its own quicksort (median of three,
// insertion sort for short ranges; not the C library's qsort, so every platform runs the same
// code), `rounds` times on fresh data. Checks the result is ordered. Prints
// "sort count=<n> rounds=<r> checksum=0x<hash>" and exits 0 (2 if a result was out of order).
//
// Usage: sort [scale]  (argv[0] is the program name; scale, default 1, multiplies the rounds).
// Standard C only, so the same file builds natively, for riscv64 Linux and for zxsim.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define COUNT 50000u
#define ROUNDS 2u

static void insertion_sort(uint32_t* v, long lo, long hi) {
  for (long i = lo + 1; i <= hi; i++) {
    uint32_t key = v[i];
    long j = i - 1;
    while (j >= lo && v[j] > key) {
      v[j + 1] = v[j];
      j--;
    }
    v[j + 1] = key;
  }
}

static void swap(uint32_t* v, long i, long j) {
  uint32_t t = v[i];
  v[i] = v[j];
  v[j] = t;
}

static void quicksort(uint32_t* v, long lo, long hi) {
  while (hi - lo > 16) {
    long mid = lo + (hi - lo) / 2;
    if (v[mid] < v[lo]) swap(v, mid, lo);
    if (v[hi] < v[lo]) swap(v, hi, lo);
    if (v[hi] < v[mid]) swap(v, hi, mid);
    uint32_t pivot = v[mid];
    long i = lo, j = hi;
    while (i <= j) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i <= j) {
        swap(v, i, j);
        i++;
        j--;
      }
    }
    // Recurse into the smaller side, loop on the larger: the stack stays logarithmic.
    if (j - lo < hi - i) {
      quicksort(v, lo, j);
      lo = i;
    } else {
      quicksort(v, i, hi);
      hi = j;
    }
  }
  insertion_sort(v, lo, hi);
}

int main(int argc, char** argv) {
  unsigned long scale = argc >= 2 ? strtoul(argv[1], NULL, 10) : 1;
  if (scale == 0) scale = 1;
  uint32_t* v = malloc(COUNT * sizeof(uint32_t));
  if (v == NULL) return 1;
  uint32_t x = 0xC0FFEE11u, hash = 2166136261u;
  unsigned long rounds = ROUNDS * scale;
  for (unsigned long r = 0; r < rounds; r++) {
    for (uint32_t i = 0; i < COUNT; i++) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      v[i] = x;
    }
    quicksort(v, 0, (long)COUNT - 1);
    for (uint32_t i = 0; i < COUNT; i++) {
      if (i > 0 && v[i - 1] > v[i]) {
        printf("sort: out of order at %u\n", (unsigned)i);
        return 2;
      }
      hash = (hash ^ v[i]) * 16777619u;
    }
  }
  printf("sort count=%u rounds=%lu checksum=0x%08lx\n", COUNT, rounds, (unsigned long)hash);
  free(v);
  return 0;
}
