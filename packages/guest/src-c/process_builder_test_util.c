// process_builder_test_util: the program the process builder's tests start to ask what it received.
// Dynamically linked (PT_INTERP ld.so.1; DT_NEEDED libfoo.so and libzircon.so), like the seed's.
//
// It takes its DirectoryRequest startup handle (PA_HND(PA_DIRECTORY_REQUEST, 0)) and serves a
// fuchsia.io directory on it whose root holds `test.processbuilder.Util`: each Open of that path
// (flags and mode ignored) becomes a Util connection of its own, at most 10 at once (further Opens
// wait in the directory channel until one ends). Another path gets the epitaph NOT_FOUND on its
// object; Close is answered and ends the directory channel; any other method closes it with the
// epitaph NOT_SUPPORTED (INVALID_ARGS for a malformed request).
//
// Util (every method strict, replies echo the request's txid):
//   GetArguments         every argv string, in order
//   GetArgumentCount     argc
//   GetEnvironment       each environment entry split at its first '=' after the first byte;
//                        entries without one are skipped
//   GetEnvironmentCount  the number of those
//   DumpNamespace        the namespace walked from "/": each level's names in byte order, each
//                        namespace directory listed (ReadDirents, "." skipped) and recursed into;
//                        the paths joined with ", "
//   ReadFile(path)       the file's contents; on any failure "read_to_string failed: <status name>"
//                        (or "... stream did not contain valid UTF-8")
//   GetLifecycleKoid     the koid of the PA_LIFECYCLE handle, for the first connection only (it
//                        takes the handle, and closes it); 0 otherwise
// A reply that cannot be sent (over 64 KiB, say) or encoded (an argument that is not UTF-8) ends its
// connection, as does an unknown method (epitaph NOT_SUPPORTED) or a malformed request (epitaph
// INVALID_ARGS). One thread serves everything with zx_object_wait_many; when the directory channel
// and every connection are closed, main returns 0.
//
// Return codes: 0; 2 without a DirectoryRequest handle; 3 when libfoo is not the library it was
// built against (its version or self-test); 4 when waiting fails.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/process.h>
#include <zircon/processargs.h>
#include <zircon/syscalls.h>
#include <zxsim/fidl.h>
#include <zxsim/fuchsia-io.h>

#include "fidl-wire.h"
#include "libfoo.h"
#include "status-names.gen.h"

#define MAX_CONNECTIONS 10

static char** arguments;
static uint64_t argument_count;
static char** environment;
static uint64_t environment_count;

// Every connection served so far; the first takes the Lifecycle handle.
static uint64_t connections_served;
static zx_handle_t connections[MAX_CONNECTIONS];
static zx_koid_t lifecycle_koids[MAX_CONNECTIONS];
static size_t connection_count;

static unsigned char inbox[ZX_CHANNEL_MAX_MSG_BYTES];
static zx_handle_t inbox_handles[ZX_CHANNEL_MAX_MSG_HANDLES];

// ---------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------

// A growing string; on running out of memory it stops growing and remembers that it did.
typedef struct {
  char* data;
  size_t length, capacity;
  int failed;
} text_t;

static void append_bytes(text_t* t, const char* s, size_t n) {
  if (t->failed) return;
  if (t->length + n + 1 > t->capacity) {
    size_t capacity = t->capacity == 0 ? 256 : t->capacity;
    while (capacity < t->length + n + 1) capacity *= 2;
    char* grown = realloc(t->data, capacity);
    if (grown == NULL) {
      t->failed = 1;
      return;
    }
    t->data = grown;
    t->capacity = capacity;
  }
  memcpy(t->data + t->length, s, n);
  t->length += n;
  t->data[t->length] = 0;
}

static void append(text_t* t, const char* s) { append_bytes(t, s, strlen(s)); }

static const char* status_text(zx_status_t status) {
  const char* name = zxs_status_name(status);
  return name != NULL ? name : "unknown status";
}

