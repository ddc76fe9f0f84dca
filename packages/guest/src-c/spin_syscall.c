// spin_syscall (hostile): loops on a syscall that completes at once and never blocks:
// zx_clock_get_monotonic() with argv[1] "clock" (the default), or zx_handle_close(ZX_HANDLE_INVALID)
// with "close". With a count in argv[2] it stops after that many calls and exits 0; without one it
// never ends by itself (a test kills it: -1024). The kernel must still end its time slices and give
// the host its turn, as for a guest that spins without syscalls.
//
// Return codes: 0 the calls were made; 1 a call returned something it must not (printed on stderr);
// 2 argv[1] names no known syscall.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/syscalls.h>

int main(int argc, char** argv) {
  const char* which = argc >= 2 ? argv[1] : "clock";
  uint64_t count = argc >= 3 ? strtoull(argv[2], NULL, 10) : 0;
  int close = strcmp(which, "close") == 0;
  if (!close && strcmp(which, "clock") != 0) return 2;
  zx_time_t last = 0;
  for (uint64_t i = 0; count == 0 || i < count; i++) {
    if (close) {
      zx_status_t status = zx_handle_close(ZX_HANDLE_INVALID);
      if (status != ZX_OK) {
        fprintf(stderr, "spin_syscall: zx_handle_close(0) returned %d\n", (int)status);
        return 1;
      }
    } else {
      zx_time_t now = zx_clock_get_monotonic();
      if (now < last) {
        fprintf(stderr, "spin_syscall: the monotonic clock went back\n");
        return 1;
      }
      last = now;
    }
  }
  return 0;
}
