// static_pie_test_util: the echo program of process_builder's start_static_pie_binary test. A static
// PIE without C library or start-up files: its own _start does everything.
//
// 1. Applies its own R_RISCV_RELATIVE relocations.
// 2. Finds _zx_channel_read, _zx_channel_write and _zx_process_exit in the vDSO whose base came in
//    a1 (ELF header -> PT_DYNAMIC -> DT_GNU_HASH, DT_SYMTAB, DT_STRTAB; see static-pie.h).
// 3. Reads the processargs message from the bootstrap channel (a0) into a 64 KiB buffer with room
//    for 64 handles, and picks the handle whose info word is PA_HND(PA_USER0, 0).
// 4. Reads one message from that channel without waiting, so the test must have written it before
//    starting the process (SHOULD_WAIT counts as a failure), writes the same bytes and handles back
//    on it, and exits 0.
//
// Return codes: 0 echoed; 1 channel_read or channel_write not found in the vDSO; 2 the bootstrap
// read failed; 3 the bootstrap message is not a processargs message; 4 no PA_USER0 handle; 5 the
// read on the PA_USER0 channel failed (including SHOULD_WAIT); 6 the write back failed. Killed with
// -1028 (a trap) when relocation fails or the vDSO has no _zx_process_exit, since it cannot exit.
#include <stddef.h>
#include <stdint.h>
#include <zircon/processargs.h>
#include <zircon/syscalls.h>

#include "processargs-parse.h"
#include "static-pie.h"

// Defined by ld.lld: this program's own ELF header, i.e. its load address.
extern const char __ehdr_start[] __attribute__((visibility("hidden")));

// The compiler may emit calls to these even in freestanding code.
void* memcpy(void* dst, const void* src, size_t n) {
  unsigned char* d = dst;
  const unsigned char* s = src;
  for (size_t i = 0; i < n; i++) d[i] = s[i];
  return dst;
}

void* memset(void* dst, int c, size_t n) {
  unsigned char* d = dst;
  for (size_t i = 0; i < n; i++) d[i] = (unsigned char)c;
  return dst;
}

// In a function of its own so that no load of a relocated value can be scheduled before it.
__attribute__((noinline)) static void relocate(void) {
  uintptr_t base = (uintptr_t)__ehdr_start;
  if (zxs_relocate_self(base, zxs_find_dynamic(base)) != 0) __builtin_trap();
}

__attribute__((noinline, noreturn)) static void run(zx_handle_t bootstrap, uintptr_t vdso_base) {
  zxs_dso_t vdso;
  if (zxs_dso_init(&vdso, vdso_base) != 0) __builtin_trap();
  __typeof__(_zx_process_exit)* process_exit = (__typeof__(_zx_process_exit)*)zxs_dso_lookup(&vdso, "_zx_process_exit");
  if (process_exit == NULL) __builtin_trap();
  __typeof__(_zx_channel_read)* channel_read = (__typeof__(_zx_channel_read)*)zxs_dso_lookup(&vdso, "_zx_channel_read");
  __typeof__(_zx_channel_write)* channel_write =
      (__typeof__(_zx_channel_write)*)zxs_dso_lookup(&vdso, "_zx_channel_write");
  if (channel_read == NULL || channel_write == NULL) process_exit(1);

  static uint64_t buffer[ZX_CHANNEL_MAX_MSG_BYTES / 8];
  zx_handle_t handles[ZX_CHANNEL_MAX_MSG_HANDLES];
  unsigned char* bytes = (unsigned char*)buffer;
  uint32_t num_bytes = 0, num_handles = 0;
  if (channel_read(bootstrap, 0, bytes, handles, sizeof(buffer), ZX_CHANNEL_MAX_MSG_HANDLES, &num_bytes,
                   &num_handles) != ZX_OK) {
    process_exit(2);
  }
  zx_proc_args_t header;
  if (zxs_processargs_header(bytes, num_bytes, num_handles, &header) != ZXS_PA_OK) process_exit(3);
  zx_handle_t user0 = ZX_HANDLE_INVALID;
  for (uint32_t i = 0; i < num_handles; i++) {
    if (zxs_processargs_info(bytes, &header, i) == PA_HND(PA_USER0, 0)) user0 = handles[i];
  }
  if (user0 == ZX_HANDLE_INVALID) process_exit(4);

  if (channel_read(user0, 0, bytes, handles, sizeof(buffer), ZX_CHANNEL_MAX_MSG_HANDLES, &num_bytes,
                   &num_handles) != ZX_OK) {
    process_exit(5);
  }
  if (channel_write(user0, 0, bytes, num_bytes, handles, num_handles) != ZX_OK) process_exit(6);
  process_exit(0);
}

__attribute__((noreturn)) void _start(zx_handle_t bootstrap, uintptr_t vdso_base) {
  relocate();
  run(bootstrap, vdso_base);
}