// ---------------------------------------------------------------------------------------------
// The namespace: DumpNamespace and ReadFile
// ---------------------------------------------------------------------------------------------

static int compare_names(const void* a, const void* b) {
  const char* x = *(const char* const*)a;
  const char* y = *(const char* const*)b;
  return strcmp(x != NULL ? x : "", y != NULL ? y : "");
}

// Appends "<prefix>/<name>" for each entry of `dir` (a connection the walk owns and closes), and
// the paths below each directory entry.
static void walk_remote(zx_handle_t dir, const text_t* prefix, text_t* out) {
  text_t listing = {0};
  // One buffer for every level: each reply is copied into the listing before the walk recurses.
  static char buffer[ZXS_IO_MAX_BUF];
  for (;;) {
    size_t actual = 0;
    if (zxs_io_read_dirents(dir, buffer, sizeof(buffer), &actual) != ZX_OK || actual == 0) break;
    append_bytes(&listing, buffer, actual);
  }
  uint64_t at = 0;
  zxs_dirent_t dirent;
  while (listing.data != NULL && zxs_io_next_dirent((const unsigned char*)listing.data, listing.length, &at, &dirent) == 1) {
    if (dirent.name_length == 1 && dirent.name[0] == '.') continue;
    text_t path = {0};
    append_bytes(&path, prefix->data, prefix->length);
    append(&path, "/");
    append_bytes(&path, dirent.name, dirent.name_length);
    if (out->length > 0) append(out, ", ");
    append_bytes(out, path.data, path.length);
    if (dirent.type == ZXS_IO_DIRENT_DIRECTORY) {
      zx_handle_t child;
      if (zxs_io_open(dir, ZXS_IO_OPEN_RIGHT_READABLE | ZXS_IO_OPEN_DIRECTORY, dirent.name, dirent.name_length, &child) ==
          ZX_OK) {
        walk_remote(child, &path, out);
      }
    }
    free(path.data);
  }
  free(listing.data);
  zxs_io_close(dir);
}

// The namespace entries, with their paths' leading '/' removed ("" for "/").
typedef struct {
  const char* path;
  zx_handle_t handle;
} mount_t;

static mount_t mounts[ZX_CHANNEL_MAX_MSG_HANDLES];
static size_t mount_count;

static void read_namespace(void) {
  const zx_startup_namespace_entry_t* entries;
  size_t count = zx_startup_namespace(&entries);
  for (size_t i = 0; i < count; i++) {
    const char* path = entries[i].path;
    if (path == NULL || path[0] != '/') continue;
    mounts[mount_count].path = path + 1;
    mounts[mount_count].handle = entries[i].handle;
    mount_count++;
  }
}

// Whether mount path `path` lies at or below `prefix` ("" is the root): its segments start with
// prefix's. On success `*rest` points past the prefix and its '/'.
static int below(const char* path, const char* prefix, size_t prefix_length, const char** rest) {
  if (prefix_length == 0) {
    *rest = path;
    return 1;
  }
  if (strncmp(path, prefix, prefix_length) != 0) return 0;
  if (path[prefix_length] == 0) {
    *rest = path + prefix_length;
    return 1;
  }
  if (path[prefix_length] != '/') return 0;
  *rest = path + prefix_length + 1;
  return 1;
}

