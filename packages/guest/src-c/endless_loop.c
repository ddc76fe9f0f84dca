// endless_loop (hostile): counts forever and never makes a syscall. It never ends by itself: a test
// kills it with zx_task_kill, after which its return code is -1024 (ZX_TASK_RETCODE_SYSCALL_KILL).
// Meanwhile the host, its timers and other guests must keep running.
#include <stdint.h>

int main(void) {
  volatile uint64_t counter = 0;
  for (;;) counter++;
}
