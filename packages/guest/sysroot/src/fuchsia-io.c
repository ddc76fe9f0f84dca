// The fuchsia.io subset client of <zxsim/fuchsia-io.h>, over the hand-written wire format of
// fidl-wire.h. Replies land in a buffer of the calling thread's own (allocated on its first call,
// freed when the thread ends), so threads may call it at once (zx_channel_call matches each reply
// to its call).
#include <stdlib.h>
#include <string.h>
#include <zircon/syscalls.h>
#include <zxsim/fuchsia-io.h>

#include "fidl-wire.h"
#include "runtime.h"

// The largest reply of the subset: a Read's header, union, envelope, vector and 8 KiB of data.
#define REPLY_CAPACITY (64 + ZXS_IO_MAX_BUF)

static __thread unsigned char* reply;

// Makes sure the calling thread has its reply buffer: ZX_OK, or NO_MEMORY.
static zx_status_t reply_buffer(void) {
  if (reply == NULL) reply = malloc(REPLY_CAPACITY);
  return reply != NULL ? ZX_OK : ZX_ERR_NO_MEMORY;
}

void __zxs_io_thread_exit(void) {
  free(reply);
  reply = NULL;
}

// After a call failed with PEER_CLOSED: the status of the epitaph the server left, if it did.
static zx_status_t epitaph_status(zx_handle_t channel) {
  for (;;) {
    uint32_t num_bytes = 0, num_handles = 0;
    zx_handle_t handles[ZX_CHANNEL_MAX_MSG_HANDLES];
    zx_status_t status = zx_channel_read(channel, 0, reply, handles, REPLY_CAPACITY, ZX_CHANNEL_MAX_MSG_HANDLES,
                                         &num_bytes, &num_handles);
    if (status == ZX_ERR_BUFFER_TOO_SMALL) {
      zx_channel_read(channel, ZX_CHANNEL_READ_MAY_DISCARD, NULL, NULL, 0, 0, NULL, NULL);
      continue;
    }
    if (status != ZX_OK) return ZX_ERR_PEER_CLOSED;
    if (num_handles > 0) zx_handle_close_many(handles, num_handles);
    int32_t epitaph;
    if (zxs_fidl_read_epitaph(reply, num_bytes, &epitaph) == ZXS_FIDL_OK) return epitaph;
  }
}

// Sends `request` (with `send_handle` unless it is ZX_HANDLE_INVALID; it is consumed either way)
// and waits for the reply in `reply`; its size and handle count in the out-params. A reply's one
// handle goes to `*received` when the caller wants it, and is closed otherwise.
static zx_status_t call_with(zx_handle_t channel, const unsigned char* request, uint64_t size, zx_handle_t send_handle,
                             uint32_t* num_bytes, uint32_t* num_handles, zx_handle_t* received) {
  if (reply_buffer() != ZX_OK) {
    if (send_handle != ZX_HANDLE_INVALID) zx_handle_close(send_handle);
    return ZX_ERR_NO_MEMORY;
  }
  zx_handle_t handles[1];
  zx_channel_call_args_t args = {
      .wr_bytes = request,
      .wr_handles = send_handle == ZX_HANDLE_INVALID ? NULL : &send_handle,
      .rd_bytes = reply,
      .rd_handles = handles,
      .wr_num_bytes = (uint32_t)size,
      .wr_num_handles = send_handle == ZX_HANDLE_INVALID ? 0 : 1,
      .rd_num_bytes = REPLY_CAPACITY,
      .rd_num_handles = 1,
  };
  zx_status_t status = zx_channel_call(channel, 0, ZX_TIME_INFINITE, &args, num_bytes, num_handles);
  if (status == ZX_ERR_PEER_CLOSED) return epitaph_status(channel);
  if (status == ZX_OK && *num_handles > 0) {
    if (received != NULL) {
      *received = handles[0];
    } else {
      // The reply was not supposed to carry a handle: the decoder refuses it.
      zx_handle_close(handles[0]);
    }
  }
  return status;
}

static zx_status_t call(zx_handle_t channel, const unsigned char* request, uint64_t size, uint32_t* num_bytes,
                        uint32_t* num_handles) {
  return call_with(channel, request, size, ZX_HANDLE_INVALID, num_bytes, num_handles, NULL);
}