// Walks the local level at `prefix` (without its leading '/'): a namespace directory mounted there
// is listed remotely; otherwise the next segments of the mounts below it, in byte order.
static void walk_local(const char* prefix, size_t prefix_length, text_t* out) {
  text_t shown = {0};
  append(&shown, prefix_length == 0 ? "" : "/");
  append_bytes(&shown, prefix, prefix_length);
  for (size_t i = 0; i < mount_count; i++) {
    if (strlen(mounts[i].path) == prefix_length && strncmp(mounts[i].path, prefix, prefix_length) == 0) {
      zx_handle_t self;
      if (zxs_io_open(mounts[i].handle, ZXS_IO_OPEN_RIGHT_READABLE | ZXS_IO_OPEN_DIRECTORY, ".", 1, &self) == ZX_OK) {
        walk_remote(self, &shown, out);
      }
      free(shown.data);
      return;
    }
  }
  // The distinct next segments below this level.
  const char* names[ZX_CHANNEL_MAX_MSG_HANDLES];
  size_t lengths[ZX_CHANNEL_MAX_MSG_HANDLES];
  size_t count = 0;
  for (size_t i = 0; i < mount_count; i++) {
    const char* rest;
    if (!below(mounts[i].path, prefix, prefix_length, &rest) || *rest == 0) continue;
    size_t length = strcspn(rest, "/");
    int seen = 0;
    for (size_t k = 0; k < count; k++) seen |= lengths[k] == length && strncmp(names[k], rest, length) == 0;
    if (!seen) {
      names[count] = rest;
      lengths[count] = length;
      count++;
    }
  }
  // Sort by the segment's bytes: copy each into a NUL-terminated string first.
  char* sorted[ZX_CHANNEL_MAX_MSG_HANDLES];
  for (size_t k = 0; k < count; k++) sorted[k] = strndup(names[k], lengths[k]);
  qsort(sorted, count, sizeof(sorted[0]), compare_names);
  for (size_t k = 0; k < count; k++) {
    if (sorted[k] == NULL) continue;
    text_t path = {0};
    append_bytes(&path, prefix, prefix_length);
    if (prefix_length > 0) append(&path, "/");
    append(&path, sorted[k]);
    if (out->length > 0) append(out, ", ");
    append(out, "/");
    append_bytes(out, path.data, path.length);
    walk_local(path.data, path.length, out);
    free(path.data);
    free(sorted[k]);
  }
  free(shown.data);
}

// ReadFile: the path's segments ("." skipped, ".." going up), matched against the mount with the
// longest prefix, the rest opened on that mount.
static void read_file(const char* path, size_t length, text_t* out) {
  text_t clean = {0};
  append(&clean, "");
  size_t at = 0;
  while (at < length) {
    while (at < length && path[at] == '/') at++;
    size_t end = at;
    while (end < length && path[end] != '/') end++;
    size_t n = end - at;
    if (n == 2 && path[at] == '.' && path[at + 1] == '.') {
      while (clean.length > 0 && clean.data[clean.length - 1] != '/') clean.length--;
      if (clean.length > 0) clean.length--;
      clean.data[clean.length] = 0;
    } else if (n > 0 && !(n == 1 && path[at] == '.')) {
      if (clean.length > 0) append(&clean, "/");
      append_bytes(&clean, path + at, n);
    }
    at = end;
  }
  zx_status_t status = ZX_ERR_NOT_FOUND;
  const mount_t* best = NULL;
  const char* best_rest = NULL;
  for (size_t i = 0; i < mount_count; i++) {
    const char* rest;
    if (below(clean.data, mounts[i].path, strlen(mounts[i].path), &rest) &&
        (best == NULL || strlen(mounts[i].path) > strlen(best->path))) {
      best = &mounts[i];
      best_rest = rest;
    }
  }
  char* data = NULL;
  size_t size = 0;
  if (clean.failed) {
    status = ZX_ERR_NO_MEMORY;
  } else if (best != NULL) {
    const char* rest = *best_rest == 0 ? "." : best_rest;
    status = zxs_io_read_file(best->handle, rest, strlen(rest), &data, &size);
  }
  if (status != ZX_OK) {
    append(out, "read_to_string failed: ");
    append(out, status_text(status));
  } else if (!zxs_utf8_valid((const unsigned char*)data, size)) {
    append(out, "read_to_string failed: stream did not contain valid UTF-8");
  } else {
    append_bytes(out, data, size);
  }
  free(data);
  free(clean.data);
}

