// The part of the C start-up that static and dynamically linked programs share: everything after
// the processargs message has been read and checked. start.c (static PIEs) and start-dynamic.c
// (programs started by ld.so.1) each read the message into their own frame, which never returns,
// and call __zx_startup_main, which builds argv and envp, sorts the startup handles, gives stdin,
// stdout and stderr their PA_FD sockets, sets up the heap, runs the constructors, calls
// main(argc, argv, envp) and exits with its value through exit().
#include <stdint.h>
#include <stdlib.h>
#include <zircon/process.h>
#include <zircon/processargs.h>
#include <zircon/syscalls.h>

#include "processargs-parse.h"
#include "runtime.h"

// Defined by ld.lld: the constructor arrays of the program.
ZXS_HIDDEN extern void (*const __preinit_array_start[])(void);
ZXS_HIDDEN extern void (*const __preinit_array_end[])(void);
ZXS_HIDDEN extern void (*const __init_array_start[])(void);
ZXS_HIDDEN extern void (*const __init_array_end[])(void);

// picolibc's environment pointer, read by getenv.
extern char** environ;

extern int main(int argc, char** argv, char** envp);

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
// The calling thread's own handle: the thread library sets it as each thread it starts begins; the
// initial thread's came in the processargs message (PA_THREAD_SELF).
ZXS_HIDDEN __thread zx_handle_t __zxs_thread_self;

zx_handle_t zx_thread_self(void) {
  zx_handle_t own = __zxs_thread_self;
  return own != ZX_HANDLE_INVALID ? own : thread_self;
}
zx_handle_t zx_vmar_root_self(void) { return vmar_root_self; }
zx_handle_t zx_job_default(void) { return job_default; }

size_t zx_startup_namespace(const zx_startup_namespace_entry_t** entries) {
  *entries = namespace_entries;
  return namespace_count;
}

// Sorts one startup handle: the runtime's own, stdio, the namespace table, or the handle table.
static void keep_handle(zx_handle_t handle, uint32_t info, const unsigned char* bytes, uint32_t num_bytes,
                        const zx_proc_args_t* header, zx_handle_t* in, zx_handle_t* out, zx_handle_t* err,
                        int* terminal_mask) {
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
    int terminal = (arg & ZX_STARTUP_FD_TERMINAL) != 0;
    arg &= ~ZX_STARTUP_FD_TERMINAL;
    if ((arg & ZX_STARTUP_FD_USE_FOR_STDIO) != 0 && *in == ZX_HANDLE_INVALID && *out == ZX_HANDLE_INVALID &&
        *err == ZX_HANDLE_INVALID) {
      *in = handle;
      *out = handle;
      *err = handle;
      if (terminal) *terminal_mask |= 7;
      return;
    }
    if (arg == 0 && *in == ZX_HANDLE_INVALID) {
      *in = handle;
      if (terminal) *terminal_mask |= 1 << 0;
      return;
    }
    if (arg == 1 && *out == ZX_HANDLE_INVALID) {
      *out = handle;
      if (terminal) *terminal_mask |= 1 << 1;
      return;
    }
    if (arg == 2 && *err == ZX_HANDLE_INVALID) {
      *err = handle;
      if (terminal) *terminal_mask |= 1 << 2;
      return;
    }
  }
  if (type == PA_NS_DIR) {
    namespace_entries[namespace_count].path =
        zxs_processargs_string_at(bytes, num_bytes, header->names_off, header->names_num, arg);
    namespace_entries[namespace_count].handle = handle;
    namespace_count++;
    return;
  }
  startup_handles[startup_count] = handle;
  startup_infos[startup_count] = info;
  startup_count++;
}

void __zx_bootstrap_size(zx_handle_t bootstrap, uint32_t* num_bytes, uint32_t* num_handles) {
  zx_status_t status = zx_channel_read(bootstrap, 0, NULL, NULL, 0, 0, num_bytes, num_handles);
  if (status == ZX_OK) zx_process_exit(ZX_STARTUP_BAD_MESSAGE);
  if (status != ZX_ERR_BUFFER_TOO_SMALL || *num_bytes > ZX_CHANNEL_MAX_MSG_BYTES ||
      *num_handles > ZX_CHANNEL_MAX_MSG_HANDLES) {
    zx_process_exit(ZX_STARTUP_BOOTSTRAP_READ_FAILED);
  }
}

void __zx_bootstrap_read(zx_handle_t bootstrap, uint64_t* message, zx_handle_t* handles, uint32_t* num_bytes,
                         uint32_t* num_handles, zx_proc_args_t* header) {
  zx_status_t status =
      zx_channel_read(bootstrap, 0, message, handles, *num_bytes, *num_handles, num_bytes, num_handles);
  if (status != ZX_OK) zx_process_exit(ZX_STARTUP_BOOTSTRAP_READ_FAILED);
  zx_handle_close(bootstrap);
  if (zxs_processargs_check((const unsigned char*)message, *num_bytes, *num_handles, header) != ZXS_PA_OK) {
    zx_process_exit(ZX_STARTUP_BAD_MESSAGE);
  }
}

ZXS_HIDDEN __attribute__((noreturn)) void __zx_startup_main(const unsigned char* bytes, uint32_t num_bytes,
                                                            const zx_proc_args_t* header, const zx_handle_t* handles,
                                                            uint32_t num_handles) {
  // The counts were checked against the message size by the caller.
  char* argv[header->args_num + 1];
  char* envp[header->environ_num + 1];
  zxs_processargs_strings(bytes, num_bytes, header->args_off, header->args_num, argv);
  zxs_processargs_strings(bytes, num_bytes, header->environ_off, header->environ_num, envp);

  zx_handle_t in = ZX_HANDLE_INVALID, out = ZX_HANDLE_INVALID, err = ZX_HANDLE_INVALID;
  int terminal_mask = 0;
  for (uint32_t i = 0; i < num_handles; i++) {
    keep_handle(handles[i], zxs_processargs_info(bytes, header, i), bytes, num_bytes, header, &in, &out, &err,
                &terminal_mask);
  }

  __zx_heap_init(vmar_root_self);
  environ = envp;
  // After the heap (descriptors are allocated) and the environment (the current directory is $PWD).
  __zx_stdio_init(in, out, err, terminal_mask);

  for (void (*const* f)(void) = __preinit_array_start; f < __preinit_array_end; f++) (*f)();
  for (void (*const* f)(void) = __init_array_start; f < __init_array_end; f++) (*f)();

  exit(main((int)header->args_num, argv, envp));
}
