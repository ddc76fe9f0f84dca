// The process start-up state the zxsim sysroot keeps for a program: its startup handles, its
// namespace table, and the handles the runtime itself uses. Modelled on Fuchsia's
// <zircon/process.h>.
//
// At start-up the runtime (crt) reads the processargs bootstrap message and keeps every handle that
// came with it, keyed by its info word (PA_HND(type, arg)). It takes for itself PA_PROC_SELF,
// PA_THREAD_SELF, PA_VMAR_ROOT and PA_JOB_DEFAULT (see the accessors below), PA_FD 0, 1 and 2 (stdin, stdout
// and stderr; a PA_FD whose arg has ZX_STARTUP_FD_USE_FOR_STDIO set serves both) and every
// PA_NS_DIR (the namespace table). Every other handle stays until a program takes it.
#ifndef ZIRCON_PROCESS_H_
#define ZIRCON_PROCESS_H_

#include <stddef.h>
#include <stdint.h>
#include <zircon/syscalls.h>

#ifdef __cplusplus
extern "C" {
#endif

// Takes the startup handle whose info word is `info` (e.g. PA_HND(PA_USER0, 0)): returns it and
// forgets it, so a second call for the same info returns ZX_HANDLE_INVALID. Returns
// ZX_HANDLE_INVALID when no such handle came (or the runtime kept it, as listed above).
zx_handle_t zx_take_startup_handle(uint32_t info);

// The process's own handle (PA_PROC_SELF), or ZX_HANDLE_INVALID if none came. Do not close it.
zx_handle_t zx_process_self(void);
// The initial thread's handle (PA_THREAD_SELF), or ZX_HANDLE_INVALID. Do not close it.
zx_handle_t zx_thread_self(void);
// The root VMAR of the address space (PA_VMAR_ROOT), or ZX_HANDLE_INVALID. Do not close it.
zx_handle_t zx_vmar_root_self(void);
// The default job for making child processes (PA_JOB_DEFAULT), or ZX_HANDLE_INVALID.
zx_handle_t zx_job_default(void);

// One entry of the namespace table: a PA_NS_DIR handle and the path it is installed at (the
// namespace path its arg indexes; NULL if the index was out of range).
typedef struct zx_startup_namespace_entry {
  const char* path;
  zx_handle_t handle;
} zx_startup_namespace_entry_t;

// The namespace table, in the order the handles came; returns the number of entries.
size_t zx_startup_namespace(const zx_startup_namespace_entry_t** entries);

// The bit of a PA_FD handle's arg asking for the handle to serve as every stdio descriptor.
#define ZX_STARTUP_FD_USE_FOR_STDIO 0x8000u
// A zxsim extension: the bit of a PA_FD handle's arg saying the socket is connected to a terminal
// (isatty answers 1 for it, and stdout is then line-buffered instead of fully buffered).
#define ZX_STARTUP_FD_TERMINAL 0x4000u

// Return codes of a process whose start-up failed before main ran (besides a trap, -1028, when
// there is no usable vDSO or its own relocations are not all R_RISCV_RELATIVE).
#define ZX_STARTUP_BOOTSTRAP_READ_FAILED (-2001)  // the bootstrap channel had no readable message
#define ZX_STARTUP_BAD_MESSAGE (-2002)            // the message is not a valid processargs message

// The return code of a dynamically linked program that ld.so.1 could not load or link: a needed
// library the loader does not have, a symbol no object defines, an unsupported relocation. ld.so.1
// says why on the program's stderr. (It exits with the two codes above when its own bootstrap
// message is unreadable.)
#define ZX_DYNAMIC_LINK_FAILED 127

#ifdef __cplusplus
}
#endif

#endif  // ZIRCON_PROCESS_H_