// ---------------------------------------------------------------------------------------------
// Serving
// ---------------------------------------------------------------------------------------------

static void send_epitaph(zx_handle_t channel, zx_status_t status) {
  unsigned char message[24];
  zxs_fidl_epitaph(message, status);
  zx_channel_write(channel, 0, message, sizeof(message), NULL, 0);
}

static void close_connection(size_t i) {
  zx_handle_close(connections[i]);
  connection_count--;
  connections[i] = connections[connection_count];
  lifecycle_koids[i] = lifecycle_koids[connection_count];
}

static void add_connection(zx_handle_t channel) {
  zx_koid_t koid = ZX_KOID_INVALID;
  if (connections_served++ == 0) {
    zx_handle_t lifecycle = zx_take_startup_handle(PA_HND(PA_LIFECYCLE, 0));
    if (lifecycle != ZX_HANDLE_INVALID) {
      zx_info_handle_basic_t info;
      if (zx_object_get_info(lifecycle, ZX_INFO_HANDLE_BASIC, &info, sizeof(info), NULL, NULL) == ZX_OK) koid = info.koid;
      zx_handle_close(lifecycle);
    }
  }
  connections[connection_count] = channel;
  lifecycle_koids[connection_count] = koid;
  connection_count++;
}

// Whether every string is UTF-8, as a FIDL string must be.
static int all_utf8(char* const* strings, uint64_t count) {
  for (uint64_t i = 0; i < count; i++) {
    if (!zxs_utf8_valid((const unsigned char*)strings[i], strlen(strings[i]))) return 0;
  }
  return 1;
}

// Sends a reply of `size` bytes that `encode` writes; returns 0 when it could not be sent.
static int send_reply(zx_handle_t channel, unsigned char* message, uint64_t size) {
  zx_status_t status = message == NULL ? ZX_ERR_NO_MEMORY
                       : size > ZX_CHANNEL_MAX_MSG_BYTES ? ZX_ERR_OUT_OF_RANGE
                                                         : zx_channel_write(channel, 0, message, (uint32_t)size, NULL, 0);
  free(message);
  return status == ZX_OK;
}

static int reply_u64(zx_handle_t channel, uint32_t txid, uint64_t ordinal, uint64_t value) {
  unsigned char* message = malloc(24);
  if (message != NULL) zxs_util_u64_response(message, txid, ordinal, value);
  return send_reply(channel, message, 24);
}

static int reply_text(zx_handle_t channel, uint32_t txid, uint64_t ordinal, text_t* text) {
  if (text->failed) {
    free(text->data);
    return 0;
  }
  const char* data = text->data != NULL ? text->data : "";
  uint64_t size = zxs_util_string_response(NULL, txid, ordinal, data, text->length);
  unsigned char* message = malloc(size);
  if (message != NULL) zxs_util_string_response(message, txid, ordinal, data, text->length);
  free(text->data);
  return send_reply(channel, message, size);
}

