// vmo_flood (hostile): creates argv[1] one-page VMOs (default 10000) in one burst of syscalls,
// keeping every handle, then exits (the kernel closes them all). It prints
// "vmo_flood: N VMOs" on stdout, or "vmo_flood: N VMOs, then <status>" when the kernel refuses one.
//
// Return codes: 0 all were created; 2 the kernel refused one with NO_MEMORY or NO_RESOURCES;
// 1 another status.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <zircon/syscalls.h>

int main(int argc, char** argv) {
  uint64_t count = argc >= 2 ? strtoull(argv[1], NULL, 10) : 10000;
  for (uint64_t i = 0; i < count; i++) {
    zx_handle_t vmo = ZX_HANDLE_INVALID;
    zx_status_t status = zx_vmo_create(4096, 0, &vmo);
    if (status != ZX_OK) {
      printf("vmo_flood: %llu VMOs, then %d\n", (unsigned long long)i, (int)status);
      return status == ZX_ERR_NO_MEMORY || status == ZX_ERR_NO_RESOURCES ? 2 : 1;
    }
  }
  printf("vmo_flood: %llu VMOs\n", (unsigned long long)count);
  return 0;
}
