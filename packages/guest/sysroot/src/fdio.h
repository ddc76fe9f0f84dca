// The descriptor table of the POSIX layer (posix.c), shared with stdio.c and dirent.c. Modelled on
// Fuchsia's fdio: a descriptor names an object (a stdio socket, a file or a directory connection
// over fuchsia.io) that dup() shares; the object's handle closes with its last descriptor.
#ifndef ZXSIM_FDIO_H_
#define ZXSIM_FDIO_H_

#include <stddef.h>
#include <stdint.h>
#include <zircon/syscalls.h>

#include "runtime.h"

// The most descriptors a process has open at once (EMFILE past it).
#define ZXS_FD_MAX 256

enum zxs_fdio_kind {
  ZXS_FDIO_SOCKET = 1,     // a stream socket: stdin, stdout, stderr
  ZXS_FDIO_FILE = 2,       // a fuchsia.io file connection
  ZXS_FDIO_DIRECTORY = 3,  // a fuchsia.io directory connection
};

typedef struct zxs_fdio {
  enum zxs_fdio_kind kind;
  zx_handle_t handle;
  int flags;     // the open(2) flags: access mode, O_APPEND
  int terminal;  // a socket the host connected to a terminal
  int refs;      // descriptors naming it, and calls working on it
} zxs_fdio_t;

// The object descriptor `fd` names, with a reference the caller gives back with __zxs_fd_put
// (so another thread closing `fd` meanwhile does not free it), or NULL (EBADF set).
ZXS_HIDDEN zxs_fdio_t* __zxs_fd_get(int fd);

// Gives back a reference to `io`; the last one closes its handle and frees it.
ZXS_HIDDEN void __zxs_fd_put(zxs_fdio_t* io);

// Installs `io` at the lowest free descriptor (taking one reference); -1 with EMFILE when full.
ZXS_HIDDEN int __zxs_fd_install(zxs_fdio_t* io);

// A new object of `kind` over `handle`, with no descriptor yet (NULL, ENOMEM, handle closed).
ZXS_HIDDEN zxs_fdio_t* __zxs_fdio_new(enum zxs_fdio_kind kind, zx_handle_t handle, int flags);

// Sets errno from a zx status as fdio does and returns -1.
ZXS_HIDDEN int __zxs_status_errno(zx_status_t status);

// Resolves `path` (absolute, or relative to the current directory) to a namespace directory and
// the path below it ("." for the directory itself), in `buffer` of `capacity` bytes. Returns 0, or
// -1 with errno (ENOENT when no namespace entry covers it, ENAMETOOLONG).
ZXS_HIDDEN int __zxs_resolve(const char* path, zx_handle_t* directory, char* buffer, size_t capacity);

// The namespace entries directly below the canonical absolute `path` (for listing a directory the
// namespace only implies, such as "/" above "/data"): calls `each` with every child name once.
// Returns how many there were.
ZXS_HIDDEN size_t __zxs_namespace_children(const char* path, void (*each)(const char* name, size_t length, void* ctx),
                                           void* ctx);

// Canonicalizes `path` against the current directory into `out` (absolute, no ".", "..", or
// repeated "/"): 0, or -1 with ENAMETOOLONG / ENOENT (empty path).
ZXS_HIDDEN int __zxs_canonical(const char* path, char* out, size_t capacity);

// Sets up descriptors 0, 1 and 2 over the stdio sockets and the current directory from PWD.
ZXS_HIDDEN void __zxs_fdio_init(zx_handle_t in, zx_handle_t out, zx_handle_t err, int terminal_mask);

#endif  // ZXSIM_FDIO_H_