// Answers one Util request on connection `i`; returns 0 when the connection ends.
static int serve_util(size_t i, uint32_t num_bytes, uint32_t num_handles) {
  zx_handle_t channel = connections[i];
  zxs_fidl_header_t header;
  if (zxs_fidl_read_header(inbox, num_bytes, &header) != ZXS_FIDL_OK || header.txid == 0) {
    send_epitaph(channel, ZX_ERR_INVALID_ARGS);
    return 0;
  }
  uint64_t size;
  unsigned char* message;
  text_t text = {0};
  switch (header.ordinal) {
    case ZXS_ORDINAL_UTIL_GET_ARGUMENTS:
      if (zxs_util_empty_request(num_bytes, num_handles) != ZXS_FIDL_OK) break;
      if (!all_utf8(arguments, argument_count)) return 0;
      size = zxs_util_strings_response(NULL, header.txid, header.ordinal, (const char* const*)arguments, argument_count);
      message = size <= ZX_CHANNEL_MAX_MSG_BYTES ? malloc(size) : NULL;
      if (message != NULL) {
        zxs_util_strings_response(message, header.txid, header.ordinal, (const char* const*)arguments, argument_count);
      }
      return send_reply(channel, message, size);
    case ZXS_ORDINAL_UTIL_GET_ARGUMENT_COUNT:
      if (zxs_util_empty_request(num_bytes, num_handles) != ZXS_FIDL_OK) break;
      return reply_u64(channel, header.txid, header.ordinal, argument_count);
    case ZXS_ORDINAL_UTIL_GET_ENVIRONMENT:
      if (zxs_util_empty_request(num_bytes, num_handles) != ZXS_FIDL_OK) break;
      if (!all_utf8(environment, environment_count)) return 0;
      size = zxs_util_env_response(NULL, header.txid, header.ordinal, (const char* const*)environment, environment_count);
      message = size <= ZX_CHANNEL_MAX_MSG_BYTES ? malloc(size) : NULL;
      if (message != NULL) {
        zxs_util_env_response(message, header.txid, header.ordinal, (const char* const*)environment, environment_count);
      }
      return send_reply(channel, message, size);
    case ZXS_ORDINAL_UTIL_GET_ENVIRONMENT_COUNT:
      if (zxs_util_empty_request(num_bytes, num_handles) != ZXS_FIDL_OK) break;
      return reply_u64(channel, header.txid, header.ordinal,
                       zxs_util_env_count((const char* const*)environment, environment_count));
    case ZXS_ORDINAL_UTIL_DUMP_NAMESPACE:
      if (zxs_util_empty_request(num_bytes, num_handles) != ZXS_FIDL_OK) break;
      walk_local("", 0, &text);
      return reply_text(channel, header.txid, header.ordinal, &text);
    case ZXS_ORDINAL_UTIL_READ_FILE: {
      const char* path;
      uint64_t length;
      if (zxs_util_read_file_request(inbox, num_bytes, num_handles, &path, &length) != ZXS_FIDL_OK) break;
      read_file(path, length, &text);
      return reply_text(channel, header.txid, header.ordinal, &text);
    }
    case ZXS_ORDINAL_UTIL_GET_LIFECYCLE_KOID:
      if (zxs_util_empty_request(num_bytes, num_handles) != ZXS_FIDL_OK) break;
      return reply_u64(channel, header.txid, header.ordinal, lifecycle_koids[i]);
    default:
      send_epitaph(channel, ZX_ERR_NOT_SUPPORTED);
      return 0;
  }
  send_epitaph(channel, ZX_ERR_INVALID_ARGS);
  return 0;
}

// Answers one request on the directory channel; returns 0 when the channel ends.
static int serve_directory(zx_handle_t dir, uint32_t num_bytes, uint32_t num_handles) {
  zxs_fidl_header_t header;
  if (zxs_fidl_read_header(inbox, num_bytes, &header) != ZXS_FIDL_OK) {
    zx_handle_close_many(inbox_handles, num_handles);
    send_epitaph(dir, ZX_ERR_INVALID_ARGS);
    return 0;
  }
  if (header.ordinal == ZXS_ORDINAL_IO_OPEN && header.txid == 0) {
    uint32_t flags, mode;
    const char* path;
    uint64_t length;
    if (zxs_io_open_request_decode(inbox, num_bytes, num_handles, &flags, &mode, &path, &length) != ZXS_FIDL_OK) {
      zx_handle_close_many(inbox_handles, num_handles);
      send_epitaph(dir, ZX_ERR_INVALID_ARGS);
      return 0;
    }
    zx_handle_t object = inbox_handles[0];
    if (length == strlen(ZXS_UTIL_DISCOVERABLE_NAME) && memcmp(path, ZXS_UTIL_DISCOVERABLE_NAME, length) == 0) {
      add_connection(object);
    } else {
      send_epitaph(object, ZX_ERR_NOT_FOUND);
      zx_handle_close(object);
    }
    return 1;
  }
  if (header.ordinal == ZXS_ORDINAL_IO_CLOSE && header.txid != 0 && num_bytes == ZXS_FIDL_HEADER_SIZE && num_handles == 0) {
    unsigned char reply[32];
    zxs_io_close_response_encode(reply, header.txid);
    zx_channel_write(dir, 0, reply, sizeof(reply), NULL, 0);
    return 0;
  }
  zx_handle_close_many(inbox_handles, num_handles);
  send_epitaph(dir, ZX_ERR_NOT_SUPPORTED);
  return 0;
}

