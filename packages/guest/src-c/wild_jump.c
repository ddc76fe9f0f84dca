// wild_jump (hostile): calls a function at address 0x1000, below the 2 MiB where user address space
// starts, so nothing can be mapped there. The instruction fetch faults and the kernel kills the
// process: return code -1028 (ZX_TASK_RETCODE_EXCEPTION_KILL). Exits 1 if it ever gets past the call.
#include <stdint.h>

int main(void) {
  volatile uintptr_t target = 0x1000;
  ((void (*)(void))target)();
  return 1;
}
