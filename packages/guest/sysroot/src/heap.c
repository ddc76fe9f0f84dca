// sbrk for picolibc's malloc: a heap in a range reserved in the root VMAR, backed by one VMO that
// is mapped a chunk at a time as the break grows.
//
// The first call reserves HEAP_RESERVE bytes of address space (a child VMAR that may map read+write
// at specific offsets) and creates a VMO of the same size; VMO pages cost nothing until touched.
// Growing the break maps the next HEAP_CHUNK-sized pieces of the VMO at the matching offsets.
// Past HEAP_RESERVE, or when the kernel refuses, sbrk fails with ENOMEM (malloc then returns NULL).
// Shrinking moves the break back but keeps the mappings.
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/syscalls.h>

#include "runtime.h"

#define HEAP_RESERVE ((size_t)1 << 30)
#define HEAP_CHUNK ((size_t)1 << 20)

static zx_handle_t root_vmar = ZX_HANDLE_INVALID;
static zx_handle_t heap_vmar = ZX_HANDLE_INVALID;
static zx_handle_t heap_vmo = ZX_HANDLE_INVALID;
static uintptr_t heap_base;
static size_t heap_break;   // bytes in use, from heap_base
static size_t heap_mapped;  // bytes mapped, from heap_base
static int heap_failed;

void __zx_heap_init(zx_handle_t vmar) { root_vmar = vmar; }

static int heap_reserve(void) {
  if (heap_failed || root_vmar == ZX_HANDLE_INVALID) return -1;
  zx_vaddr_t base = 0;
  zx_status_t status = zx_vmar_allocate(root_vmar, ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE | ZX_VM_CAN_MAP_SPECIFIC, 0,
                                        HEAP_RESERVE, &heap_vmar, &base);
  if (status == ZX_OK) status = zx_vmo_create(HEAP_RESERVE, 0, &heap_vmo);
  if (status != ZX_OK) {
    heap_failed = 1;
    return -1;
  }
  static const char name[] = "heap";
  zx_object_set_property(heap_vmo, ZX_PROP_NAME, name, sizeof(name) - 1);
  heap_base = base;
  return 0;
}

void* sbrk(ptrdiff_t increment) {
  if (heap_base == 0 && heap_reserve() != 0) {
    errno = ENOMEM;
    return (void*)-1;
  }
  size_t old_break = heap_break;
  if (increment < 0 ? (size_t)-increment > old_break : (size_t)increment > HEAP_RESERVE - old_break) {
    errno = ENOMEM;
    return (void*)-1;
  }
  size_t new_break = old_break + (size_t)increment;
  while (heap_mapped < new_break) {
    zx_vaddr_t mapped = 0;
    zx_status_t status = zx_vmar_map(heap_vmar, ZX_VM_SPECIFIC | ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, heap_mapped,
                                     heap_vmo, heap_mapped, HEAP_CHUNK, &mapped);
    if (status != ZX_OK) {
      errno = ENOMEM;
      return (void*)-1;
    }
    heap_mapped += HEAP_CHUNK;
  }
  heap_break = new_break;
  return (void*)(heap_base + old_break);
}
