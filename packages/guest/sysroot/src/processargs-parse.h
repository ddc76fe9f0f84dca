// Checking and reading a processargs bootstrap message (the `zx_proc_args_t` header, one handle-info
// word per handle, then NUL-terminated argument, environment and namespace-path strings; see
// <zircon/processargs.h>). Offsets come from the sender, so every one is checked against the
// message size before use, and nothing is read unaligned (the header sits at the start of an
// aligned buffer but the info words and strings follow at any byte offset).
//
// Everything here is `static inline` and uses no C library, so the start-up and the host test
// harness (test/host/harness.c) compile the same code.
#ifndef ZXSIM_PROCESSARGS_PARSE_H_
#define ZXSIM_PROCESSARGS_PARSE_H_

#include <stddef.h>
#include <stdint.h>
#include <zircon/processargs.h>

// Why a message was refused.
#define ZXS_PA_OK 0
#define ZXS_PA_TOO_SHORT (-1)        // fewer bytes than the 36-byte header
#define ZXS_PA_BAD_PROTOCOL (-2)     // protocol or version is not ZX_PROCARGS_*
#define ZXS_PA_BAD_HANDLE_INFO (-3)  // the handle-info words do not fit in the message
#define ZXS_PA_BAD_STRINGS (-4)      // a string section starts or runs past the end

// A little-endian u32 at any alignment.
static inline uint32_t zxs_read_u32(const unsigned char* p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

// Reads and checks the header of a message of `num_bytes` bytes that came with `num_handles`
// handles: the protocol and version, and that the handle-info words lie inside the message. The
// string sections are checked by zxs_processargs_strings.
static inline int zxs_processargs_header(const unsigned char* bytes, uint32_t num_bytes, uint32_t num_handles,
                                         zx_proc_args_t* header) {
  if (num_bytes < sizeof(zx_proc_args_t)) return ZXS_PA_TOO_SHORT;
  uint32_t* fields = (uint32_t*)header;
  for (size_t i = 0; i < sizeof(zx_proc_args_t) / 4; i++) fields[i] = zxs_read_u32(bytes + 4 * i);
  if (header->protocol != ZX_PROCARGS_PROTOCOL || header->version != ZX_PROCARGS_VERSION) return ZXS_PA_BAD_PROTOCOL;
  if (num_handles > 0) {
    uint64_t end = (uint64_t)header->handle_info_off + 4u * (uint64_t)num_handles;
    if (end > num_bytes) return ZXS_PA_BAD_HANDLE_INFO;
  }
  return ZXS_PA_OK;
}

// The info word of handle `i`.
static inline uint32_t zxs_processargs_info(const unsigned char* bytes, const zx_proc_args_t* header, uint32_t i) {
  return zxs_read_u32(bytes + header->handle_info_off + 4u * i);
}

// Points `out[0..count-1]` at the `count` NUL-terminated strings starting at byte `offset` and sets
// `out[count]` to NULL (out may be NULL to only check). Fails when the section starts past the end
// or a string is not terminated inside the message.
static inline int zxs_processargs_strings(const unsigned char* bytes, uint32_t num_bytes, uint32_t offset,
                                          uint32_t count, char** out) {
  if (count == 0) {
    if (out != NULL) out[0] = NULL;
    return ZXS_PA_OK;
  }
  if (offset >= num_bytes) return ZXS_PA_BAD_STRINGS;
  uint32_t at = offset;
  for (uint32_t i = 0; i < count; i++) {
    if (at >= num_bytes) return ZXS_PA_BAD_STRINGS;
    if (out != NULL) out[i] = (char*)(bytes + at);
    while (at < num_bytes && bytes[at] != 0) at++;
    if (at == num_bytes) return ZXS_PA_BAD_STRINGS;
    at++;
  }
  if (out != NULL) out[count] = NULL;
  return ZXS_PA_OK;
}

// Checks a whole message: the header (zxs_processargs_header) and its argument, environment and
// namespace-path sections. On ZXS_PA_OK every count in `header` is at most `num_bytes`.
static inline int zxs_processargs_check(const unsigned char* bytes, uint32_t num_bytes, uint32_t num_handles,
                                        zx_proc_args_t* header) {
  int status = zxs_processargs_header(bytes, num_bytes, num_handles, header);
  if (status == ZXS_PA_OK) status = zxs_processargs_strings(bytes, num_bytes, header->args_off, header->args_num, NULL);
  if (status == ZXS_PA_OK) {
    status = zxs_processargs_strings(bytes, num_bytes, header->environ_off, header->environ_num, NULL);
  }
  if (status == ZXS_PA_OK) status = zxs_processargs_strings(bytes, num_bytes, header->names_off, header->names_num, NULL);
  return status;
}

// String `index` of a section of `count` strings at `offset` that zxs_processargs_strings accepted,
// or NULL when `index` is not below `count`.
static inline char* zxs_processargs_string_at(const unsigned char* bytes, uint32_t num_bytes, uint32_t offset,
                                              uint32_t count, uint32_t index) {
  if (index >= count) return NULL;
  uint32_t at = offset;
  for (uint32_t i = 0; i < index; i++) {
    while (at < num_bytes && bytes[at] != 0) at++;
    at++;
  }
  return at < num_bytes ? (char*)(bytes + at) : NULL;
}

#endif  // ZXSIM_PROCESSARGS_PARSE_H_
