// foreign_handle (hostile): uses a handle value it does not own: argv[1] if given (decimal, or hex
// with 0x; e.g. a value that is valid in another process), else 0x12345673 (a well-formed value,
// low two bits set, that this process was never given). Closing it, writing a message on it and
// reading a VMO size through it must each fail with ZX_ERR_BAD_HANDLE: handle values are private to
// each process.
//
// Return codes: 0 all three failed with BAD_HANDLE; 1 zx_handle_close did not; 2 zx_channel_write
// did not; 3 zx_vmo_get_size did not (each prints the status it got on stderr); 127 argv[1] is not
// a number.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <zircon/syscalls.h>

static int expect_bad_handle(const char* what, zx_status_t status, int code) {
  if (status == ZX_ERR_BAD_HANDLE) return 0;
  fprintf(stderr, "foreign_handle: %s returned %d\n", what, (int)status);
  return code;
}

int main(int argc, char** argv) {
  zx_handle_t value = 0x12345673u;
  if (argc >= 2) {
    char* end = NULL;
    unsigned long parsed = strtoul(argv[1], &end, 0);
    if (end == argv[1] || *end != '\0' || parsed > UINT32_MAX) return 127;
    value = (zx_handle_t)parsed;
  }
  static const char byte = 'x';
  uint64_t size = 0;
  int code = expect_bad_handle("zx_handle_close", zx_handle_close(value), 1);
  if (code == 0) code = expect_bad_handle("zx_channel_write", zx_channel_write(value, 0, &byte, 1, NULL, 0), 2);
  if (code == 0) code = expect_bad_handle("zx_vmo_get_size", zx_vmo_get_size(value, &size), 3);
  return code;
}
