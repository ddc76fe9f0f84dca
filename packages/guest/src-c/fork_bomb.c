// fork_bomb (hostile): starts child processes as fast as it can in a job of its own (a child of
// its default job), each one spinning forever on a one-instruction loop (`j .`, mapped read+execute
// from one VMO it made executable with zx_vmo_replace_as_executable). Children cannot make
// syscalls (they have no vDSO), so they only burn CPU. It stops after argv[1] children (default
// 20; 0 means until the kernel refuses one) and prints "fork_bomb: N children" or
// "fork_bomb: N children, then <status>" on stdout. Then it kills its job, and every child with it,
// unless argv[2] is "keep": then it exits leaving them running (kill a job above it to end them).
//
// Return codes: 0 all argv[1] children were started; 2 the kernel refused one with NO_MEMORY or
// NO_RESOURCES; 1 setting up failed; 3 another status; 4 killing the job failed.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>

static zx_handle_t job = ZX_HANDLE_INVALID;
static int keep = 0;

static int finish(int code) {
  if (!keep && zx_task_kill(job) != ZX_OK) return 4;
  return code;
}

static int refused(uint64_t started, zx_status_t status) {
  printf("fork_bomb: %llu children, then %d\n", (unsigned long long)started, (int)status);
  return finish(status == ZX_ERR_NO_MEMORY || status == ZX_ERR_NO_RESOURCES ? 2 : 3);
}

int main(int argc, char** argv) {
  uint64_t count = argc >= 2 ? strtoull(argv[1], NULL, 10) : 20;
  keep = argc >= 3 && strcmp(argv[2], "keep") == 0;
  zx_handle_t code = ZX_HANDLE_INVALID, executable = ZX_HANDLE_INVALID;
  const uint32_t loop = 0x0000006f;  // jal x0, 0
  if (zx_job_create(zx_job_default(), 0, &job) != ZX_OK || zx_vmo_create(4096, 0, &code) != ZX_OK ||
      zx_vmo_write(code, &loop, 0, sizeof(loop)) != ZX_OK ||
      zx_vmo_replace_as_executable(code, ZX_HANDLE_INVALID, &executable) != ZX_OK) {
    return 1;
  }
  static const char name[] = "fork_bomb child";
  uint64_t started = 0;
  for (; count == 0 || started < count; started++) {
    zx_handle_t process = ZX_HANDLE_INVALID, vmar = ZX_HANDLE_INVALID, thread = ZX_HANDLE_INVALID;
    zx_vaddr_t entry = 0;
    zx_status_t status = zx_process_create(job, name, sizeof(name) - 1, 0, &process, &vmar);
    if (status != ZX_OK) return refused(started, status);
    status = zx_vmar_map(vmar, ZX_VM_PERM_READ | ZX_VM_PERM_EXECUTE, 0, executable, 0, 4096, &entry);
    if (status == ZX_OK) status = zx_thread_create(process, name, sizeof(name) - 1, 0, &thread);
    if (status == ZX_OK) status = zx_process_start(process, thread, entry, 0, ZX_HANDLE_INVALID, 0);
    zx_handle_close(thread);
    zx_handle_close(vmar);
    zx_handle_close(process);
    if (status != ZX_OK) return refused(started, status);
  }
  printf("fork_bomb: %llu children\n", (unsigned long long)started);
  return finish(0);
}
