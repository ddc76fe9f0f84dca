// The fuchsia.io subset client of <zxsim/fuchsia-io.h>, over the hand-written wire format of
// fidl-wire.h. Not thread-safe: replies land in one static buffer.
#include <stdlib.h>
#include <string.h>
#include <zircon/syscalls.h>
#include <zxsim/fuchsia-io.h>

#include "fidl-wire.h"

// The largest reply of the subset: a Read's header, union, envelope, vector and 8 KiB of data.
#define REPLY_CAPACITY (64 + ZXS_IO_MAX_BUF)

static unsigned char reply[REPLY_CAPACITY];

// After a call failed with PEER_CLOSED: the status of the epitaph the server left, if it did.
static zx_status_t epitaph_status(zx_handle_t channel) {
  for (;;) {
    uint32_t num_bytes = 0, num_handles = 0;
    zx_handle_t handles[ZX_CHANNEL_MAX_MSG_HANDLES];
    zx_status_t status = zx_channel_read(channel, 0, reply, handles, sizeof(reply), ZX_CHANNEL_MAX_MSG_HANDLES,
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

// Sends `request` and waits for the reply in `reply`; its size and handle count in the out-params.
static zx_status_t call(zx_handle_t channel, const unsigned char* request, uint64_t size, uint32_t* num_bytes,
                        uint32_t* num_handles) {
  zx_handle_t handles[1];
  zx_channel_call_args_t args = {
      .wr_bytes = request,
      .wr_handles = NULL,
      .rd_bytes = reply,
      .rd_handles = handles,
      .wr_num_bytes = (uint32_t)size,
      .wr_num_handles = 0,
      .rd_num_bytes = sizeof(reply),
      .rd_num_handles = 1,
  };
  zx_status_t status = zx_channel_call(channel, 0, ZX_TIME_INFINITE, &args, num_bytes, num_handles);
  if (status == ZX_ERR_PEER_CLOSED) return epitaph_status(channel);
  if (status == ZX_OK && *num_handles > 0) {
    // No reply of the subset carries handles: the decoder refuses it.
    zx_handle_close(handles[0]);
  }
  return status;
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
