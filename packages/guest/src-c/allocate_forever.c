// allocate_forever (hostile): creates 1 MiB VMOs and fills each with zx_vmo_write, keeping every
// one, until the kernel runs out of physical memory. The source of the writes is a read-only
// mapping of a VMO that is never written (it reads as zeros and commits no memory), so each write
// commits 256 fresh pages in the new VMO. When zx_vmo_create or zx_vmo_write fails with
// ZX_ERR_NO_MEMORY it prints "allocate_forever: NO_MEMORY after N MiB" on stdout and exits 3. Give
// the kernel a small memory (e.g. 16 MiB) to keep the run short: the default 1 GiB takes 1024 writes.
//
// Return codes: 3 NO_MEMORY, as expected; 4 zx_vmo_create failed otherwise; 5 zx_vmo_write failed
// otherwise (both print the status on stderr); 6 the source could not be set up; 7 a million MiB
// were allocated without running out.
#include <stdint.h>
#include <stdio.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>

#define CHUNK ((uint64_t)1 << 20)

int main(void) {
  zx_handle_t source = ZX_HANDLE_INVALID;
  zx_vaddr_t zeros = 0;
  if (zx_vmo_create(CHUNK, 0, &source) != ZX_OK ||
      zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, source, 0, CHUNK, &zeros) != ZX_OK) {
    return 6;
  }
  zx_handle_t previous = ZX_HANDLE_INVALID;  // the last full chunk, kept to give back at the end
  for (uint64_t mib = 0; mib < 1000000; mib++) {
    zx_handle_t vmo = ZX_HANDLE_INVALID;
    zx_status_t status = zx_vmo_create(CHUNK, 0, &vmo);
    if (status == ZX_OK) {
      status = zx_vmo_write(vmo, (const void*)zeros, 0, CHUNK);
      if (status != ZX_OK && status != ZX_ERR_NO_MEMORY) {
        fprintf(stderr, "allocate_forever: zx_vmo_write returned %d\n", (int)status);
        return 5;
      }
    } else if (status != ZX_ERR_NO_MEMORY) {
      fprintf(stderr, "allocate_forever: zx_vmo_create returned %d\n", (int)status);
      return 4;
    }
    if (status == ZX_ERR_NO_MEMORY) {
      // Give the last chunk back first: printing may touch pages (stdout's buffer) that need a frame.
      zx_handle_close(vmo);
      zx_handle_close(previous);
      printf("allocate_forever: NO_MEMORY after %lu MiB\n", (unsigned long)mib);
      return 3;
    }
    previous = vmo;
  }
  return 7;
}