zx_status_t zxs_io_open(zx_handle_t dir, uint32_t flags, const char* path, size_t length, zx_handle_t* out) {
  if (length > ZXS_IO_MAX_PATH_LENGTH) return ZX_ERR_BAD_PATH;
  zx_handle_t client, server;
  zx_status_t status = zx_channel_create(0, &client, &server);
  if (status != ZX_OK) return status;
  uint64_t size = zxs_io_open_request(NULL, flags, 0, path, length);
  unsigned char* request = malloc(size);
  if (request == NULL) {
    zx_handle_close(client);
    zx_handle_close(server);
    return ZX_ERR_NO_MEMORY;
  }
  zxs_io_open_request(request, flags, 0, path, length);
  status = zx_channel_write(dir, 0, request, (uint32_t)size, &server, 1);
  free(request);
  if (status != ZX_OK) {
    zx_handle_close(client);
    return status;
  }
  *out = client;
  return ZX_OK;
}

zx_status_t zxs_io_read_dirents(zx_handle_t dir, void* buffer, size_t capacity, size_t* actual) {
  unsigned char request[24];
  uint64_t size = zxs_fidl_u64_request(request, 1, ZXS_ORDINAL_IO_READ_DIRENTS,
                                       capacity < ZXS_IO_MAX_BUF ? capacity : ZXS_IO_MAX_BUF);
  uint32_t num_bytes, num_handles;
  zx_status_t status = call(dir, request, size, &num_bytes, &num_handles);
  if (status != ZX_OK) return status;
  int32_t s;
  const unsigned char* dirents;
  uint64_t count;
  if (zxs_io_read_dirents_response(reply, num_bytes, num_handles, &s, &dirents, &count) != ZXS_FIDL_OK) return ZX_ERR_IO;
  if (s != ZX_OK) return s;
  if (count > capacity) return ZX_ERR_IO;
  memcpy(buffer, dirents, count);
  *actual = count;
  return ZX_OK;
}

zx_status_t zxs_io_rewind(zx_handle_t dir) {
  unsigned char request[16];
  uint64_t size = zxs_fidl_empty_request(request, 1, ZXS_ORDINAL_IO_REWIND);
  uint32_t num_bytes, num_handles;
  zx_status_t status = call(dir, request, size, &num_bytes, &num_handles);
  if (status != ZX_OK) return status;
  int32_t s;
  if (zxs_io_rewind_response(reply, num_bytes, num_handles, &s) != ZXS_FIDL_OK) return ZX_ERR_IO;
  return s;
}

zx_status_t zxs_io_read(zx_handle_t file, void* buffer, size_t count, size_t* actual) {
  unsigned char request[24];
  uint64_t size = zxs_fidl_u64_request(request, 1, ZXS_ORDINAL_IO_READ, count < ZXS_IO_MAX_BUF ? count : ZXS_IO_MAX_BUF);
  uint32_t num_bytes, num_handles;
  zx_status_t status = call(file, request, size, &num_bytes, &num_handles);
  if (status != ZX_OK) return status;
  int32_t err;
  const unsigned char* data;
  uint64_t length;
  if (zxs_io_read_response(reply, num_bytes, num_handles, &err, &data, &length) != ZXS_FIDL_OK) return ZX_ERR_IO;
  if (err != ZX_OK) return err;
  if (length > count) return ZX_ERR_IO;
  memcpy(buffer, data, length);
  *actual = length;
  return ZX_OK;
}

zx_status_t zxs_io_close(zx_handle_t node) {
  unsigned char request[16];
  uint64_t size = zxs_fidl_empty_request(request, 1, ZXS_ORDINAL_IO_CLOSE);
  uint32_t num_bytes, num_handles;
  zx_status_t status = call(node, request, size, &num_bytes, &num_handles);
  if (status == ZX_OK) {
    int32_t err;
    status = zxs_io_close_response(reply, num_bytes, num_handles, &err) == ZXS_FIDL_OK ? err : ZX_ERR_IO;
  }
  zx_handle_close(node);
  return status;
}

