// exception_handler: a handler thread in the guest itself, as a debugger or a crash service would
// be. main binds its own process's exception channel (zx_task_create_exception_channel), then for
// each case starts a worker thread that takes an exception and handles it from main:
//   1. ebreak: reads zx_exception_info_t and the exception handle, checks pid/tid/type, reads the
//      report (ZX_INFO_THREAD_EXCEPTION_REPORT: cause 3) and the registers
//      (zx_thread_read_state), steps pc over the ebreak, sets ZX_EXCEPTION_STATE_HANDLED: the
//      worker goes on and returns its argument through a shared word.
//   2. a load from address 0x1000: the report says FATAL_PAGE_FAULT, ZX_ERR_NOT_FOUND, tval 0x1000;
//      the handler sets a0 = 77 and moves pc past the load (handled), so the load "returned" 77.
//   3. an undefined instruction: the handler answers ZX_EXCEPTION_STATE_THREAD_EXIT; the worker
//      ends there (THREAD_TERMINATED) and the process goes on.
// Prints one line per case and "exception_handler: ok"; exits 0, or the number of the failed check.
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>

static _Atomic long result;

__attribute__((noinline)) static void worker(uintptr_t which, uintptr_t arg) {
  if (which == 1) {
    __asm__ volatile("ebreak");
    atomic_store(&result, (long)arg);
  } else if (which == 2) {
    long value;
    __asm__ volatile("li t0, 0x1000\n\tld %0, 0(t0)" : "=r"(value) : : "t0", "memory");
    atomic_store(&result, value);
  } else {
    __asm__ volatile(".word 0xffffffff");
    atomic_store(&result, -1);
  }
  zx_thread_exit();
}

#define CHECK(cond, code)                                   \
  do {                                                      \
    if (!(cond)) {                                          \
      printf("exception_handler: check %d failed\n", code); \
      return code;                                          \
    }                                                       \
  } while (0)

static zx_handle_t start_worker(uintptr_t which, uintptr_t arg) {
  static char stacks[3][16384] __attribute__((aligned(16)));
  zx_handle_t thread;
  if (zx_thread_create(zx_process_self(), "worker", 6, 0, &thread) != ZX_OK) return ZX_HANDLE_INVALID;
  uintptr_t top = (uintptr_t)stacks[which - 1] + sizeof(stacks[0]);
  if (zx_thread_start(thread, (uintptr_t)worker, top, which, arg) != ZX_OK) return ZX_HANDLE_INVALID;
  return thread;
}

// Waits for the next exception on `channel`: its info and handle.
static zx_status_t next_exception(zx_handle_t channel, zx_exception_info_t* info, zx_handle_t* exception) {
  zx_status_t status = zx_object_wait_one(channel, ZX_CHANNEL_READABLE, ZX_TIME_INFINITE, NULL);
  if (status != ZX_OK) return status;
  uint32_t bytes = 0, handles = 0;
  return zx_channel_read(channel, 0, info, exception, sizeof(*info), 1, &bytes, &handles);
}

static zx_koid_t koid_of(zx_handle_t handle) {
  zx_info_handle_basic_t info;
  if (zx_object_get_info(handle, ZX_INFO_HANDLE_BASIC, &info, sizeof(info), NULL, NULL) != ZX_OK) return 0;
  return info.koid;
}

// 4 for a full-size instruction, 2 for a compressed one (ebreak may be c.ebreak).
static uint64_t instruction_length(uint64_t pc) {
  return (*(const uint16_t*)pc & 3) == 3 ? 4 : 2;
}

static int resume(zx_handle_t exception, uint32_t state) {
  if (zx_object_set_property(exception, ZX_PROP_EXCEPTION_STATE, &state, sizeof(state)) != ZX_OK) return 0;
  return zx_handle_close(exception) == ZX_OK;
}

