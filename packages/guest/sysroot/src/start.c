// The C start-up of a zxsim static PIE: everything between _start (start.S) and the shared
// start-up (startup.c).
//
// 1. __zx_static_pie_relocate applies the program's R_RISCV_RELATIVE relocations (called by
//    _start before anything else, so nothing below ever sees an unrelocated pointer).
// 2. __zx_start_main sets up thread-local storage (tls.h), finds the symbol tables of the vDSO
//    whose base came in a1 (each zx_* syscall is looked up there on its first call), reads the
//    processargs message from the bootstrap channel that came in a0, checks it, makes the
//    program's RELRO pages read-only through the message's LoadedVmar handle, and hands the
//    message to __zx_startup_main, which never returns.
//
// The message lives in __zx_start_main's frame, so argv and envp point into it for the whole life
// of the program. A message is at most 64 KiB and 64 handles, well within the 256 KiB stack a
// static program gets by default.
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

ZXS_HIDDEN __attribute__((noinline)) void __zx_static_pie_relocate(void) {
  uintptr_t base = (uintptr_t)__ehdr_start;
  if (zxs_relocate_self(base, zxs_find_dynamic(base)) != 0) __builtin_trap();
}

// Makes the program's PT_GNU_RELRO pages read-only (relocation wrote them before anything else
// ran) through the LoadedVmar handle of the message, which stays the program's. Without that
// handle they stay writable; a kernel refusing the protection is fatal (trap), as the program must
// not run believing them protected.
static void protect_relro(const unsigned char* bytes, const zx_proc_args_t* header, const zx_handle_t* handles,
                          uint32_t num_handles) {
  uintptr_t base = (uintptr_t)__ehdr_start;
  size_t count;
  const zxs_elf64_phdr_t* phdrs = zxs_program_headers(base, &count);
  uintptr_t start, end;
  zxs_relro_pages(phdrs, count, base, &start, &end);
  if (end == start) return;
  for (uint32_t i = 0; i < num_handles; i++) {
    if (zxs_processargs_info(bytes, header, i) != PA_HND(PA_VMAR_LOADED, 0)) continue;
    if (zx_vmar_protect(handles[i], ZX_VM_PERM_READ, start, end - start) != ZX_OK) __builtin_trap();
    return;
  }
}

ZXS_HIDDEN __attribute__((noreturn)) void __zx_start_main(zx_handle_t bootstrap, uintptr_t vdso_base) {
  uintptr_t base = (uintptr_t)__ehdr_start;
  unsigned char tls_space[zxs_tls_space_size(base)];
  zxs_tls_install(base, tls_space);

  // Without a vDSO there is no way to make any syscall, not even exit: trap. Each zx_* call binds
  // its vDSO entry the first time it runs (syscalls.gen.c).
  if (__zx_vdso_init(vdso_base) != 0) __builtin_trap();

  // The bootstrap message, into buffers of exactly its size in this frame, which never returns.
  uint32_t num_bytes = 0, num_handles = 0;
  __zx_bootstrap_size(bootstrap, &num_bytes, &num_handles);
  uint64_t message[num_bytes / 8 + 1];
  zx_handle_t handles[num_handles + 1];
  zx_proc_args_t header;
  __zx_bootstrap_read(bootstrap, message, handles, &num_bytes, &num_handles, &header);
  const unsigned char* bytes = (const unsigned char*)message;
  protect_relro(bytes, &header, handles, num_handles);
  __zx_startup_main(bytes, num_bytes, &header, handles, num_handles);
}
