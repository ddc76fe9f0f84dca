// The C library's allocator, in place of picolibc's nano-malloc (a first-fit walk of one free
// list, whose cost grows with the number of free blocks): segregated size classes.
//
// Every block starts with a 16-byte header (so payloads keep malloc's 16-byte alignment) saying
// what it is:
// - small (up to SMALL_MAX bytes): one of CLASS_COUNT size classes, four per power of two from 16
//   bytes, so at most a fifth is lost to rounding. Each class keeps a singly linked list of free
//   blocks; an empty list is refilled by cutting a span of SPAN bytes (from sbrk, heap.c) into
//   blocks. malloc and free are a few loads and stores under the lock; freed memory stays with
//   its class.
// - large: its own VMO mapped into the root VMAR, unmapped by free (so big buffers go back to the
//   kernel).
// - aligned: a block from memalign and friends whose alignment exceeds 16 bytes; its header
//   records the distance back to the block really allocated.
// One futex lock (lock.h) makes it safe for threads.
//
// The exported calls work through the internal allocate() and release(), never through malloc()
// and free() themselves: a compiler knows what malloc and free mean and optimizes their callers
// accordingly. calloc reading the header in front of what malloc returned is, to it, a read out of
// bounds, which it may drop together with the memset that depends on it (clang did: calloc became
// a bare tail call of malloc, and reused blocks came back unzeroed).
#include <errno.h>
#include <malloc.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>

#include "lock.h"

#define HEADER 16u
#define MIN_CLASS_SIZE 16u
#define SMALL_MAX ((size_t)32768)
#define SPAN ((size_t)65536)
#define PAGE ((size_t)4096)

enum { KIND_SMALL = 1, KIND_LARGE = 2, KIND_ALIGNED = 3 };

typedef struct {
  uint32_t kind;
  uint32_t size_class;  // small: the class index
  size_t size;          // small: the class's block size; large: the mapping's size; aligned: the offset
} header_t;

_Static_assert(sizeof(header_t) == HEADER, "the header keeps payloads 16-byte aligned");

static header_t* header_of(void* p) { return (header_t*)((unsigned char*)p - HEADER); }

typedef struct free_block {
  struct free_block* next;
} free_block_t;

// Four classes per power of two: 16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, ...
#define CLASS_COUNT 48
static size_t class_sizes[CLASS_COUNT];
static unsigned class_count;
static free_block_t* free_lists[CLASS_COUNT];
static unsigned char* span_next;
static size_t span_left;
static size_t heap_bytes;  // taken from sbrk
static zxs_lock_t heap_lock = ZXS_LOCK_INIT;

static void init_classes(void) {
  unsigned n = 0;
  for (size_t size = MIN_CLASS_SIZE; size <= 128; size += 16) class_sizes[n++] = size;
  for (size_t base = 128; n < CLASS_COUNT && base < SMALL_MAX + HEADER; base *= 2) {
    for (unsigned step = 1; step <= 4 && n < CLASS_COUNT; step++) class_sizes[n++] = base + step * (base / 4);
  }
  class_count = n;
}

// The class of a block of `total` bytes (header included): the first whose size holds it.
static unsigned class_of(size_t total) {
  if (total <= 128) return (unsigned)((total + 15) / 16) - 1;
  // Past 128: four classes per power of two.
  unsigned log = 63u - (unsigned)__builtin_clzll((unsigned long long)(total - 1));  // 2^log < total <= 2^(log+1)
  size_t base = (size_t)1 << log;
  unsigned step = (unsigned)((total - base + base / 4 - 1) / (base / 4));  // 1..4
  return 7 + (log - 7) * 4 + step;
}

// A fresh block of class `c` cut from the current span (a new span when it is used up), or NULL.
static header_t* carve(unsigned c) {
  size_t size = class_sizes[c];
  if (span_left < size) {
    size_t want = size > SPAN ? size : SPAN;
    void* got = sbrk((ptrdiff_t)want);
    if (got == (void*)-1) return NULL;
    heap_bytes += want;
    // What is left of the old span goes to the classes that fit it, largest first.
    while (span_left >= MIN_CLASS_SIZE) {
      unsigned fit = 0;
      while (fit + 1 < class_count && class_sizes[fit + 1] <= span_left) fit++;
      free_block_t* block = (free_block_t*)(span_next + HEADER);
      ((header_t*)span_next)->kind = KIND_SMALL;
      ((header_t*)span_next)->size_class = fit;
      ((header_t*)span_next)->size = class_sizes[fit];
      block->next = free_lists[fit];
      free_lists[fit] = block;
      span_next += class_sizes[fit];
      span_left -= class_sizes[fit];
    }
    span_next = got;
    span_left = want;
  }
  header_t* header = (header_t*)span_next;
  span_next += size;
  span_left -= size;
  header->kind = KIND_SMALL;
  header->size_class = c;
  header->size = size;
  return header;
}

static void* large_alloc(size_t size) {
  if (size > SIZE_MAX - HEADER - PAGE) return NULL;
  size_t total = (size + HEADER + PAGE - 1) & ~(PAGE - 1);
  zx_handle_t vmo;
  if (zx_vmo_create(total, 0, &vmo) != ZX_OK) return NULL;
  static const char name[] = "malloc";
  zx_object_set_property(vmo, ZX_PROP_NAME, name, sizeof(name) - 1);
  zx_vaddr_t address = 0;
  zx_status_t status =
      zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, total, &address);
  zx_handle_close(vmo);
  if (status != ZX_OK) return NULL;
  header_t* header = (header_t*)address;
  header->kind = KIND_LARGE;
  header->size = total;
  return (unsigned char*)header + HEADER;
}

