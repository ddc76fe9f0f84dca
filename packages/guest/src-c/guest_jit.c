// guest_jit: a tiny JIT. It writes the code of `long f(long x) { return 2 * x + 1; }` into a VMO,
// makes the VMO executable, maps it read+execute and calls it; then maps the same VMO writable a
// second time, rewrites the code through that mapping to `return 3 * x`, runs fence.i and calls it
// again, as a JIT that patches its code does. argv[1] chooses how the VMO becomes executable:
//   vmex     zx_vmo_replace_as_executable with the PA_VMEX_RESOURCE startup handle (exit 4 without one)
//   ambient  zx_vmo_replace_as_executable with ZX_HANDLE_INVALID: the job policy
//            ZX_POL_AMBIENT_MARK_VMO_EXEC decides
//   none     no replace: the read+execute mapping itself must be refused
// Prints "guest_jit: f(20) = 41, then 60" and exits 0; a refused step prints
// "guest_jit: <step>: status <n>" and exits 2 (replace refused) or 3 (mapping refused); 1 for other
// failures.
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zircon/process.h>
#include <zircon/processargs.h>
#include <zircon/syscalls.h>

// RISC-V encodings: slli a0,a0,1; addi a0,a0,1; ret
static const uint32_t times_two_plus_one[] = {0x00151513u, 0x00150513u, 0x00008067u};
// slli a5,a0,1; add a0,a0,a5; ret (a compressed-free 3x)
static const uint32_t times_three[] = {0x00151793u, 0x00f50533u, 0x00008067u};

static int refused(const char* step, zx_status_t status, int code) {
  printf("guest_jit: %s: status %d\n", step, (int)status);
  return code;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "vmex";
  zx_handle_t vmo;
  zx_status_t status = zx_vmo_create(4096, 0, &vmo);
  if (status != ZX_OK) return refused("vmo_create", status, 1);
  status = zx_vmo_write(vmo, times_two_plus_one, 0, sizeof(times_two_plus_one));
  if (status != ZX_OK) return refused("vmo_write", status, 1);
  if (strcmp(mode, "none") != 0) {
    zx_handle_t vmex = ZX_HANDLE_INVALID;
    if (strcmp(mode, "vmex") == 0) {
      vmex = zx_take_startup_handle(PA_HND(PA_VMEX_RESOURCE, 0));
      if (vmex == ZX_HANDLE_INVALID) return refused("no PA_VMEX_RESOURCE handle", ZX_ERR_NOT_FOUND, 4);
    }
    status = zx_vmo_replace_as_executable(vmo, vmex, &vmo);
    if (status != ZX_OK) return refused("vmo_replace_as_executable", status, 2);
  }
  zx_vaddr_t code = 0;
  status = zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_EXECUTE, 0, vmo, 0, 4096, &code);
  if (status != ZX_OK) return refused("vmar_map read+execute", status, 3);
  long (*f)(long) = (long (*)(long))code;
  long first = f(20);
  // A second, writable view of the same code: patch it, then make the instruction stream see it.
  zx_vaddr_t data = 0;
  status = zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, 4096, &data);
  if (status != ZX_OK) return refused("vmar_map read+write", status, 1);
  memcpy((void*)data, times_three, sizeof(times_three));
  __asm__ volatile("fence.i" ::: "memory");
  long second = f(20);
  printf("guest_jit: f(20) = %ld, then %ld\n", first, second);
  return first == 41 && second == 60 ? 0 : 1;
}
