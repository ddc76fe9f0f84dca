// read_unmapped (hostile): loads from address 0x1000, below the 2 MiB where user address space
// starts, so nothing is mapped there. The load faults and the kernel kills the process: return code
// -1028 (ZX_TASK_RETCODE_EXCEPTION_KILL). Exits 1 if the load returned.
#include <stdint.h>

int main(void) {
  volatile uint64_t* address = (volatile uint64_t*)(uintptr_t)0x1000;
  uint64_t value = *address;
  (void)value;
  return 1;
}
