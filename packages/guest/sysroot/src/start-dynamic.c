// The C start-up of a dynamically linked zxsim program: everything between _start
// (start-dynamic.S) and the shared start-up (startup.c).
//
// ld.so.1 has already applied the program's relocations and bound its zx_* calls (through
// libzircon.so) to the vDSO, so this start-up neither relocates itself nor looks anything up. It
// sets up thread-local storage (tls.h), reads the processargs message from the bootstrap channel
// that came in a0 into its own frame, and checks it.
//
// The initial stack of a dynamically linked program is small: the builder sizes it to the
// bootstrap message plus PTHREAD_STACK_MIN (3 KiB), so it holds the message and little more. So
// the start-up maps a stack of its own, as Fuchsia's C library does for its main thread: the
// program's PT_GNU_STACK size, or 256 KiB without one, plus room for argv and envp, below an
// unmapped guard page. It switches to that stack and continues in __zx_startup_main; the message
// stays in this frame, which is never returned to. When the new stack cannot be made (no
// PA_VMAR_ROOT handle, or the kernel refuses), the program runs on the initial stack.
#include <stdint.h>
#include <zircon/process.h>
#include <zircon/processargs.h>
#include <zircon/syscalls.h>

#include "processargs-parse.h"
#include "runtime.h"
#include "static-pie.h"
#include "tls.h"

// Defined by ld.lld: the program's own ELF header (its load address).
ZXS_HIDDEN extern const char __ehdr_start[];

// start-dynamic.S: continues in fn(arg) on the stack whose top is `top`.
ZXS_HIDDEN __attribute__((noreturn)) void __zx_switch_stack(void* arg, void (*fn)(void*), uintptr_t top);

#define DEFAULT_STACK_SIZE ((size_t)256 << 10)
#define PAGE_END(x) (((x) + ZX_PAGE_SIZE - 1) & ~(size_t)(ZX_PAGE_SIZE - 1))
#define ZXS_PT_GNU_STACK 0x6474e551u

// What __zx_startup_main needs, carried across the stack switch.
struct start_args {
  const unsigned char* bytes;
  uint32_t num_bytes;
  const zx_proc_args_t* header;
  const zx_handle_t* handles;
  uint32_t num_handles;
};

static __attribute__((noreturn)) void run_program(void* arg) {
  const struct start_args* a = arg;
  __zx_startup_main(a->bytes, a->num_bytes, a->header, a->handles, a->num_handles);
}

// Maps a stack of `size` bytes above an unmapped guard page; returns its top (16-byte aligned), or
// 0 when the kernel refuses.
static uintptr_t map_stack(zx_handle_t root_vmar, size_t size) {
  zx_handle_t region = ZX_HANDLE_INVALID, vmo = ZX_HANDLE_INVALID;
  zx_vaddr_t region_base = 0, mapped = 0;
  zx_status_t status = zx_vmar_allocate(root_vmar, ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE | ZX_VM_CAN_MAP_SPECIFIC, 0,
                                        size + ZX_PAGE_SIZE, &region, &region_base);
  if (status != ZX_OK) return 0;
  status = zx_vmo_create(size, 0, &vmo);
  if (status == ZX_OK) {
    static const char name[] = "stack: main thread";
    zx_object_set_property(vmo, ZX_PROP_NAME, name, sizeof(name) - 1);
    status = zx_vmar_map(region, ZX_VM_SPECIFIC | ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, ZX_PAGE_SIZE, vmo, 0, size, &mapped);
    zx_handle_close(vmo);
  }
  if (status != ZX_OK) zx_vmar_destroy(region);
  zx_handle_close(region);
  return status == ZX_OK ? (mapped + size) & ~(uintptr_t)15 : 0;
}

// The root VMAR handle of the message (the first PA_VMAR_ROOT with arg 0), without taking it.
static zx_handle_t find_root_vmar(const unsigned char* bytes, const zx_proc_args_t* header, const zx_handle_t* handles,
                                  uint32_t num_handles) {
  for (uint32_t i = 0; i < num_handles; i++) {
    if (zxs_processargs_info(bytes, header, i) == PA_HND(PA_VMAR_ROOT, 0)) return handles[i];
  }
  return ZX_HANDLE_INVALID;
}

ZXS_HIDDEN __attribute__((noreturn)) void __zx_dynamic_start_main(zx_handle_t bootstrap, uintptr_t vdso_base) {
  (void)vdso_base;
  uintptr_t base = (uintptr_t)__ehdr_start;
  unsigned char tls_space[zxs_tls_space_size(base)];
  zxs_tls_install(base, tls_space);

  uint32_t num_bytes = 0, num_handles = 0;
  __zx_bootstrap_size(bootstrap, &num_bytes, &num_handles);
  uint64_t message[num_bytes / 8 + 1];
  zx_handle_t handles[num_handles + 1];
  zx_proc_args_t header;
  __zx_bootstrap_read(bootstrap, message, handles, &num_bytes, &num_handles, &header);
  const unsigned char* bytes = (const unsigned char*)message;
  struct start_args args = {bytes, num_bytes, &header, handles, num_handles};

  const zxs_elf64_phdr_t* gnu_stack = zxs_find_segment(base, ZXS_PT_GNU_STACK);
  size_t size = PAGE_END(gnu_stack != NULL && gnu_stack->p_memsz > 0 ? gnu_stack->p_memsz : DEFAULT_STACK_SIZE);
  // argv and envp: one pointer per string and a NULL after each list.
  size += PAGE_END(((size_t)header.args_num + header.environ_num + 2) * sizeof(char*));
  zx_handle_t root_vmar = find_root_vmar(bytes, &header, handles, num_handles);
  uintptr_t top = root_vmar != ZX_HANDLE_INVALID ? map_stack(root_vmar, size) : 0;
  if (top == 0) run_program(&args);
  __zx_switch_stack(&args, run_program, top);
}
