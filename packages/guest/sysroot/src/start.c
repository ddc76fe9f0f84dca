// The C start-up of a zxsim static PIE: everything between _start (start.S) and main.
//
// 1. __zx_static_pie_relocate applies the program's R_RISCV_RELATIVE relocations (called by
//    _start before anything else, so nothing below ever sees an unrelocated pointer).
// 2. __zx_start_main sets up thread-local storage (picolibc keeps errno there), resolves every
//    zx_* syscall in the vDSO whose base came in a1, reads the processargs message from the
//    bootstrap channel that came in a0, builds argv, envp, the startup handle table and the
//    namespace table, gives stdout and stderr their PA_FD sockets, runs the constructors, calls
//    main(argc, argv, envp) and exits with its value through exit().
//
// Every buffer lives in __zx_start_main's frame, which never returns, so argv and envp point into
// the message for the whole life of the program. A message is at most 64 KiB and 64 handles, well
// within the 256 KiB stack a static program gets by default.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/process.h>
#include <zircon/processargs.h>
#include <zircon/syscalls.h>

#include "processargs-parse.h"
#include "runtime.h"
#include "static-pie.h"

// Defined by ld.lld: the program's own ELF header (its load address), and the constructor arrays.
ZXS_HIDDEN extern const char __ehdr_start[];
ZXS_HIDDEN extern void (*const __preinit_array_start[])(void);
ZXS_HIDDEN extern void (*const __preinit_array_end[])(void);
ZXS_HIDDEN extern void (*const __init_array_start[])(void);
ZXS_HIDDEN extern void (*const __init_array_end[])(void);

// picolibc's environment pointer, read by getenv.
extern char** environ;

extern int main(int argc, char** argv, char** envp);

ZXS_HIDDEN __attribute__((noinline)) void __zx_static_pie_relocate(void) {
  uintptr_t base = (uintptr_t)__ehdr_start;
  if (zxs_relocate_self(base, zxs_find_dynamic(base)) != 0) __builtin_trap();
}

// The table of startup handles not taken by the runtime, by info word.
static zx_handle_t startup_handles[ZX_CHANNEL_MAX_MSG_HANDLES];
static uint32_t startup_infos[ZX_CHANNEL_MAX_MSG_HANDLES];
static uint32_t startup_count;

static zx_startup_namespace_entry_t namespace_entries[ZX_CHANNEL_MAX_MSG_HANDLES];
static size_t namespace_count;

static zx_handle_t process_self, thread_self, vmar_root_self, job_default;

zx_handle_t zx_take_startup_handle(uint32_t info) {
  for (uint32_t i = 0; i < startup_count; i++) {
    if (startup_infos[i] == info && startup_handles[i] != ZX_HANDLE_INVALID) {
      zx_handle_t handle = startup_handles[i];
      startup_handles[i] = ZX_HANDLE_INVALID;
      return handle;
    }
  }
  return ZX_HANDLE_INVALID;
}

zx_handle_t zx_process_self(void) { return process_self; }
zx_handle_t zx_thread_self(void) { return thread_self; }
zx_handle_t zx_vmar_root_self(void) { return vmar_root_self; }
zx_handle_t zx_job_default(void) { return job_default; }

size_t zx_startup_namespace(const zx_startup_namespace_entry_t** entries) {
  *entries = namespace_entries;
  return namespace_count;
}

// Where a syscall the vDSO does not export goes: it fails instead of jumping to address 0.
static zx_status_t missing_syscall(void) { return ZX_ERR_NOT_SUPPORTED; }

static void resolve_vdso(uintptr_t vdso_base) {
  zxs_dso_t vdso;
  // Without a vDSO there is no way to make any syscall, not even exit: trap.
  if (zxs_dso_init(&vdso, vdso_base) != 0) __builtin_trap();
  const char* name = __zx_vdso_names;
  for (size_t i = 0; i < __zx_vdso_count; i++) {
    uintptr_t address = zxs_dso_lookup(&vdso, name);
    __zx_vdso_table[i] = address != 0 ? (void*)address : (void*)missing_syscall;
    while (*name != 0) name++;
    name++;
  }
}

// Sorts one startup handle: the runtime's own, stdio, the namespace table, or the handle table.
static void keep_handle(zx_handle_t handle, uint32_t info, char** names, uint32_t names_num, zx_handle_t* out,
                        zx_handle_t* err) {
  uint32_t type = PA_HND_TYPE(info), arg = PA_HND_ARG(info);
  zx_handle_t* own = NULL;
  if (arg == 0 && type == PA_PROC_SELF) own = &process_self;
  if (arg == 0 && type == PA_THREAD_SELF) own = &thread_self;
  if (arg == 0 && type == PA_VMAR_ROOT) own = &vmar_root_self;
  if (arg == 0 && type == PA_JOB_DEFAULT) own = &job_default;
  if (own != NULL && *own == ZX_HANDLE_INVALID) {
    *own = handle;
    return;
  }
  if (type == PA_FD) {
    if ((arg & ZX_STARTUP_FD_USE_FOR_STDIO) != 0 && *out == ZX_HANDLE_INVALID && *err == ZX_HANDLE_INVALID) {
      *out = handle;
      *err = handle;
      return;
    }
    if (arg == 1 && *out == ZX_HANDLE_INVALID) {
      *out = handle;
      return;
    }
    if (arg == 2 && *err == ZX_HANDLE_INVALID) {
      *err = handle;
      return;
    }
  }
  if (type == PA_NS_DIR) {
    namespace_entries[namespace_count].path = arg < names_num ? names[arg] : NULL;
    namespace_entries[namespace_count].handle = handle;
    namespace_count++;
    return;
  }
  startup_handles[startup_count] = handle;
  startup_infos[startup_count] = info;
  startup_count++;
}

