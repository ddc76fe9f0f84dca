// malloc_churn (benchmark): malloc/free churn through the C library's allocator. Keeps a window of
// live blocks of pseudo-random sizes (mostly small, some large), replacing a random one per step:
// free it, allocate a new block, fill it, and now and then realloc one; each block's contents are
// checked before it is freed. `rounds` times. Prints
// "malloc_churn steps=<n> rounds=<r> checksum=0x<hash>" and exits 0 (2 if a block was corrupted).
//
// Usage: malloc_churn [scale]  (argv[0] is the program name; scale, default 1, multiplies the rounds).
// Standard C only, so the same file builds natively, for riscv64 Linux and for zxsim.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 1024u
#define STEPS 50000u
#define ROUNDS 2u

struct block {
  unsigned char* data;
  uint32_t size;
  uint32_t tag;
};

static uint32_t rng = 977u;
static uint32_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static uint32_t pick_size(void) {
  uint32_t r = next();
  if ((r & 15u) == 0) return 256u + (r >> 8) % 4096u;
  return 8u + (r >> 8) % 120u;
}

static void fill(struct block* b) {
  // The first and last bytes and a stride in between carry the tag.
  for (uint32_t i = 0; i < b->size; i += 16) b->data[i] = (unsigned char)(b->tag + i);
  b->data[b->size - 1] = (unsigned char)b->tag;
}

static int intact(const struct block* b) {
  for (uint32_t i = 0; i < b->size; i += 16)
    if (b->data[i] != (unsigned char)(b->tag + i) && i != b->size - 1) return 0;
  return b->data[b->size - 1] == (unsigned char)b->tag;
}

int main(int argc, char** argv) {
  unsigned long scale = argc >= 2 ? strtoul(argv[1], NULL, 10) : 1;
  if (scale == 0) scale = 1;
  static struct block slots[SLOTS];
  uint64_t h = 0xcbf29ce484222325u;
  unsigned long rounds = ROUNDS * scale;
  for (unsigned long r = 0; r < rounds; r++) {
    for (uint32_t i = 0; i < SLOTS; i++) {
      slots[i].size = pick_size();
      slots[i].tag = next();
      slots[i].data = malloc(slots[i].size);
      if (slots[i].data == NULL) return 1;
      fill(&slots[i]);
    }
    for (uint32_t s = 0; s < STEPS; s++) {
      struct block* b = &slots[next() % SLOTS];
      if (!intact(b)) {
        printf("malloc_churn: block corrupted\n");
        return 2;
      }
      h = (h ^ b->size ^ ((uint64_t)b->tag << 24)) * 0x100000001b3u;
      if ((s & 7u) == 0) {
        // Grow or shrink in place or by moving: the prefix must survive.
        uint32_t size = pick_size();
        unsigned char* moved = realloc(b->data, size);
        if (moved == NULL) return 1;
        uint32_t kept = size < b->size ? size : b->size;
        b->data = moved;
        for (uint32_t i = 0; i + 1 < kept; i += 16) h = (h ^ moved[i]) * 0x100000001b3u;
        b->size = size;
      } else {
        free(b->data);
        b->size = pick_size();
        b->data = malloc(b->size);
        if (b->data == NULL) return 1;
      }
      b->tag = next();
      fill(b);
    }
    for (uint32_t i = 0; i < SLOTS; i++) free(slots[i].data);
  }
  printf("malloc_churn steps=%u rounds=%lu checksum=0x%016llx\n", STEPS, rounds, (unsigned long long)h);
  return 0;
}