zx_status_t zxs_io_read_file(zx_handle_t dir, const char* path, size_t length, char** data, size_t* size) {
  zx_handle_t file;
  zx_status_t status = zxs_io_open(dir, ZXS_IO_OPEN_RIGHT_READABLE | ZXS_IO_OPEN_NOT_DIRECTORY, path, length, &file);
  if (status != ZX_OK) return status;
  size_t used = 0, capacity = ZXS_IO_MAX_BUF + 1;
  char* buffer = malloc(capacity);
  for (;;) {
    if (buffer == NULL) {
      status = ZX_ERR_NO_MEMORY;
      break;
    }
    if (capacity - used < ZXS_IO_MAX_BUF + 1) {
      char* bigger = realloc(buffer, capacity * 2);
      if (bigger == NULL) free(buffer);
      buffer = bigger;
      capacity *= 2;
      continue;
    }
    size_t actual = 0;
    status = zxs_io_read(file, buffer + used, ZXS_IO_MAX_BUF, &actual);
    if (status != ZX_OK || actual == 0) break;
    used += actual;
  }
  if (status != ZX_OK) {
    free(buffer);
    zx_handle_close(file);
    return status;
  }
  buffer[used] = 0;
  zxs_io_close(file);
  *data = buffer;
  *size = used;
  return ZX_OK;
}

zx_status_t zxs_io_open_described(zx_handle_t dir, uint32_t flags, const char* path, size_t length, zx_handle_t* out,
                                  uint32_t* kind) {
  zx_handle_t node;
  zx_status_t status = reply_buffer();
  if (status != ZX_OK) return status;
  status = zxs_io_open(dir, flags | ZXS_IO_OPEN_DESCRIBE, path, length, &node);
  if (status != ZX_OK) return status;
  for (;;) {
    zx_signals_t observed = 0;
    status = zx_object_wait_one(node, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED, ZX_TIME_INFINITE, &observed);
    if (status != ZX_OK) break;
    uint32_t num_bytes = 0, num_handles = 0;
    zx_handle_t handles[ZX_CHANNEL_MAX_MSG_HANDLES];
    status = zx_channel_read(node, 0, reply, handles, REPLY_CAPACITY, ZX_CHANNEL_MAX_MSG_HANDLES, &num_bytes,
                             &num_handles);
    if (status == ZX_ERR_SHOULD_WAIT) continue;
    if (status != ZX_OK) break;
    if (num_handles > 0) zx_handle_close_many(handles, num_handles);
    int32_t s;
    uint32_t what;
    if (zxs_io_on_open_event(reply, num_bytes, num_handles, &s, &what) == ZXS_FIDL_OK) {
      if (s != ZX_OK) {
        zx_handle_close(node);
        return s;
      }
      *out = node;
      *kind = what;
      return ZX_OK;
    }
    int32_t epitaph;
    status = zxs_fidl_read_epitaph(reply, num_bytes, &epitaph) == ZXS_FIDL_OK ? epitaph : ZX_ERR_IO;
    break;
  }
  zx_handle_close(node);
  return status == ZX_OK ? ZX_ERR_IO : status;
}

zx_status_t zxs_io_write(zx_handle_t file, const void* data, size_t count, size_t* actual) {
  if (count > ZXS_IO_MAX_BUF) count = ZXS_IO_MAX_BUF;
  unsigned char request[16 + 16 + ZXS_IO_MAX_BUF];
  uint64_t size = zxs_io_write_request(request, 1, 0, data, count, 0);
  uint32_t num_bytes, num_handles;
  zx_status_t status = call(file, request, size, &num_bytes, &num_handles);
  if (status != ZX_OK) return status;
  int32_t err;
  uint64_t written;
  if (zxs_io_u64_result_response(reply, num_bytes, num_handles, ZXS_ORDINAL_IO_WRITE, &err, &written) != ZXS_FIDL_OK) {
    return ZX_ERR_IO;
  }
  if (err != ZX_OK) return err;
  if (written > count) return ZX_ERR_IO;
  *actual = written;
  return ZX_OK;
}

zx_status_t zxs_io_seek(zx_handle_t file, uint32_t origin, int64_t offset, uint64_t* result) {
  unsigned char request[32];
  uint64_t size = zxs_io_seek_request(request, 1, origin, offset);
  uint32_t num_bytes, num_handles;
  zx_status_t status = call(file, request, size, &num_bytes, &num_handles);
  if (status != ZX_OK) return status;
  int32_t err;
  if (zxs_io_u64_result_response(reply, num_bytes, num_handles, ZXS_ORDINAL_IO_SEEK, &err, result) != ZXS_FIDL_OK) {
    return ZX_ERR_IO;
  }
  return err;
}

// Sends an empty-bodied (or u64-bodied) request whose reply is an empty result union.
static zx_status_t empty_result_call(zx_handle_t node, const unsigned char* request, uint64_t size, uint64_t ordinal,
                                     zx_handle_t send_handle) {
  uint32_t num_bytes, num_handles;
  zx_status_t status = call_with(node, request, size, send_handle, &num_bytes, &num_handles, NULL);
  if (status != ZX_OK) return status;
  int32_t err;
  const unsigned char* payload;
  if (zxs_io_result_response(reply, num_bytes, num_handles, ordinal, 0, &err, &payload) != ZXS_FIDL_OK) {
    return ZX_ERR_IO;
  }
  return err;
}

