// Declarations shared by the sysroot's own sources (not installed for programs).
#ifndef ZXSIM_RUNTIME_H_
#define ZXSIM_RUNTIME_H_

#include <stddef.h>
#include <stdint.h>
#include <zircon/processargs.h>
#include <zircon/syscalls.h>

#define ZXS_HIDDEN __attribute__((visibility("hidden")))

// From syscalls.gen.c (generated from the kernel's syscall table): the vDSO symbol of each syscall
// as one string of NUL-terminated names in table order, ended by an empty name; the number of
// syscalls; the table of their addresses in the vDSO that every zx_* wrapper calls through, each
// entry bound on first use; __zx_vdso_init, which finds the symbol tables of the vDSO at `base`
// (0, or -1 when it is not a usable shared object) and must run before any zx_* call; and
// __zx_vdso_bind, which looks syscall `number` up and stores it (a stub failing NOT_SUPPORTED when
// the vDSO does not export it).
ZXS_HIDDEN extern const char __zx_vdso_names[];
ZXS_HIDDEN extern const size_t __zx_vdso_count;
ZXS_HIDDEN extern void* __zx_vdso_table[];
ZXS_HIDDEN int __zx_vdso_init(uintptr_t base);
ZXS_HIDDEN void* __zx_vdso_bind(size_t number);

// stdio.c: gives descriptors 0, 1 and 2 (and so stdin, stdout and stderr) their sockets, bit i of
// `terminal_mask` saying descriptor i is a terminal; and writes out what stdout and stderr
// buffered.
ZXS_HIDDEN void __zx_stdio_init(zx_handle_t in, zx_handle_t out, zx_handle_t err, int terminal_mask);
ZXS_HIDDEN void __zx_stdio_flush(void);

// libc-lock.c: gives a statically set-up bufio stream (stdin, stdout, stderr) its lock; writes out
// every stream fopen or fdopen opened and fclose has not closed.
struct __file;
ZXS_HIDDEN void __zxs_stream_lock_init(struct __file* stream);
ZXS_HIDDEN void __zxs_streams_flush(void);

// fuchsia-io.c: frees the calling thread's reply buffer (pthread.c, as a thread ends).
ZXS_HIDDEN void __zxs_io_thread_exit(void);

// pthread.c: set (never cleared) just before the process's second thread starts; until then
// picolibc's locks need no atomic operations.
ZXS_HIDDEN extern int __zxs_threaded;

// The calling thread's own handle when the thread library started it (zx_thread_self's answer);
// ZX_HANDLE_INVALID in the initial thread.
ZXS_HIDDEN extern __thread zx_handle_t __zxs_thread_self;

// heap.c: the root VMAR the heap reserves its range in.
ZXS_HIDDEN void __zx_heap_init(zx_handle_t root_vmar);

// startup.c: reading the bootstrap message into buffers in the caller's frame (which never
// returns, so argv and envp can point into it). __zx_bootstrap_size reads the message's size (a
// read with no room fails BUFFER_TOO_SMALL and reports it); __zx_bootstrap_read reads it into
// buffers of that size, closes the channel and checks the message into *header. Either exits the
// process with a ZX_STARTUP_* code on a failure.
ZXS_HIDDEN void __zx_bootstrap_size(zx_handle_t bootstrap, uint32_t* num_bytes, uint32_t* num_handles);
ZXS_HIDDEN void __zx_bootstrap_read(zx_handle_t bootstrap, uint64_t* message, zx_handle_t* handles, uint32_t* num_bytes,
                                    uint32_t* num_handles, zx_proc_args_t* header);

// startup.c: the start-up shared by static and dynamically linked programs, once the caller has
// read the processargs message into a frame that never returns and checked it
// (zxs_processargs_check): builds argv and envp, sorts the handles, sets up stdio and the heap,
// runs the constructors and exits with main's value.
ZXS_HIDDEN __attribute__((noreturn)) void __zx_startup_main(const unsigned char* bytes, uint32_t num_bytes,
                                                            const zx_proc_args_t* header, const zx_handle_t* handles,
                                                            uint32_t num_handles);

#endif  // ZXSIM_RUNTIME_H_
