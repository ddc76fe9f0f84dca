// A small client of zxsim's fuchsia.io subset (see @zxsim/fidl's README): what a program needs to
// use the directories in its namespace. Open a path, list a directory, read a file, close. Every
// call is synchronous (zx_channel_call); a failed Open shows up on the first call on its channel,
// which then returns the status of the server's epitaph (NOT_FOUND, NOT_DIR, …).
//
// Link sysroot/src/fuchsia-io.c into the program (the build script does for the programs that ask).
#ifndef ZXSIM_FUCHSIA_IO_H_
#define ZXSIM_FUCHSIA_IO_H_

#include <stddef.h>
#include <stdint.h>
#include <zircon/syscalls.h>
#include <zxsim/fidl.h>

#ifdef __cplusplus
extern "C" {
#endif

// Opens `path` (`length` bytes, relative to the directory `dir`; "." is `dir` itself) with
// `flags` (ZXS_IO_OPEN_*): sends Open with a new channel's server end and returns the client end
// in `*out` without waiting. Fails only when the request cannot be sent.
zx_status_t zxs_io_open(zx_handle_t dir, uint32_t flags, const char* path, size_t length, zx_handle_t* out);

// ReadDirents(max_bytes = capacity, at most ZXS_IO_MAX_BUF): copies the packed dirents into
// `buffer` and their size into `*actual` (0 at the end of the listing). Returns the call's
// status, or the server's.
zx_status_t zxs_io_read_dirents(zx_handle_t dir, void* buffer, size_t capacity, size_t* actual);

// Rewind(): the next ReadDirents starts at the beginning again.
zx_status_t zxs_io_rewind(zx_handle_t dir);

// Read(count, at most ZXS_IO_MAX_BUF): copies up to `count` bytes from the file's position into
// `buffer`; `*actual` is 0 at the end of the file.
zx_status_t zxs_io_read(zx_handle_t file, void* buffer, size_t count, size_t* actual);

// Close(), then closes the handle (always). Returns the call's status, or the server's.
zx_status_t zxs_io_close(zx_handle_t node);

// Reads a whole file: opens `path` relative to `dir` (RIGHT_READABLE | NOT_DIRECTORY), reads to
// the end into a buffer from malloc (NUL-terminated past `*size`; the caller frees it), closes.
zx_status_t zxs_io_read_file(zx_handle_t dir, const char* path, size_t length, char** data, size_t* size);

#ifdef __cplusplus
}
#endif

#endif  // ZXSIM_FUCHSIA_IO_H_
