// allocator: checks the C library's allocator from the outside, one line per check.
//
// - calloc zeroes memory that held data before (blocks freed and handed out again, small and large);
// - blocks in use never overlap and keep their contents (a pseudo-random mix of malloc, calloc,
//   realloc and free over many sizes, every live block filled with a pattern of its own and checked
//   before it is freed);
// - realloc keeps the contents when it grows and shrinks a block;
// - memalign, aligned_alloc and posix_memalign align as asked, and their blocks can be freed;
// - malloc_usable_size covers the size asked for;
// - requests that cannot be met (calloc overflowing size_t, huge mallocs) return NULL with ENOMEM.
//
// Usage: allocator [rounds]  (default 20000 random steps). Prints `allocator: ok` and exits 0; 1
// when a check fails (the failing check is printed first).
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

// Results the compiler must not reason away: an allocation used for nothing but a NULL check may be
// assumed to succeed and removed.
static void* volatile sink;

// Called through pointers the compiler cannot see through: clang 14 takes malloc and calloc to touch
// only memory the program cannot reach, so it would read errno after them as the value stored
// before the call.
static void* (*volatile malloc_call)(size_t) = malloc;
static void* (*volatile calloc_call)(size_t, size_t) = calloc;

static void check(int ok, const char* what) {
  printf("%s %s\n", ok ? "ok" : "FAILED", what);
  if (!ok) failures++;
}

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t next_random(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

// A size spread over the small classes and, rarely, large blocks.
static size_t random_size(void) {
  uint64_t r = next_random();
  switch (r % 8) {
    case 0: return (size_t)(r >> 8) % 16 + 1;
    case 1:
    case 2: return (size_t)(r >> 8) % 128 + 1;
    case 3:
    case 4: return (size_t)(r >> 8) % 1024 + 1;
    case 5: return (size_t)(r >> 8) % 8192 + 1;
    case 6: return (size_t)(r >> 8) % 40000 + 1;
    default: return (r >> 8) % 64 == 0 ? (size_t)(r >> 16) % 300000 + 1 : (size_t)(r >> 16) % 64 + 1;
  }
}

static unsigned char pattern(uintptr_t seed, size_t i) { return (unsigned char)(seed * 131u + i * 7u + 1u); }

static int holds(const unsigned char* p, size_t size, uintptr_t seed) {
  for (size_t i = 0; i < size; i++)
    if (p[i] != pattern(seed, i)) return 0;
  return 1;
}

static void fill(unsigned char* p, size_t size, uintptr_t seed) {
  for (size_t i = 0; i < size; i++) p[i] = pattern(seed, i);
}

static int all_zero(const unsigned char* p, size_t size) {
  for (size_t i = 0; i < size; i++)
    if (p[i] != 0) return 0;
  return 1;
}

#define LIVE 256

int main(int argc, char** argv) {
  unsigned long rounds = argc >= 2 ? strtoul(argv[1], NULL, 10) : 20000;

  // calloc after free: the same sizes again get blocks that held a pattern; they must read as zero.
  static const size_t sizes[] = {1, 24, 100, 256, 1000, 4000, 20000, 32768, 40000, 200000};
  int zeroed = 1;
  for (int pass = 0; pass < 3; pass++) {
    void* blocks[sizeof sizes / sizeof sizes[0]];
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
      blocks[i] = calloc(1, sizes[i]);
      if (blocks[i] == NULL || !all_zero(blocks[i], sizes[i])) zeroed = 0;
      if (blocks[i] != NULL) memset(blocks[i], 0xa5, sizes[i]);
    }
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) free(blocks[i]);
  }
  check(zeroed, "calloc zeroes blocks that were used and freed");
  int many_zeroed = 1;
  for (int pass = 0; pass < 2; pass++) {
    uint64_t* table = calloc(512, sizeof *table);
    if (table == NULL || !all_zero((unsigned char*)table, 512 * sizeof *table)) many_zeroed = 0;
    if (table != NULL) memset(table, 0xff, 512 * sizeof *table);
    free(table);
  }
  check(many_zeroed, "calloc of an array freed dirty gives zeros");

  // A random mix; every live block holds its own pattern.
  unsigned char* live[LIVE] = {0};
  size_t live_size[LIVE] = {0};
  int intact = 1, aligned16 = 1, usable = 1, calloc_zero = 1;
  for (unsigned long step = 0; step < rounds && intact; step++) {
    unsigned slot = (unsigned)(next_random() % LIVE);
    if (live[slot] != NULL) {
      if (!holds(live[slot], live_size[slot], (uintptr_t)slot + live_size[slot])) intact = 0;
      if (next_random() % 4 == 0) {
        size_t size = random_size();
        unsigned char* grown = realloc(live[slot], size);
        if (grown == NULL) {
          intact = 0;
          break;
        }
        size_t kept = size < live_size[slot] ? size : live_size[slot];
        if (!holds(grown, kept, (uintptr_t)slot + live_size[slot])) intact = 0;
        live[slot] = grown;
        live_size[slot] = size;
        fill(grown, size, (uintptr_t)slot + size);
        continue;
      }
      free(live[slot]);
      live[slot] = NULL;
      continue;
    }
    size_t size = random_size();
    int zero = next_random() % 3 == 0;
    unsigned char* p = zero ? calloc(size, 1) : malloc(size);
    if (p == NULL) {
      intact = 0;
      break;
    }
    if (zero && !all_zero(p, size)) calloc_zero = 0;
    if (((uintptr_t)p & 15u) != 0) aligned16 = 0;
    if (malloc_usable_size(p) < size) usable = 0;
    live[slot] = p;
    live_size[slot] = size;
    fill(p, size, (uintptr_t)slot + size);
  }
  for (unsigned slot = 0; slot < LIVE; slot++) {
    if (live[slot] == NULL) continue;
    if (!holds(live[slot], live_size[slot], (uintptr_t)slot + live_size[slot])) intact = 0;
    free(live[slot]);
  }
  check(intact, "live blocks never overlap and keep their contents through malloc, calloc, realloc and free");
  check(calloc_zero, "calloc in the mix always gives zeros");
  check(aligned16, "malloc aligns to 16 bytes");
  check(usable, "malloc_usable_size covers the size asked for");

  // realloc keeps contents across classes and into and out of large blocks.
  unsigned char* r = malloc(10);
  int kept = r != NULL;
  size_t steps[] = {10, 100, 5000, 70000, 300, 3, 50000, 17};
  size_t have = 0;
  for (size_t i = 0; i < sizeof steps / sizeof steps[0] && kept; i++) {
    if (i > 0) {
      r = realloc(r, steps[i]);
      if (r == NULL || !holds(r, have < steps[i] ? have : steps[i], 77 + have)) kept = 0;
    }
    if (r != NULL) fill(r, steps[i], 77 + steps[i]);
    have = steps[i];
  }
  free(r);
  check(kept, "realloc keeps the contents when it grows and shrinks");

  // Alignment beyond 16 bytes.
  int aligned = 1;
  for (size_t alignment = 32; alignment <= 65536; alignment *= 4) {
    void* a = memalign(alignment, 100);
    void* b = aligned_alloc(alignment, alignment * 2);
    void* c = NULL;
    if (a == NULL || b == NULL || posix_memalign(&c, alignment, 7) != 0) aligned = 0;
    if (((uintptr_t)a | (uintptr_t)b | (uintptr_t)c) & (alignment - 1)) aligned = 0;
    if (a != NULL) memset(a, 1, 100);
    if (b != NULL) memset(b, 2, alignment * 2);
    if (c != NULL) memset(c, 3, 7);
    if (a != NULL && malloc_usable_size(a) < 100) aligned = 0;
    free(a);
    free(b);
    free(c);
  }
  void* refused = NULL;
  check(aligned && posix_memalign(&refused, 24, 8) == EINVAL, "memalign, aligned_alloc and posix_memalign align as asked");

  errno = 0;
  sink = calloc_call(SIZE_MAX / 2, 4);
  check(sink == NULL && errno == ENOMEM, "calloc refuses a size that overflows (ENOMEM)");
  errno = 0;
  sink = malloc_call(SIZE_MAX - 8);
  check(sink == NULL && errno == ENOMEM, "malloc refuses a size it cannot map (ENOMEM)");

  printf(failures == 0 ? "allocator: ok\n" : "allocator: %d failed\n", failures);
  return failures == 0 ? 0 : 1;
}
