// Hand-written FIDL wire format (v2) for the few messages zxsim's guests exchange: the
// fuchsia.ldsvc.Loader LoadObject call (ld.so.1), the fuchsia.io subset (the test util's
// namespace), and test.processbuilder.Util replies (the test util's server). Ordinals and limits
// come from the generated <zxsim/fidl.h>, so C and TypeScript (@zxsim/fidl) agree by construction.
//
// Encoders write a whole message (header and body) into `out` and return its size; with `out`
// NULL they only return the size, so a caller can allocate exactly. They write every padding byte
// (as zero), so `out` need not be cleared. Decoders check what FIDL asks of a decoder for these
// shapes: the exact size, presence markers, zero padding, bounds, handle counts, UTF-8.
//
// Everything is `static inline` and uses no C library, so ld.so.1 (which has none) and the host
// test harness (test/host/harness.c) compile the same code.
#ifndef ZXSIM_FIDL_WIRE_H_
#define ZXSIM_FIDL_WIRE_H_

#include <stddef.h>
#include <stdint.h>
#include <zxsim/fidl.h>

// Why a message was refused.
#define ZXS_FIDL_OK 0
#define ZXS_FIDL_SHORT (-1)         // shorter than its header or fixed part
#define ZXS_FIDL_BAD_HEADER (-2)    // wrong magic number or no v2 flag
#define ZXS_FIDL_WRONG_ORDINAL (-3) // not the message expected
#define ZXS_FIDL_BAD_SIZE (-4)      // the size is not what the body says
#define ZXS_FIDL_BAD_PRESENCE (-5)  // a presence marker other than all zeros or all ones, or absent when required
#define ZXS_FIDL_BAD_PADDING (-6)   // a padding byte that is not zero
#define ZXS_FIDL_TOO_LONG (-7)      // a string or vector over its bound
#define ZXS_FIDL_BAD_UTF8 (-8)      // a string that is not UTF-8
#define ZXS_FIDL_BAD_HANDLES (-9)   // not the handles the body says
#define ZXS_FIDL_BAD_UNION (-10)    // an unknown union member or a malformed envelope

#define ZXS_FIDL_HEADER_SIZE 16u

static inline uint64_t zxs_fidl_align8(uint64_t n) { return (n + 7) & ~(uint64_t)7; }

static inline void zxs_fidl_put_u16(unsigned char* p, uint16_t v) {
  p[0] = (unsigned char)v;
  p[1] = (unsigned char)(v >> 8);
}

