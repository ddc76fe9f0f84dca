// double_close (hostile): creates a channel, closes one end, then closes the same handle value
// again. The second close must fail with ZX_ERR_BAD_HANDLE (the value no longer names anything in
// this process) and must not disturb anything else.
//
// Return codes: 0 the second close failed with BAD_HANDLE, as it must; 1 the channel could not be
// created; 2 the first close failed; 3 the second close gave another status (printed on stderr);
// 4 closing the other end failed afterwards.
#include <stdio.h>
#include <zircon/syscalls.h>

int main(void) {
  zx_handle_t a = ZX_HANDLE_INVALID, b = ZX_HANDLE_INVALID;
  if (zx_channel_create(0, &a, &b) != ZX_OK) return 1;
  if (zx_handle_close(a) != ZX_OK) return 2;
  zx_status_t status = zx_handle_close(a);
  if (status != ZX_ERR_BAD_HANDLE) {
    fprintf(stderr, "double_close: second close returned %d\n", (int)status);
    return 3;
  }
  if (zx_handle_close(b) != ZX_OK) return 4;
  return 0;
}