static void* allocate(size_t size) {
  if (size == 0) size = 1;
  if (size > SMALL_MAX) {
    void* p = large_alloc(size);
    if (p == NULL) errno = ENOMEM;
    return p;
  }
  zxs_lock(&heap_lock);
  if (class_count == 0) init_classes();
  unsigned c = class_of(size + HEADER);
  free_block_t* block = free_lists[c];
  void* p;
  if (block != NULL) {
    free_lists[c] = block->next;
    p = block;
  } else {
    header_t* header = carve(c);
    p = header == NULL ? NULL : (unsigned char*)header + HEADER;
  }
  zxs_unlock(&heap_lock);
  if (p == NULL) errno = ENOMEM;
  return p;
}


void* malloc(size_t size) { return allocate(size); }

// The block allocate returned for `p` (the start of an aligned block's real allocation).
static void* base_of(void* p) {
  header_t* header = header_of(p);
  return header->kind == KIND_ALIGNED ? (unsigned char*)p - header->size : p;
}

static void release(void* p) {
  if (p == NULL) return;
  p = base_of(p);
  header_t* header = header_of(p);
  if (header->kind == KIND_LARGE) {
    zx_vmar_unmap(zx_vmar_root_self(), (zx_vaddr_t)header, header->size);
    return;
  }
  if (header->kind != KIND_SMALL || header->size_class >= CLASS_COUNT) __builtin_trap();  // not ours
  zxs_lock(&heap_lock);
  free_block_t* block = p;
  block->next = free_lists[header->size_class];
  free_lists[header->size_class] = block;
  zxs_unlock(&heap_lock);
}

void free(void* p) { release(p); }

static size_t usable_size(void* p) {
  if (p == NULL) return 0;
  header_t* header = header_of(p);
  if (header->kind == KIND_ALIGNED) {
    void* base = base_of(p);
    return usable_size(base) - (size_t)((unsigned char*)p - (unsigned char*)base);
  }
  return header->size - HEADER;
}

size_t malloc_usable_size(void* p) { return usable_size(p); }

void* calloc(size_t count, size_t size) {
  size_t total;
  if (__builtin_mul_overflow(count, size, &total)) {
    errno = ENOMEM;
    return NULL;
  }
  void* p = allocate(total);
  // A large block is a fresh VMO, zero already.
  if (p != NULL && header_of(p)->kind == KIND_SMALL) memset(p, 0, total);
  return p;
}

void* realloc(void* p, size_t size) {
  if (p == NULL) return allocate(size);
  if (size == 0) {
    release(p);
    return NULL;
  }
  size_t usable = usable_size(p);
  header_t* header = header_of(p);
  // Stays where it is when it fits and would not waste most of the block.
  if (size <= usable && (header->kind != KIND_SMALL || size + HEADER > header->size / 2)) return p;
  void* q = allocate(size);
  if (q == NULL) return NULL;
  memcpy(q, p, usable < size ? usable : size);
  release(p);
  return q;
}

void* memalign(size_t alignment, size_t size) {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
    errno = EINVAL;
    return NULL;
  }
  if (alignment <= HEADER) return allocate(size);
  if (size > SIZE_MAX - alignment - HEADER) {
    errno = ENOMEM;
    return NULL;
  }
  unsigned char* base = allocate(size + alignment + HEADER);
  if (base == NULL) return NULL;
  uintptr_t aligned = ((uintptr_t)base + HEADER + alignment - 1) & ~(uintptr_t)(alignment - 1);
  header_t* header = header_of((void*)aligned);
  header->kind = KIND_ALIGNED;
  header->size = aligned - (uintptr_t)base;
  return (void*)aligned;
}

void* aligned_alloc(size_t alignment, size_t size) { return memalign(alignment, size); }

int posix_memalign(void** out, size_t alignment, size_t size) {
  if (alignment < sizeof(void*) || (alignment & (alignment - 1)) != 0) return EINVAL;
  void* p = memalign(alignment, size);
  if (p == NULL) return ENOMEM;
  *out = p;
  return 0;
}

void* valloc(size_t size) { return memalign(PAGE, size); }
void* pvalloc(size_t size) { return memalign(PAGE, (size + PAGE - 1) & ~(PAGE - 1)); }
void cfree(void* p) { release(p); }

// picolibc's statistics and tuning calls, so a program using them does not pull nano-malloc in
// beside this allocator: the heap's size and the free blocks of the small classes.
struct mallinfo mallinfo(void) {
  struct mallinfo info;
  memset(&info, 0, sizeof info);
  zxs_lock(&heap_lock);
  size_t free_bytes = span_left, free_blocks = 0;
  for (unsigned c = 0; c < class_count; c++) {
    for (free_block_t* b = free_lists[c]; b != NULL; b = b->next) free_bytes += class_sizes[c], free_blocks++;
  }
  info.arena = heap_bytes;
  zxs_unlock(&heap_lock);
  info.ordblks = free_blocks;
  info.fordblks = free_bytes;
  info.uordblks = info.arena - free_bytes;
  return info;
}

void malloc_stats(void) {
  struct mallinfo info = mallinfo();
  fprintf(stderr, "heap bytes = %10zu\nin use     = %10zu\nfree       = %10zu\n", info.arena, info.uordblks,
          info.fordblks);
}

int malloc_trim(size_t pad) {
  (void)pad;
  return 0;
}

// No parameter is tunable: every call is refused (0), as mallopt does for an unknown one.
int mallopt(int parameter, int value) {
  (void)parameter;
  (void)value;
  return 0;
}