static inline void zxs_fidl_put_u32(unsigned char* p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static inline void zxs_fidl_put_u64(unsigned char* p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static inline uint16_t zxs_fidl_get_u16(const unsigned char* p) { return (uint16_t)(p[0] | (p[1] << 8)); }

static inline uint32_t zxs_fidl_get_u32(const unsigned char* p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline uint64_t zxs_fidl_get_u64(const unsigned char* p) {
  return (uint64_t)zxs_fidl_get_u32(p) | ((uint64_t)zxs_fidl_get_u32(p + 4) << 32);
}

static inline void zxs_fidl_copy(unsigned char* out, const void* data, uint64_t size) {
  const unsigned char* in = data;
  for (uint64_t i = 0; i < size; i++) out[i] = in[i];
}

static inline void zxs_fidl_zero(unsigned char* out, uint64_t size) {
  for (uint64_t i = 0; i < size; i++) out[i] = 0;
}

// Whether the `size` bytes at `p` are all zero.
static inline int zxs_fidl_is_zero(const unsigned char* p, uint64_t size) {
  for (uint64_t i = 0; i < size; i++) {
    if (p[i] != 0) return 0;
  }
  return 1;
}

// Whether `size` bytes are well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
static inline int zxs_utf8_valid(const unsigned char* s, uint64_t size) {
  uint64_t i = 0;
  while (i < size) {
    unsigned char c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    uint32_t need, min;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0) {
      need = 1, min = 0x80, cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      need = 2, min = 0x800, cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      need = 3, min = 0x10000, cp = c & 0x07;
    } else {
      return 0;
    }
    if (size - i <= need) return 0;
    for (uint32_t k = 1; k <= need; k++) {
      if ((s[i + k] & 0xc0) != 0x80) return 0;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    i += need + 1;
  }
  return 1;
}

// ---------------------------------------------------------------------------------------------
// Headers, strings, epitaphs
// ---------------------------------------------------------------------------------------------

// Writes a transactional header: txid, at-rest flags 02 00, dynamic flags 0 (strict), magic 1.
static inline void zxs_fidl_header(unsigned char* out, uint32_t txid, uint64_t ordinal) {
  zxs_fidl_put_u32(out, txid);
  zxs_fidl_put_u16(out + 4, ZXS_FIDL_AT_REST_FLAG_V2);
  out[6] = 0;
  out[7] = ZXS_FIDL_MAGIC_NUMBER;
  zxs_fidl_put_u64(out + 8, ordinal);
}

// A received message's header.
typedef struct {
  uint32_t txid;
  uint8_t dynamic_flags;
  uint64_t ordinal;
} zxs_fidl_header_t;

// Reads a header: refuses a message shorter than 16 bytes, a wrong magic number and a missing v2
// flag (other flag bits are ignored, as receivers must).
static inline int zxs_fidl_read_header(const unsigned char* bytes, uint32_t num_bytes, zxs_fidl_header_t* header) {
  if (num_bytes < ZXS_FIDL_HEADER_SIZE) return ZXS_FIDL_SHORT;
  if (bytes[7] != ZXS_FIDL_MAGIC_NUMBER || (zxs_fidl_get_u16(bytes + 4) & ZXS_FIDL_AT_REST_FLAG_V2) == 0) {
    return ZXS_FIDL_BAD_HEADER;
  }
  header->txid = zxs_fidl_get_u32(bytes);
  header->dynamic_flags = bytes[6];
  header->ordinal = zxs_fidl_get_u64(bytes + 8);
  return ZXS_FIDL_OK;
}

// Writes a present string or byte vector's out-of-line bytes at `out` (padded to 8) and its inline
// header (count, presence all ones) at `inline_at`; returns the out-of-line size.
static inline uint64_t zxs_fidl_put_bytes(unsigned char* inline_at, unsigned char* out, const void* data, uint64_t size) {
  zxs_fidl_put_u64(inline_at, size);
  zxs_fidl_put_u64(inline_at + 8, UINT64_MAX);
  zxs_fidl_copy(out, data, size);
  zxs_fidl_zero(out + size, zxs_fidl_align8(size) - size);
  return zxs_fidl_align8(size);
}

// Reads a present string or vector<uint8> whose inline header is at `inline_at` and whose bytes
// start at `out_of_line`, in a message of `end` bytes: checks presence, the bound `max`, that the
// bytes and their padding lie inside the message and that the padding is zero (and UTF-8 when
// `utf8`). Returns the out-of-line size (padded) in `*consumed`.
static inline int zxs_fidl_get_bytes(const unsigned char* inline_at, const unsigned char* base, uint64_t out_of_line,
                                     uint64_t end, uint64_t max, int utf8, const unsigned char** data, uint64_t* size,
                                     uint64_t* consumed) {
  uint64_t count = zxs_fidl_get_u64(inline_at), presence = zxs_fidl_get_u64(inline_at + 8);
  if (presence != UINT64_MAX) return ZXS_FIDL_BAD_PRESENCE;
  if (count > max || count > UINT32_MAX) return ZXS_FIDL_TOO_LONG;
  uint64_t padded = zxs_fidl_align8(count);
  if (out_of_line + padded > end) return ZXS_FIDL_BAD_SIZE;
  if (!zxs_fidl_is_zero(base + out_of_line + count, padded - count)) return ZXS_FIDL_BAD_PADDING;
  if (utf8 && !zxs_utf8_valid(base + out_of_line, count)) return ZXS_FIDL_BAD_UTF8;
  *data = base + out_of_line;
  *size = count;
  *consumed = padded;
  return ZXS_FIDL_OK;
}

// Reads an epitaph (txid 0, the epitaph ordinal, `status i32` and 4 zero bytes): 0 and the status,
// or an error when the message is not one.
static inline int zxs_fidl_read_epitaph(const unsigned char* bytes, uint32_t num_bytes, int32_t* status) {
  zxs_fidl_header_t header;
  int error = zxs_fidl_read_header(bytes, num_bytes, &header);
  if (error != ZXS_FIDL_OK) return error;
  if (header.ordinal != ZXS_FIDL_EPITAPH_ORDINAL) return ZXS_FIDL_WRONG_ORDINAL;
  if (num_bytes != 24) return ZXS_FIDL_BAD_SIZE;
  if (!zxs_fidl_is_zero(bytes + 20, 4)) return ZXS_FIDL_BAD_PADDING;
  *status = (int32_t)zxs_fidl_get_u32(bytes + 16);
  return ZXS_FIDL_OK;
}

// An epitaph message carrying `status` (24 bytes).
static inline uint64_t zxs_fidl_epitaph(unsigned char* out, int32_t status) {
  if (out == NULL) return 24;
  zxs_fidl_header(out, 0, ZXS_FIDL_EPITAPH_ORDINAL);
  zxs_fidl_put_u32(out + 16, (uint32_t)status);
  zxs_fidl_zero(out + 20, 4);
  return 24;
}

// Checks a reply's header: the expected ordinal (the kernel matched the txid already).
static inline int zxs_fidl_check_reply(const unsigned char* bytes, uint32_t num_bytes, uint64_t ordinal) {
  zxs_fidl_header_t header;
  int error = zxs_fidl_read_header(bytes, num_bytes, &header);
  if (error != ZXS_FIDL_OK) return error;
  return header.ordinal == ordinal ? ZXS_FIDL_OK : ZXS_FIDL_WRONG_ORDINAL;
}

// ---------------------------------------------------------------------------------------------
// fuchsia.ldsvc/Loader.LoadObject
// ---------------------------------------------------------------------------------------------

// The request `LoadObject(object_name string:1024)`: header, string header, name padded to 8.
static inline uint64_t zxs_ldsvc_load_object_request(unsigned char* out, uint32_t txid, const char* name,
                                                     uint64_t length) {
  uint64_t size = ZXS_FIDL_HEADER_SIZE + 16 + zxs_fidl_align8(length);
  if (out == NULL) return size;
  zxs_fidl_header(out, txid, ZXS_ORDINAL_LDSVC_LOADER_LOAD_OBJECT);
  zxs_fidl_put_bytes(out + 16, out + 32, name, length);
  return size;
}

// Reads the reply `{ rv int32, object handle<VMO>:optional }` (24 bytes; a present handle marker
// means one handle came). `*has_object` says whether it did.
static inline int zxs_ldsvc_load_object_response(const unsigned char* bytes, uint32_t num_bytes, uint32_t num_handles,
                                                 int32_t* rv, int* has_object) {
  int error = zxs_fidl_check_reply(bytes, num_bytes, ZXS_ORDINAL_LDSVC_LOADER_LOAD_OBJECT);
  if (error != ZXS_FIDL_OK) return error;
  if (num_bytes != 24) return ZXS_FIDL_BAD_SIZE;
  uint32_t presence = zxs_fidl_get_u32(bytes + 20);
  if (presence != 0 && presence != UINT32_MAX) return ZXS_FIDL_BAD_PRESENCE;
  if (num_handles != (presence != 0 ? 1u : 0u)) return ZXS_FIDL_BAD_HANDLES;
  *rv = (int32_t)zxs_fidl_get_u32(bytes + 16);
  *has_object = presence != 0;
  return ZXS_FIDL_OK;
}

// ---------------------------------------------------------------------------------------------
// The fuchsia.io subset
// ---------------------------------------------------------------------------------------------

// `Open(flags, mode, path string:4095, object server_end)`, one-way (txid 0); the object handle
// goes with the message.
static inline uint64_t zxs_io_open_request(unsigned char* out, uint32_t flags, uint32_t mode, const char* path,
                                           uint64_t length) {
  uint64_t size = ZXS_FIDL_HEADER_SIZE + 32 + zxs_fidl_align8(length);
  if (out == NULL) return size;
  zxs_fidl_header(out, 0, ZXS_ORDINAL_IO_OPEN);
  zxs_fidl_put_u32(out + 16, flags);
  zxs_fidl_put_u32(out + 20, mode);
  zxs_fidl_put_bytes(out + 24, out + 48, path, length);
  zxs_fidl_put_u32(out + 40, UINT32_MAX);
  zxs_fidl_zero(out + 44, 4);
  return size;
}

// Reads an `Open` request: the flags, mode and path (pointing into `bytes`, not NUL-terminated);
// the one handle that came with it is the object's server end.
static inline int zxs_io_open_request_decode(const unsigned char* bytes, uint32_t num_bytes, uint32_t num_handles,
                                             uint32_t* flags, uint32_t* mode, const char** path, uint64_t* length) {
  if (num_bytes < 48) return ZXS_FIDL_SHORT;
  if (zxs_fidl_get_u32(bytes + 40) != UINT32_MAX) return ZXS_FIDL_BAD_PRESENCE;
  if (!zxs_fidl_is_zero(bytes + 44, 4)) return ZXS_FIDL_BAD_PADDING;
  if (num_handles != 1) return ZXS_FIDL_BAD_HANDLES;
  const unsigned char* data;
  uint64_t consumed;
  int error = zxs_fidl_get_bytes(bytes + 24, bytes, 48, num_bytes, ZXS_IO_MAX_PATH_LENGTH, 1, &data, length, &consumed);
  if (error != ZXS_FIDL_OK) return error;
  if (48 + consumed != num_bytes) return ZXS_FIDL_BAD_SIZE;
  *flags = zxs_fidl_get_u32(bytes + 16);
  *mode = zxs_fidl_get_u32(bytes + 20);
  *path = (const char*)data;
  return ZXS_FIDL_OK;
}

// The successful `Close` reply: the result union's member 1, the empty struct, inline.
static inline uint64_t zxs_io_close_response_encode(unsigned char* out, uint32_t txid) {
  if (out == NULL) return 32;
  zxs_fidl_header(out, txid, ZXS_ORDINAL_IO_CLOSE);
  zxs_fidl_put_u64(out + 16, 1);
  zxs_fidl_zero(out + 24, 6);
  zxs_fidl_put_u16(out + 30, 1);
  return 32;
}

// A request whose body is one uint64 (`ReadDirents(max_bytes)`, `Read(count)`).
static inline uint64_t zxs_fidl_u64_request(unsigned char* out, uint32_t txid, uint64_t ordinal, uint64_t value) {
  if (out == NULL) return 24;
  zxs_fidl_header(out, txid, ordinal);
  zxs_fidl_put_u64(out + 16, value);
  return 24;
}

// A request without parameters (`Rewind()`, `Close()`).
static inline uint64_t zxs_fidl_empty_request(unsigned char* out, uint32_t txid, uint64_t ordinal) {
  if (out == NULL) return ZXS_FIDL_HEADER_SIZE;
  zxs_fidl_header(out, txid, ordinal);
  return ZXS_FIDL_HEADER_SIZE;
}

// Reads the `ReadDirents` reply `{ s int32, dirents vector<uint8>:8192 }`: the status and the
// packed dirents (pointing into `bytes`).
static inline int zxs_io_read_dirents_response(const unsigned char* bytes, uint32_t num_bytes, uint32_t num_handles,
                                               int32_t* s, const unsigned char** dirents, uint64_t* size) {
  int error = zxs_fidl_check_reply(bytes, num_bytes, ZXS_ORDINAL_IO_READ_DIRENTS);
  if (error != ZXS_FIDL_OK) return error;
  if (num_handles != 0) return ZXS_FIDL_BAD_HANDLES;
  if (num_bytes < 40) return ZXS_FIDL_SHORT;
  if (!zxs_fidl_is_zero(bytes + 20, 4)) return ZXS_FIDL_BAD_PADDING;
  uint64_t consumed;
  error = zxs_fidl_get_bytes(bytes + 24, bytes, 40, num_bytes, ZXS_IO_MAX_BUF, 0, dirents, size, &consumed);
  if (error != ZXS_FIDL_OK) return error;
  if (40 + consumed != num_bytes) return ZXS_FIDL_BAD_SIZE;
  *s = (int32_t)zxs_fidl_get_u32(bytes + 16);
  return ZXS_FIDL_OK;
}

// Reads the `Rewind` reply `{ s int32 }`.
static inline int zxs_io_rewind_response(const unsigned char* bytes, uint32_t num_bytes, uint32_t num_handles,
                                         int32_t* s) {
  int error = zxs_fidl_check_reply(bytes, num_bytes, ZXS_ORDINAL_IO_REWIND);
  if (error != ZXS_FIDL_OK) return error;
  if (num_handles != 0) return ZXS_FIDL_BAD_HANDLES;
  if (num_bytes != 24) return ZXS_FIDL_BAD_SIZE;
  if (!zxs_fidl_is_zero(bytes + 20, 4)) return ZXS_FIDL_BAD_PADDING;
  *s = (int32_t)zxs_fidl_get_u32(bytes + 16);
  return ZXS_FIDL_OK;
}

// Reads an inline error envelope at `envelope` (`status i32, num_handles 0, flags 1`).
static inline int zxs_fidl_inline_status(const unsigned char* envelope, int32_t* status) {
  if (zxs_fidl_get_u16(envelope + 4) != 0 || zxs_fidl_get_u16(envelope + 6) != 1) return ZXS_FIDL_BAD_UNION;
  *status = (int32_t)zxs_fidl_get_u32(envelope);
  return ZXS_FIDL_OK;
}

// Reads the `Read` reply, a result union: success `{ data vector<uint8>:8192 }` (out of line) with
// `*err` = 0 and the data pointing into `bytes`, or the error status in `*err` (never 0 then).
static inline int zxs_io_read_response(const unsigned char* bytes, uint32_t num_bytes, uint32_t num_handles,
                                       int32_t* err, const unsigned char** data, uint64_t* size) {
  int error = zxs_fidl_check_reply(bytes, num_bytes, ZXS_ORDINAL_IO_READ);
  if (error != ZXS_FIDL_OK) return error;
  if (num_handles != 0) return ZXS_FIDL_BAD_HANDLES;
  if (num_bytes < 32) return ZXS_FIDL_SHORT;
  uint64_t ordinal = zxs_fidl_get_u64(bytes + 16);
  if (ordinal == 2) {
    if (num_bytes != 32) return ZXS_FIDL_BAD_SIZE;
    error = zxs_fidl_inline_status(bytes + 24, err);
    if (error == ZXS_FIDL_OK && *err == 0) return ZXS_FIDL_BAD_UNION;
    return error;
  }
  if (ordinal != 1) return ZXS_FIDL_BAD_UNION;
  uint32_t envelope_bytes = zxs_fidl_get_u32(bytes + 24);
  if (zxs_fidl_get_u16(bytes + 28) != 0 || zxs_fidl_get_u16(bytes + 30) != 0) return ZXS_FIDL_BAD_UNION;
  if (num_bytes < 48) return ZXS_FIDL_SHORT;
  uint64_t consumed;
  error = zxs_fidl_get_bytes(bytes + 32, bytes, 48, num_bytes, ZXS_IO_MAX_BUF, 0, data, size, &consumed);
  if (error != ZXS_FIDL_OK) return error;
  if (48 + consumed != num_bytes || envelope_bytes != 16 + consumed) return ZXS_FIDL_BAD_SIZE;
  *err = 0;
  return ZXS_FIDL_OK;
}

// Reads the `Close` reply, a result union: success (the empty struct inline) with `*err` = 0, or
// the error status.
static inline int zxs_io_close_response(const unsigned char* bytes, uint32_t num_bytes, uint32_t num_handles,
                                        int32_t* err) {
  int error = zxs_fidl_check_reply(bytes, num_bytes, ZXS_ORDINAL_IO_CLOSE);
  if (error != ZXS_FIDL_OK) return error;
  if (num_handles != 0) return ZXS_FIDL_BAD_HANDLES;
  if (num_bytes != 32) return ZXS_FIDL_BAD_SIZE;
  uint64_t ordinal = zxs_fidl_get_u64(bytes + 16);
  if (ordinal == 1) {
    int32_t value;
    error = zxs_fidl_inline_status(bytes + 24, &value);
    if (error != ZXS_FIDL_OK) return error;
    if (value != 0) return ZXS_FIDL_BAD_PADDING;
    *err = 0;
    return ZXS_FIDL_OK;
  }
  if (ordinal != 2) return ZXS_FIDL_BAD_UNION;
  error = zxs_fidl_inline_status(bytes + 24, err);
  if (error == ZXS_FIDL_OK && *err == 0) return ZXS_FIDL_BAD_UNION;
  return error;
}

// One packed dirent: `u64 ino; u8 name_len; u8 type; name`.
typedef struct {
  uint64_t ino;
  uint8_t type;
  const char* name;  // not NUL-terminated
  uint8_t name_length;
} zxs_dirent_t;

// Reads the dirent at `*at` of `size` bytes of packed dirents and moves `*at` past it. Returns 1
// for a dirent, 0 at the end, and -1 for a dirent cut off or with an empty name.
static inline int zxs_io_next_dirent(const unsigned char* dirents, uint64_t size, uint64_t* at, zxs_dirent_t* dirent) {
  if (*at >= size) return 0;
  if (size - *at < 10) return -1;
  const unsigned char* p = dirents + *at;
  uint8_t length = p[8];
  if (length == 0 || size - *at - 10 < length) return -1;
  dirent->ino = zxs_fidl_get_u64(p);
  dirent->name_length = length;
  dirent->type = p[9];
  dirent->name = (const char*)(p + 10);
  *at += 10u + length;
  return 1;
}

// ---------------------------------------------------------------------------------------------
// test.processbuilder/Util
// ---------------------------------------------------------------------------------------------

// Reads a Util request without parameters: the header alone, no handles.
static inline int zxs_util_empty_request(uint32_t num_bytes, uint32_t num_handles) {
  if (num_handles != 0) return ZXS_FIDL_BAD_HANDLES;
  return num_bytes == ZXS_FIDL_HEADER_SIZE ? ZXS_FIDL_OK : ZXS_FIDL_BAD_SIZE;
}

// Reads `ReadFile(path string)`: the path, pointing into `bytes` (not NUL-terminated).
static inline int zxs_util_read_file_request(const unsigned char* bytes, uint32_t num_bytes, uint32_t num_handles,
                                             const char** path, uint64_t* length) {
  if (num_handles != 0) return ZXS_FIDL_BAD_HANDLES;
  if (num_bytes < 32) return ZXS_FIDL_SHORT;
  const unsigned char* data;
  uint64_t consumed;
  int error = zxs_fidl_get_bytes(bytes + 16, bytes, 32, num_bytes, UINT32_MAX, 1, &data, length, &consumed);
  if (error != ZXS_FIDL_OK) return error;
  if (32 + consumed != num_bytes) return ZXS_FIDL_BAD_SIZE;
  *path = (const char*)data;
  return ZXS_FIDL_OK;
}

static inline uint64_t zxs_fidl_strlen(const char* s) {
  uint64_t n = 0;
  while (s[n] != 0) n++;
  return n;
}

// A reply whose body is one uint64 (`GetArgumentCount`, `GetEnvironmentCount`, `GetLifecycleKoid`).
static inline uint64_t zxs_util_u64_response(unsigned char* out, uint32_t txid, uint64_t ordinal, uint64_t value) {
  return zxs_fidl_u64_request(out, txid, ordinal, value);
}

// A reply whose body is one string (`DumpNamespace`, `ReadFile`).
static inline uint64_t zxs_util_string_response(unsigned char* out, uint32_t txid, uint64_t ordinal, const char* text,
                                                uint64_t length) {
  uint64_t size = ZXS_FIDL_HEADER_SIZE + 16 + zxs_fidl_align8(length);
  if (out == NULL) return size;
  zxs_fidl_header(out, txid, ordinal);
  zxs_fidl_put_bytes(out + 16, out + 32, text, length);
  return size;
}

// The `GetArguments` reply `{ args vector<string> }` for `count` NUL-terminated strings: the
// vector header, the array of string headers, then each string's bytes padded to 8.
static inline uint64_t zxs_util_strings_response(unsigned char* out, uint32_t txid, uint64_t ordinal,
                                                 const char* const* strings, uint64_t count) {
  uint64_t size = ZXS_FIDL_HEADER_SIZE + 16 + 16 * count;
  for (uint64_t i = 0; i < count; i++) size += zxs_fidl_align8(zxs_fidl_strlen(strings[i]));
  if (out == NULL) return size;
  zxs_fidl_header(out, txid, ordinal);
  zxs_fidl_put_u64(out + 16, count);
  zxs_fidl_put_u64(out + 24, UINT64_MAX);
  uint64_t at = 32 + 16 * count;
  for (uint64_t i = 0; i < count; i++) {
    at += zxs_fidl_put_bytes(out + 32 + 16 * i, out + at, strings[i], zxs_fidl_strlen(strings[i]));
  }
  return size;
}

// How an environment entry splits into EnvVar { key, value }: at the first '=' after the first byte
// (a leading '=' belongs to the key). Returns 0 for an entry without such a '=' (and an empty one),
// which is skipped.
static inline int zxs_util_env_split(const char* entry, uint64_t* key_length, const char** value) {
  if (entry[0] == 0) return 0;
  for (uint64_t i = 1; entry[i] != 0; i++) {
    if (entry[i] == '=') {
      *key_length = i;
      *value = entry + i + 1;
      return 1;
    }
  }
  return 0;
}

// The number of entries zxs_util_env_split keeps.
static inline uint64_t zxs_util_env_count(const char* const* entries, uint64_t count) {
  uint64_t kept = 0;
  for (uint64_t i = 0; i < count; i++) {
    uint64_t key_length;
    const char* value;
    kept += (uint64_t)zxs_util_env_split(entries[i], &key_length, &value);
  }
  return kept;
}

// The `GetEnvironment` reply `{ vars vector<EnvVar> }`: the kept entries as 32-byte EnvVar structs
// (two string headers), then each one's key and value bytes, each padded to 8.
static inline uint64_t zxs_util_env_response(unsigned char* out, uint32_t txid, uint64_t ordinal,
                                             const char* const* entries, uint64_t count) {
  uint64_t kept = zxs_util_env_count(entries, count);
  uint64_t size = ZXS_FIDL_HEADER_SIZE + 16 + 32 * kept;
  for (uint64_t i = 0; i < count; i++) {
    uint64_t key_length;
    const char* value;
    if (zxs_util_env_split(entries[i], &key_length, &value)) {
      size += zxs_fidl_align8(key_length) + zxs_fidl_align8(zxs_fidl_strlen(value));
    }
  }
  if (out == NULL) return size;
  zxs_fidl_header(out, txid, ordinal);
  zxs_fidl_put_u64(out + 16, kept);
  zxs_fidl_put_u64(out + 24, UINT64_MAX);
  uint64_t at = 32 + 32 * kept, slot = 32;
  for (uint64_t i = 0; i < count; i++) {
    uint64_t key_length;
    const char* value;
    if (!zxs_util_env_split(entries[i], &key_length, &value)) continue;
    at += zxs_fidl_put_bytes(out + slot, out + at, entries[i], key_length);
    at += zxs_fidl_put_bytes(out + slot + 16, out + at, value, zxs_fidl_strlen(value));
    slot += 32;
  }
  return size;
}

// ---------------------------------------------------------------------------------------------
// The fuchsia.io subset: files (POSIX I/O)
// ---------------------------------------------------------------------------------------------

// A request whose body is two uint64s (`ReadAt(count, offset)`).
static inline uint64_t zxs_fidl_u64x2_request(unsigned char* out, uint32_t txid, uint64_t ordinal, uint64_t a,
                                              uint64_t b) {
  if (out == NULL) return 32;
  zxs_fidl_header(out, txid, ordinal);
  zxs_fidl_put_u64(out + 16, a);
  zxs_fidl_put_u64(out + 24, b);
  return 32;
}

// `Write(data vector<uint8>:8192)`, or with `at_offset` `WriteAt(data, offset)`.
static inline uint64_t zxs_io_write_request(unsigned char* out, uint32_t txid, int at_offset, const void* data,
                                            uint64_t length, uint64_t offset) {
  uint64_t inline_size = at_offset ? 24 : 16;
  uint64_t size = ZXS_FIDL_HEADER_SIZE + inline_size + zxs_fidl_align8(length);
  if (out == NULL) return size;
  zxs_fidl_header(out, txid, at_offset ? ZXS_ORDINAL_IO_WRITE_AT : ZXS_ORDINAL_IO_WRITE);
  zxs_fidl_put_bytes(out + 16, out + 16 + inline_size, data, length);
  if (at_offset) zxs_fidl_put_u64(out + 32, offset);
  return size;
}

// `Seek(origin SeekOrigin, offset int64)`.
static inline uint64_t zxs_io_seek_request(unsigned char* out, uint32_t txid, uint32_t origin, int64_t offset) {
  if (out == NULL) return 32;
  zxs_fidl_header(out, txid, ZXS_ORDINAL_IO_SEEK);
  zxs_fidl_put_u32(out + 16, origin);
  zxs_fidl_zero(out + 20, 4);
  zxs_fidl_put_u64(out + 24, (uint64_t)offset);
  return 32;
}

// `Unlink(name string:255, options UnlinkOptions)`: the table carries field 1 (`flags`) when
// `flags` is not 0, and no field otherwise.
static inline uint64_t zxs_io_unlink_request(unsigned char* out, uint32_t txid, const char* name, uint64_t length,
                                             uint64_t flags) {
  uint64_t name_size = zxs_fidl_align8(length);
  uint64_t size = ZXS_FIDL_HEADER_SIZE + 32 + name_size + (flags != 0 ? 16 : 0);
  if (out == NULL) return size;
  zxs_fidl_header(out, txid, ZXS_ORDINAL_IO_UNLINK);
  zxs_fidl_put_bytes(out + 16, out + 48, name, length);
  unsigned char* table = out + 32;
  zxs_fidl_put_u64(table, flags != 0 ? 1 : 0);
  zxs_fidl_put_u64(table + 8, UINT64_MAX);
  if (flags != 0) {
    unsigned char* envelope = out + 48 + name_size;
    zxs_fidl_put_u32(envelope, 8);  // 8 bytes out of line, no handles, not inline
    zxs_fidl_zero(envelope + 4, 4);
    zxs_fidl_put_u64(envelope + 8, flags);
  }
  return size;
}

// `Rename(src string:255, dst_parent_token handle:EVENT, dst string:255)`; the token goes with the
// message.
static inline uint64_t zxs_io_rename_request(unsigned char* out, uint32_t txid, const char* src, uint64_t src_length,
                                             const char* dst, uint64_t dst_length) {
  uint64_t size = ZXS_FIDL_HEADER_SIZE + 40 + zxs_fidl_align8(src_length) + zxs_fidl_align8(dst_length);
  if (out == NULL) return size;
  zxs_fidl_header(out, txid, ZXS_ORDINAL_IO_RENAME);
  uint64_t src_size = zxs_fidl_put_bytes(out + 16, out + 56, src, src_length);
  zxs_fidl_put_u32(out + 32, UINT32_MAX);
  zxs_fidl_zero(out + 36, 4);
  zxs_fidl_put_bytes(out + 40, out + 56 + src_size, dst, dst_length);
  return size;
}

// `SetAttr(flags, attributes)` setting only the modification time (nanoseconds since the epoch).
static inline uint64_t zxs_io_set_mtime_request(unsigned char* out, uint32_t txid, uint64_t mtime) {
  if (out == NULL) return 16 + 64;
  zxs_fidl_header(out, txid, ZXS_ORDINAL_IO_SET_ATTR);
  zxs_fidl_zero(out + 16, 64);
  zxs_fidl_put_u32(out + 16, ZXS_IO_ATTRIBUTE_MODIFICATION_TIME);
  zxs_fidl_put_u64(out + 24 + 48, mtime);
  return 16 + 64;
}

// A result union's reply: `*err` 0 and the success payload (`*payload`, `*payload_size` bytes,
// out of line; NULL and 0 for an empty struct, which is inline), or the error status in `*err`.
// `payload_size` is the exact out-of-line size the success member must have (0 for an empty one).
static inline int zxs_io_result_response(const unsigned char* bytes, uint32_t num_bytes, uint32_t num_handles,
                                         uint64_t ordinal, uint64_t payload_size, int32_t* err,
                                         const unsigned char** payload) {
  int error = zxs_fidl_check_reply(bytes, num_bytes, ordinal);
  if (error != ZXS_FIDL_OK) return error;
  if (num_handles != 0) return ZXS_FIDL_BAD_HANDLES;
  if (num_bytes < 32) return ZXS_FIDL_SHORT;
  uint64_t member = zxs_fidl_get_u64(bytes + 16);
  if (member == 2) {
    if (num_bytes != 32) return ZXS_FIDL_BAD_SIZE;
    error = zxs_fidl_inline_status(bytes + 24, err);
    if (error == ZXS_FIDL_OK && *err == 0) return ZXS_FIDL_BAD_UNION;
    return error;
  }
  if (member != 1) return ZXS_FIDL_BAD_UNION;
  if (payload_size == 0) {
    if (num_bytes != 32) return ZXS_FIDL_BAD_SIZE;
    int32_t value;
    error = zxs_fidl_inline_status(bytes + 24, &value);
    if (error != ZXS_FIDL_OK) return error;
    if (value != 0) return ZXS_FIDL_BAD_PADDING;
    *payload = NULL;
    *err = 0;
    return ZXS_FIDL_OK;
  }
  if (zxs_fidl_get_u32(bytes + 24) != payload_size || zxs_fidl_get_u16(bytes + 28) != 0 ||
      zxs_fidl_get_u16(bytes + 30) != 0) {
    return ZXS_FIDL_BAD_UNION;
  }
  if (num_bytes != 32 + payload_size) return ZXS_FIDL_BAD_SIZE;
  *payload = bytes + 32;
  *err = 0;
  return ZXS_FIDL_OK;
}

// The reply of `Write`, `WriteAt` (`actual_count`) or `Seek` (`offset_from_start`): a uint64 on
// success.
static inline int zxs_io_u64_result_response(const unsigned char* bytes, uint32_t num_bytes, uint32_t num_handles,
                                             uint64_t ordinal, int32_t* err, uint64_t* value) {
  const unsigned char* payload;
  int error = zxs_io_result_response(bytes, num_bytes, num_handles, ordinal, 8, err, &payload);
  if (error == ZXS_FIDL_OK && *err == 0) *value = zxs_fidl_get_u64(payload);
  return error;
}

// The reply of `ReadAt`: as `Read`'s, with its own ordinal.
static inline int zxs_io_read_at_response(const unsigned char* bytes, uint32_t num_bytes, uint32_t num_handles,
                                          int32_t* err, const unsigned char** data, uint64_t* size) {
  zxs_fidl_header_t header;
  int error = zxs_fidl_read_header(bytes, num_bytes, &header);
  if (error != ZXS_FIDL_OK) return error;
  if (header.ordinal != ZXS_ORDINAL_IO_READ_AT) return ZXS_FIDL_WRONG_ORDINAL;
  if (num_handles != 0) return ZXS_FIDL_BAD_HANDLES;
  if (num_bytes < 32) return ZXS_FIDL_SHORT;
  uint64_t member = zxs_fidl_get_u64(bytes + 16);
  if (member == 2) {
    if (num_bytes != 32) return ZXS_FIDL_BAD_SIZE;
    error = zxs_fidl_inline_status(bytes + 24, err);
    if (error == ZXS_FIDL_OK && *err == 0) return ZXS_FIDL_BAD_UNION;
    return error;
  }
  if (member != 1) return ZXS_FIDL_BAD_UNION;
  uint32_t envelope_bytes = zxs_fidl_get_u32(bytes + 24);
  if (zxs_fidl_get_u16(bytes + 28) != 0 || zxs_fidl_get_u16(bytes + 30) != 0) return ZXS_FIDL_BAD_UNION;
  if (num_bytes < 48) return ZXS_FIDL_SHORT;
  uint64_t consumed;
  error = zxs_fidl_get_bytes(bytes + 32, bytes, 48, num_bytes, ZXS_IO_MAX_BUF, 0, data, size, &consumed);
  if (error != ZXS_FIDL_OK) return error;
  if (48 + consumed != num_bytes || envelope_bytes != 16 + consumed) return ZXS_FIDL_BAD_SIZE;
  *err = 0;
  return ZXS_FIDL_OK;
}

// `NodeAttributes`, as `GetAttr` reports them.
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

// Reads the `GetAttr` reply `{ s int32, attributes NodeAttributes }` (80 bytes).
static inline int zxs_io_get_attr_response(const unsigned char* bytes, uint32_t num_bytes, uint32_t num_handles,
                                           int32_t* s, zxs_io_attributes_t* attributes) {
  int error = zxs_fidl_check_reply(bytes, num_bytes, ZXS_ORDINAL_IO_GET_ATTR);
  if (error != ZXS_FIDL_OK) return error;
  if (num_handles != 0) return ZXS_FIDL_BAD_HANDLES;
  if (num_bytes != 80) return ZXS_FIDL_BAD_SIZE;
  if (!zxs_fidl_is_zero(bytes + 20, 4) || !zxs_fidl_is_zero(bytes + 28, 4)) return ZXS_FIDL_BAD_PADDING;
  *s = (int32_t)zxs_fidl_get_u32(bytes + 16);
  attributes->mode = zxs_fidl_get_u32(bytes + 24);
  attributes->id = zxs_fidl_get_u64(bytes + 32);
  attributes->content_size = zxs_fidl_get_u64(bytes + 40);
  attributes->storage_size = zxs_fidl_get_u64(bytes + 48);
  attributes->link_count = zxs_fidl_get_u64(bytes + 56);
  attributes->creation_time = zxs_fidl_get_u64(bytes + 64);
  attributes->modification_time = zxs_fidl_get_u64(bytes + 72);
  return ZXS_FIDL_OK;
}

// Reads a reply `{ s int32 }` (`SetAttr`) with the given ordinal.
static inline int zxs_io_status_response(const unsigned char* bytes, uint32_t num_bytes, uint32_t num_handles,
                                         uint64_t ordinal, int32_t* s) {
  int error = zxs_fidl_check_reply(bytes, num_bytes, ordinal);
  if (error != ZXS_FIDL_OK) return error;
  if (num_handles != 0) return ZXS_FIDL_BAD_HANDLES;
  if (num_bytes != 24) return ZXS_FIDL_BAD_SIZE;
  if (!zxs_fidl_is_zero(bytes + 20, 4)) return ZXS_FIDL_BAD_PADDING;
  *s = (int32_t)zxs_fidl_get_u32(bytes + 16);
  return ZXS_FIDL_OK;
}

// Reads the `GetToken` reply `{ s int32, token handle:optional }` (24 bytes; a present marker
// means one handle came).
static inline int zxs_io_get_token_response(const unsigned char* bytes, uint32_t num_bytes, uint32_t num_handles,
                                            int32_t* s, int* has_token) {
  int error = zxs_fidl_check_reply(bytes, num_bytes, ZXS_ORDINAL_IO_GET_TOKEN);
  if (error != ZXS_FIDL_OK) return error;
  if (num_bytes != 24) return ZXS_FIDL_BAD_SIZE;
  uint32_t presence = zxs_fidl_get_u32(bytes + 20);
  if (presence != 0 && presence != UINT32_MAX) return ZXS_FIDL_BAD_PRESENCE;
  if (num_handles != (presence != 0 ? 1u : 0u)) return ZXS_FIDL_BAD_HANDLES;
  *s = (int32_t)zxs_fidl_get_u32(bytes + 16);
  *has_token = presence != 0;
  return ZXS_FIDL_OK;
}

// Reads the `OnOpen` event: the status and the kind of node (`ZXS_IO_DIRENT_DIRECTORY`,
// `ZXS_IO_DIRENT_FILE`, or 0 when `info` is absent or another kind). A file's `event` and
// `stream` handles, when present, are counted in `num_handles` and left to the caller to close.
static inline int zxs_io_on_open_event(const unsigned char* bytes, uint32_t num_bytes, uint32_t num_handles,
                                       int32_t* s, uint32_t* kind) {
  zxs_fidl_header_t header;
  int error = zxs_fidl_read_header(bytes, num_bytes, &header);
  if (error != ZXS_FIDL_OK) return error;
  if (header.ordinal != ZXS_ORDINAL_IO_ON_OPEN || header.txid != 0) return ZXS_FIDL_WRONG_ORDINAL;
  if (num_bytes < 40) return ZXS_FIDL_SHORT;
  if (!zxs_fidl_is_zero(bytes + 20, 4)) return ZXS_FIDL_BAD_PADDING;
  *s = (int32_t)zxs_fidl_get_u32(bytes + 16);
  uint64_t member = zxs_fidl_get_u64(bytes + 24);
  const unsigned char* envelope = bytes + 32;
  if (member == 0) {
    if (num_bytes != 40 || !zxs_fidl_is_zero(envelope, 8) || num_handles != 0) return ZXS_FIDL_BAD_UNION;
    *kind = 0;
    return ZXS_FIDL_OK;
  }
  uint16_t flags = zxs_fidl_get_u16(envelope + 6);
  uint16_t handles = zxs_fidl_get_u16(envelope + 4);
  if (handles != num_handles) return ZXS_FIDL_BAD_HANDLES;
  if (flags == 1) {
    if (num_bytes != 40) return ZXS_FIDL_BAD_SIZE;
  } else if (flags == 0) {
    uint32_t size = zxs_fidl_get_u32(envelope);
    if ((size & 7) != 0 || num_bytes != 40 + size) return ZXS_FIDL_BAD_SIZE;
  } else {
    return ZXS_FIDL_BAD_UNION;
  }
  *kind = member == 3 ? ZXS_IO_DIRENT_DIRECTORY : member == 2 ? ZXS_IO_DIRENT_FILE : 0;
  return ZXS_FIDL_OK;
}

#endif  // ZXSIM_FIDL_WIRE_H_
