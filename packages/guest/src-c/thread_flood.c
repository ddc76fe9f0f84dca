// thread_flood (hostile): creates argv[1] threads (default 1000) in its own process in one burst
// of syscalls, never starting them and keeping every handle, then exits (the kernel closes the
// handles and the threads die with the process). It prints "thread_flood: N threads" on stdout, or
// "thread_flood: N threads, then <status>" when the kernel refuses one.
//
// Return codes: 0 all were created; 2 the kernel refused one with NO_MEMORY or NO_RESOURCES;
// 1 another status.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>

int main(int argc, char** argv) {
  uint64_t count = argc >= 2 ? strtoull(argv[1], NULL, 10) : 1000;
  static const char name[] = "flood";
  for (uint64_t i = 0; i < count; i++) {
    zx_handle_t thread = ZX_HANDLE_INVALID;
    zx_status_t status = zx_thread_create(zx_process_self(), name, sizeof(name) - 1, 0, &thread);
    if (status != ZX_OK) {
      printf("thread_flood: %llu threads, then %d\n", (unsigned long long)i, (int)status);
      return status == ZX_ERR_NO_MEMORY || status == ZX_ERR_NO_RESOURCES ? 2 : 1;
    }
  }
  printf("thread_flood: %llu threads\n", (unsigned long long)count);
  return 0;
}
