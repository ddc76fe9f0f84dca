// ecall_outside_vdso (hostile): executes ecall from its own code instead of through a vDSO stub,
// with t0 = 0 and a0 = 0. The kernel accepts a syscall only from the stub of that syscall in the
// vDSO, so it kills the process: return code -1028 (ZX_TASK_RETCODE_EXCEPTION_KILL). Exits 1 if the
// ecall returned.
int main(void) {
  register long t0 __asm__("t0") = 0;
  register long a0 __asm__("a0") = 0;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(t0) : "memory");
  return 1;
}
