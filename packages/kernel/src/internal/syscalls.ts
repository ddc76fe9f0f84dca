/**
 * Syscall handlers. The number comes from t0 and the arguments from a0–a7; the status goes back in
 * a0. A handler either finishes synchronously or returns an Effect that suspends the thread's
 * fiber (waits, sleeps) and writes the status when it resumes.
 * @internal
 */
import type * as Effect from "effect/Effect"
import type { Scheduler } from "./scheduler.js"
import type { KernelState } from "./state.js"
import type { ThreadObject } from "./task.js"
import { Status } from "../Status.js"

const T0 = 5
const A0 = 10

/** Handles the syscall `thread` stopped on; returns an Effect when the handler must suspend. */
export const dispatchSyscall = (kernel: KernelState, _scheduler: Scheduler, thread: ThreadObject): Effect.Effect<void> | null => {
  const view = new DataView(kernel.memory.memory.buffer)
  const regs = thread.registers
  const number = view.getUint32(regs + T0 * 8, true)
  const high = view.getUint32(regs + T0 * 8 + 4, true)
  if (high !== 0 || number >= 0) {
    view.setInt32(regs + A0 * 8, Status.BAD_SYSCALL, true)
    view.setInt32(regs + A0 * 8 + 4, -1, true)
  }
  return null
}