int main(void) {
  zx_handle_t channel;
  CHECK(zx_task_create_exception_channel(zx_process_self(), 0, &channel) == ZX_OK, 1);
  zx_handle_t again;
  CHECK(zx_task_create_exception_channel(zx_process_self(), 0, &again) == ZX_ERR_ALREADY_BOUND, 2);

  // 1. ebreak, handled by stepping over it.
  zx_handle_t thread = start_worker(1, 1234);
  CHECK(thread != ZX_HANDLE_INVALID, 3);
  zx_exception_info_t info;
  zx_handle_t exception;
  CHECK(next_exception(channel, &info, &exception) == ZX_OK, 4);
  CHECK(info.type == ZX_EXCP_SW_BREAKPOINT && info.tid == koid_of(thread) && info.pid == koid_of(zx_process_self()), 5);
  zx_handle_t stopped;
  CHECK(zx_exception_get_thread(exception, &stopped) == ZX_OK && koid_of(stopped) == info.tid, 6);
  zx_exception_report_t report;
  CHECK(zx_object_get_info(stopped, ZX_INFO_THREAD_EXCEPTION_REPORT, &report, sizeof(report), NULL, NULL) == ZX_OK, 7);
  CHECK(report.header.type == ZX_EXCP_SW_BREAKPOINT && report.context.arch.u.riscv_64.cause == 3, 8);
  zx_thread_state_general_regs_t regs;
  CHECK(zx_thread_read_state(stopped, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof(regs)) == ZX_OK, 9);
  CHECK(regs.a0 == 1 && regs.a1 == 1234, 10);
  printf("exception_handler: SW_BREAKPOINT at pc 0x%lx, stepping over it\n", (unsigned long)regs.pc);
  regs.pc += instruction_length(regs.pc);
  CHECK(zx_thread_write_state(stopped, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof(regs)) == ZX_OK, 11);
  CHECK(resume(exception, ZX_EXCEPTION_STATE_HANDLED), 12);
  CHECK(zx_object_wait_one(thread, ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, NULL) == ZX_OK, 13);
  CHECK(atomic_load(&result) == 1234, 14);
  // Out of its exception the thread's registers cannot be read.
  CHECK(zx_thread_read_state(stopped, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof(regs)) == ZX_ERR_BAD_STATE, 15);
  zx_handle_close(stopped);
  zx_handle_close(thread);

  // 2. A page fault, answered with a value.
  thread = start_worker(2, 0);
  CHECK(thread != ZX_HANDLE_INVALID, 16);
  CHECK(next_exception(channel, &info, &exception) == ZX_OK, 17);
  CHECK(info.type == ZX_EXCP_FATAL_PAGE_FAULT, 18);
  CHECK(zx_exception_get_thread(exception, &stopped) == ZX_OK, 19);
  CHECK(zx_object_get_info(stopped, ZX_INFO_THREAD_EXCEPTION_REPORT, &report, sizeof(report), NULL, NULL) == ZX_OK, 20);
  CHECK(report.context.synth_code == (uint32_t)ZX_ERR_NOT_FOUND && report.context.arch.u.riscv_64.tval == 0x1000, 21);
  CHECK(zx_thread_read_state(stopped, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof(regs)) == ZX_OK, 22);
  printf("exception_handler: FATAL_PAGE_FAULT reading 0x%lx at pc 0x%lx, answering 77\n",
         (unsigned long)report.context.arch.u.riscv_64.tval, (unsigned long)regs.pc);
  // The faulting load is `ld rd, 0(t0)` (full size: t0 has no compressed form); rd gets the answer.
  CHECK(instruction_length(regs.pc) == 4, 34);
  uint32_t instruction = *(const uint32_t*)regs.pc;
  uint64_t* file = &regs.pc;
  file[(instruction >> 7) & 31] = 77;
  regs.pc += 4;
  CHECK(zx_thread_write_state(stopped, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof(regs)) == ZX_OK, 23);
  CHECK(resume(exception, ZX_EXCEPTION_STATE_HANDLED), 24);
  CHECK(zx_object_wait_one(thread, ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, NULL) == ZX_OK, 25);
  CHECK(atomic_load(&result) == 77, 26);
  zx_handle_close(stopped);
  zx_handle_close(thread);

  // 3. An undefined instruction, ending the thread.
  thread = start_worker(3, 0);
  CHECK(thread != ZX_HANDLE_INVALID, 27);
  CHECK(next_exception(channel, &info, &exception) == ZX_OK, 28);
  CHECK(info.type == ZX_EXCP_UNDEFINED_INSTRUCTION, 29);
  zx_handle_t process;
  CHECK(zx_exception_get_process(exception, &process) == ZX_OK && koid_of(process) == info.pid, 30);
  zx_handle_close(process);
  printf("exception_handler: UNDEFINED_INSTRUCTION, ending the thread\n");
  CHECK(resume(exception, ZX_EXCEPTION_STATE_THREAD_EXIT), 31);
  CHECK(zx_object_wait_one(thread, ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, NULL) == ZX_OK, 32);
  CHECK(atomic_load(&result) == 77, 33);
  zx_handle_close(thread);
  zx_handle_close(channel);
  printf("exception_handler: ok\n");
  return 0;
}