zx_status_t zxs_io_resize(zx_handle_t file, uint64_t length) {
  unsigned char request[24];
  uint64_t size = zxs_fidl_u64_request(request, 1, ZXS_ORDINAL_IO_RESIZE, length);
  return empty_result_call(file, request, size, ZXS_ORDINAL_IO_RESIZE, ZX_HANDLE_INVALID);
}

zx_status_t zxs_io_sync(zx_handle_t node) {
  unsigned char request[16];
  uint64_t size = zxs_fidl_empty_request(request, 1, ZXS_ORDINAL_IO_SYNC);
  return empty_result_call(node, request, size, ZXS_ORDINAL_IO_SYNC, ZX_HANDLE_INVALID);
}

zx_status_t zxs_io_get_attr(zx_handle_t node, zxs_io_attributes_t* attributes) {
  unsigned char request[16];
  uint64_t size = zxs_fidl_empty_request(request, 1, ZXS_ORDINAL_IO_GET_ATTR);
  uint32_t num_bytes, num_handles;
  zx_status_t status = call(node, request, size, &num_bytes, &num_handles);
  if (status != ZX_OK) return status;
  int32_t s;
  if (zxs_io_get_attr_response(reply, num_bytes, num_handles, &s, attributes) != ZXS_FIDL_OK) return ZX_ERR_IO;
  return s;
}

zx_status_t zxs_io_set_mtime(zx_handle_t node, uint64_t mtime) {
  unsigned char request[80];
  uint64_t size = zxs_io_set_mtime_request(request, 1, mtime);
  uint32_t num_bytes, num_handles;
  zx_status_t status = call(node, request, size, &num_bytes, &num_handles);
  if (status != ZX_OK) return status;
  int32_t s;
  if (zxs_io_status_response(reply, num_bytes, num_handles, ZXS_ORDINAL_IO_SET_ATTR, &s) != ZXS_FIDL_OK) {
    return ZX_ERR_IO;
  }
  return s;
}

zx_status_t zxs_io_unlink(zx_handle_t dir, const char* name, size_t length, uint64_t flags) {
  if (length > ZXS_IO_MAX_NAME_LENGTH) return ZX_ERR_BAD_PATH;
  unsigned char request[16 + 32 + 256 + 16];
  uint64_t size = zxs_io_unlink_request(request, 1, name, length, flags);
  return empty_result_call(dir, request, size, ZXS_ORDINAL_IO_UNLINK, ZX_HANDLE_INVALID);
}

zx_status_t zxs_io_get_token(zx_handle_t dir, zx_handle_t* token) {
  unsigned char request[16];
  uint64_t size = zxs_fidl_empty_request(request, 1, ZXS_ORDINAL_IO_GET_TOKEN);
  uint32_t num_bytes, num_handles;
  zx_handle_t received = ZX_HANDLE_INVALID;
  zx_status_t status = call_with(dir, request, size, ZX_HANDLE_INVALID, &num_bytes, &num_handles, &received);
  if (status != ZX_OK) return status;
  int32_t s;
  int has_token;
  if (zxs_io_get_token_response(reply, num_bytes, num_handles, &s, &has_token) != ZXS_FIDL_OK) {
    if (received != ZX_HANDLE_INVALID) zx_handle_close(received);
    return ZX_ERR_IO;
  }
  if (s != ZX_OK || !has_token) {
    if (received != ZX_HANDLE_INVALID) zx_handle_close(received);
    return s != ZX_OK ? s : ZX_ERR_IO;
  }
  *token = received;
  return ZX_OK;
}

zx_status_t zxs_io_rename(zx_handle_t src_dir, const char* src, size_t src_length, zx_handle_t token, const char* dst,
                          size_t dst_length) {
  if (src_length > ZXS_IO_MAX_NAME_LENGTH || dst_length > ZXS_IO_MAX_NAME_LENGTH) {
    zx_handle_close(token);
    return ZX_ERR_BAD_PATH;
  }
  unsigned char request[16 + 40 + 256 + 256];
  uint64_t size = zxs_io_rename_request(request, 1, src, src_length, dst, dst_length);
  return empty_result_call(src_dir, request, size, ZXS_ORDINAL_IO_RENAME, token);
}
