/**
 * Guest threads as fibers. A started thread runs on its own fiber: the CPU runs it for a slice,
 * the kernel handles the syscall or exception it stopped on, and at the end of each slice the
 * fiber yields so other fibers (other guests, the host, timers) get their turn. A syscall that
 * blocks suspends only its thread's fiber. An exception kills the thread's process with Zircon's
 * exception return code; the kernel and every other process go on.
 * @internal
 */
import * as Effect from "effect/Effect"
import * as FiberSet from "effect/FiberSet"
import type { StopReason } from "../Cpu.js"
import { raiseException, reportFromStop } from "./exception.js"
import type { KernelState } from "./state.js"
import { dispatchSyscall } from "./syscalls.js"
import { type ProcessObject, TaskState, type ThreadObject } from "./task.js"

/** Instructions a thread runs before its fiber yields. */
export const SLICE_INSTRUCTIONS = 200_000

/** Register-file offset of the program counter. */
const PC = 256

/**
 * Schedules a callback after pending I/O and timers of the host's event loop (`setImmediate` where
 * the host has it). A guest that never blocks yields through this at the end of every slice, so it
 * cannot starve the host's timers and I/O the way yielding only to other fibers (microtasks) would.
 */
const hostImmediate: ((f: () => void) => unknown) | undefined =
  (globalThis as { readonly setImmediate?: (f: () => void) => unknown }).setImmediate
const nextMacrotask: (f: () => void) => void = hostImmediate !== undefined
  ? (f) => hostImmediate(f)
  : (f) => globalThis.setTimeout(f, 0)

/** Yields the running fiber to the host's event loop. */
export const yieldToHost: Effect.Effect<void> = Effect.async<void>((resume) => {
  nextMacrotask(() => resume(Effect.void))
})

export class Scheduler {
  syscalls = 0
  slices = 0
  private running = 0

  constructor(readonly kernel: KernelState, private readonly fibers: FiberSet.FiberSet<void, never>) {
    kernel.onProcessDied = (process) => this.processDied(process)
  }

  runningProcesses(): number {
    return this.running
  }

  private processDied(process: ProcessObject): void {
    if ((process.flags & 1) !== 0) this.running--
  }

  /** Forks the fiber that runs `thread`; null when the kernel has no CPU (the thread stays parked). */
  schedule(thread: ThreadObject): Effect.Effect<void> | null {
    if (thread.process.threads.size === 1) this.running++
    if (this.kernel.cpu === null) return null
    return Effect.asVoid(
      Effect.tap(FiberSet.run(this.fibers, this.loop(thread)), (fiber) =>
        Effect.sync(() => {
          if (thread.state === TaskState.RUNNING) thread.fiber = fiber
        }))
    )
  }

  private loop(thread: ThreadObject): Effect.Effect<void> {
    const kernel = this.kernel
    const cpu = kernel.cpu!
    const self = this
    return Effect.gen(function*() {
      // Let the starter finish recording the fiber before the first slice.
      yield* Effect.yieldNow()
      while (thread.state === TaskState.RUNNING) {
        const stop: StopReason = cpu.run(thread, SLICE_INSTRUCTIONS)
        if (stop._tag === "BudgetSpent") {
          self.slices++
          yield* yieldToHost
          continue
        }
        if (stop._tag === "Syscall") {
          self.syscalls++
          const view = new DataView(kernel.memory.memory.buffer)
          view.setBigUint64(thread.registers + PC, BigInt(stop.pc + 4), true)
          const pending = dispatchSyscall(kernel, self, thread, stop.pc)
          if (pending !== null) yield* pending
          continue
        }
        // An exception: the thread waits for a handler; unhandled, its process is killed.
        yield* raiseException(kernel, thread, reportFromStop(kernel, thread, stop))
      }
    })
  }
}
