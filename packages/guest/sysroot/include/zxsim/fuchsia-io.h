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

// Opens `path` like zxs_io_open with DESCRIBE and waits for the OnOpen event: returns the
// server's status (NOT_FOUND, ACCESS_DENIED, …) and, on success, the connection in `*out` and the
// kind of node in `*kind` (ZXS_IO_DIRENT_DIRECTORY or ZXS_IO_DIRENT_FILE).
zx_status_t zxs_io_open_described(zx_handle_t dir, uint32_t flags, const char* path, size_t length, zx_handle_t* out,
                                  uint32_t* kind);

// Write(data): writes up to ZXS_IO_MAX_BUF bytes at the file's position; `*actual` says how many.
zx_status_t zxs_io_write(zx_handle_t file, const void* data, size_t count, size_t* actual);

// Seek(origin ZXS_IO_SEEK_*, offset): the new position from the start in `*result`.
zx_status_t zxs_io_seek(zx_handle_t file, uint32_t origin, int64_t offset, uint64_t* result);

// Resize(length): truncates or zero-extends the file.
zx_status_t zxs_io_resize(zx_handle_t file, uint64_t length);

// Sync(): the node's data reaches its storage.
zx_status_t zxs_io_sync(zx_handle_t node);

// The node's attributes (`NodeAttributes`; the layout is in fidl-wire.h).
#ifndef ZXS_IO_ATTRIBUTES_DEFINED
#define ZXS_IO_ATTRIBUTES_DEFINED
typedef struct zxs_io_attributes {
  uint32_t mode;
  uint64_t id;
  uint64_t content_size;
  uint64_t storage_size;
  uint64_t link_count;
  uint64_t creation_time;
  uint64_t modification_time;
} zxs_io_attributes_t;
#endif

// GetAttr(): the node's attributes.
zx_status_t zxs_io_get_attr(zx_handle_t node, zxs_io_attributes_t* attributes);

// SetAttr(MODIFICATION_TIME): sets the node's modification time (nanoseconds since the epoch).
zx_status_t zxs_io_set_mtime(zx_handle_t node, uint64_t mtime);

// Unlink(name, flags ZXS_IO_UNLINK_*): removes the entry `name` of the directory `dir`.
zx_status_t zxs_io_unlink(zx_handle_t dir, const char* name, size_t length, uint64_t flags);

// GetToken(): an event standing for the directory `dir`, to name it in a Rename.
zx_status_t zxs_io_get_token(zx_handle_t dir, zx_handle_t* token);

// Rename(src, token, dst): moves the entry `src` of `src_dir` to `dst` in the directory `token`
// stands for. The token is consumed.
zx_status_t zxs_io_rename(zx_handle_t src_dir, const char* src, size_t src_length, zx_handle_t token, const char* dst,
                          size_t dst_length);

#ifdef __cplusplus
}
#endif

#endif  // ZXSIM_FUCHSIA_IO_H_