ZXS_HIDDEN __attribute__((noreturn)) void __zx_start_main(zx_handle_t bootstrap, uintptr_t vdso_base) {
  uintptr_t base = (uintptr_t)__ehdr_start;

  // Thread-local storage of the initial thread: a copy of PT_TLS in this frame, tp pointing at it.
  // RISC-V uses TLS variant I with no TCB: the linker resolved each variable to tp + its offset in
  // the segment + (p_vaddr modulo p_align), so tp must be p_align-aligned and the image copied
  // that far past it.
  const zxs_elf64_phdr_t* tls = zxs_find_segment(base, ZXS_PT_TLS);
  size_t segment_align = tls != NULL && tls->p_align > 1 ? tls->p_align : 1;
  size_t tls_align = segment_align > 16 ? segment_align : 16;
  size_t tls_size = tls != NULL ? tls->p_memsz : 0;
  unsigned char tls_space[tls_size + 2 * tls_align];
  uintptr_t tp = ((uintptr_t)tls_space + tls_align - 1) & ~(uintptr_t)(tls_align - 1);
  if (tls != NULL) {
    unsigned char* block = (unsigned char*)tp + (tls->p_vaddr & (segment_align - 1));
    memcpy(block, (const void*)(base + tls->p_vaddr), tls->p_filesz);
    memset(block + tls->p_filesz, 0, tls->p_memsz - tls->p_filesz);
  }
  __asm__ volatile("mv tp, %0" : : "r"(tp) : "memory");

  resolve_vdso(vdso_base);

  // The bootstrap message: first its size (a read with no room fails BUFFER_TOO_SMALL and reports
  // it), then the message itself into buffers of exactly that size.
  uint32_t num_bytes = 0, num_handles = 0;
  zx_status_t status = zx_channel_read(bootstrap, 0, NULL, NULL, 0, 0, &num_bytes, &num_handles);
  if (status == ZX_OK) zx_process_exit(ZX_STARTUP_BAD_MESSAGE);
  if (status != ZX_ERR_BUFFER_TOO_SMALL || num_bytes > ZX_CHANNEL_MAX_MSG_BYTES ||
      num_handles > ZX_CHANNEL_MAX_MSG_HANDLES) {
    zx_process_exit(ZX_STARTUP_BOOTSTRAP_READ_FAILED);
  }
  uint64_t message[num_bytes / 8 + 1];
  zx_handle_t handles[num_handles + 1];
  status = zx_channel_read(bootstrap, 0, message, handles, num_bytes, num_handles, &num_bytes, &num_handles);
  if (status != ZX_OK) zx_process_exit(ZX_STARTUP_BOOTSTRAP_READ_FAILED);
  zx_handle_close(bootstrap);

  const unsigned char* bytes = (const unsigned char*)message;
  zx_proc_args_t header;
  if (zxs_processargs_header(bytes, num_bytes, num_handles, &header) != ZXS_PA_OK ||
      zxs_processargs_strings(bytes, num_bytes, header.args_off, header.args_num, NULL) != ZXS_PA_OK ||
      zxs_processargs_strings(bytes, num_bytes, header.environ_off, header.environ_num, NULL) != ZXS_PA_OK ||
      zxs_processargs_strings(bytes, num_bytes, header.names_off, header.names_num, NULL) != ZXS_PA_OK) {
    zx_process_exit(ZX_STARTUP_BAD_MESSAGE);
  }
  // The counts are now known to be at most the message size.
  char* argv[header.args_num + 1];
  char* envp[header.environ_num + 1];
  char* names[header.names_num + 1];
  zxs_processargs_strings(bytes, num_bytes, header.args_off, header.args_num, argv);
  zxs_processargs_strings(bytes, num_bytes, header.environ_off, header.environ_num, envp);
  zxs_processargs_strings(bytes, num_bytes, header.names_off, header.names_num, names);

  zx_handle_t out = ZX_HANDLE_INVALID, err = ZX_HANDLE_INVALID;
  for (uint32_t i = 0; i < num_handles; i++) {
    keep_handle(handles[i], zxs_processargs_info(bytes, &header, i), names, header.names_num, &out, &err);
  }

  __zx_stdio_init(out, err);
  __zx_heap_init(vmar_root_self);
  environ = envp;

  for (void (*const* f)(void) = __preinit_array_start; f < __preinit_array_end; f++) (*f)();
  for (void (*const* f)(void) = __init_array_start; f < __init_array_end; f++) (*f)();

  exit(main((int)header.args_num, argv, envp));
}
