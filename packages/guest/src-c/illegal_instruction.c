// illegal_instruction (hostile): executes the all-zero 32-bit word, which RISC-V defines to be an
// illegal instruction. The kernel kills the process: return code -1028
// (ZX_TASK_RETCODE_EXCEPTION_KILL). Exits 1 if execution went on.
int main(void) {
  __asm__ volatile(".4byte 0x00000000");
  return 1;
}
