// write_code (hostile): stores a word over the first instruction of its own main. Code is mapped
// read+execute, never writable, so the store faults and the kernel kills the process: return code
// -1028 (ZX_TASK_RETCODE_EXCEPTION_KILL). Exits 1 if the store went through.
#include <stdint.h>

int main(void) {
  volatile uint32_t* code = (volatile uint32_t*)(uintptr_t)&main;
  *code = 0;
  return 1;
}