// Reads the next message of `channel` into the inbox. Returns 0 with a message, 1 when there is
// none yet, -1 when the channel is done (peer closed and drained, or a message too big).
static int receive(zx_handle_t channel, uint32_t* num_bytes, uint32_t* num_handles) {
  zx_status_t status = zx_channel_read(channel, 0, inbox, inbox_handles, sizeof(inbox), ZX_CHANNEL_MAX_MSG_HANDLES,
                                       num_bytes, num_handles);
  if (status == ZX_OK) return 0;
  if (status == ZX_ERR_SHOULD_WAIT) return 1;
  return -1;
}

static void serve(zx_handle_t dir) {
  zx_wait_item_t items[MAX_CONNECTIONS + 1];
  while (dir != ZX_HANDLE_INVALID || connection_count > 0) {
    size_t n = 0;
    // At the limit, the directory waits: its Opens stay queued until a connection ends.
    int watch_dir = dir != ZX_HANDLE_INVALID && connection_count < MAX_CONNECTIONS;
    if (watch_dir) items[n++] = (zx_wait_item_t){dir, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED, 0};
    for (size_t i = 0; i < connection_count; i++) {
      items[n++] = (zx_wait_item_t){connections[i], ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED, 0};
    }
    if (zx_object_wait_many(items, n, ZX_TIME_INFINITE) != ZX_OK) exit(4);
    // Connections first, from the last, so closing one (which moves the last into its slot) is safe.
    size_t first = watch_dir ? 1 : 0;
    for (size_t k = n; k-- > first;) {
      size_t i = k - first;
      if ((items[k].pending & (ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED)) == 0) continue;
      uint32_t num_bytes, num_handles;
      int got = receive(connections[i], &num_bytes, &num_handles);
      if (got == 1) continue;
      if (got < 0 || !serve_util(i, num_bytes, num_handles)) {
        if (got == 0 && num_handles > 0) zx_handle_close_many(inbox_handles, num_handles);
        close_connection(i);
      }
    }
    if (watch_dir && (items[0].pending & (ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED)) != 0) {
      uint32_t num_bytes, num_handles;
      int got = receive(dir, &num_bytes, &num_handles);
      if (got < 0 || (got == 0 && !serve_directory(dir, num_bytes, num_handles))) {
        zx_handle_close(dir);
        dir = ZX_HANDLE_INVALID;
      }
    }
  }
}

int main(int argc, char** argv, char** envp) {
  if (foo_version != FOO_VERSION || foo_self_test() != 0) {
    fprintf(stderr, "process_builder_test_util: libfoo is not the library it was built against\n");
    return 3;
  }
  zx_handle_t dir = zx_take_startup_handle(PA_HND(PA_DIRECTORY_REQUEST, 0));
  if (dir == ZX_HANDLE_INVALID) {
    fprintf(stderr, "process_builder_test_util: no DirectoryRequest handle\n");
    return 2;
  }
  arguments = argv;
  argument_count = (uint64_t)argc;
  environment = envp;
  while (envp[environment_count] != NULL) environment_count++;
  read_namespace();
  serve(dir);
  return 0;
}
