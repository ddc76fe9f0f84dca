/**
 * The narrow face of the scheduler that the syscalls and the host see: start running a thread,
 * and read the counters. It holds only types, so the scheduler, the syscalls and the host all
 * depend on it and none of them on each other's modules: the scheduler is given the syscall
 * dispatch function when it is made (see `kernel.ts`), and the syscalls and the host are given a
 * `Scheduling`.
 * @internal
 */
import type * as Effect from "effect/Effect"
import type { ThreadObject } from "./task.js"

/**
 * Handles the syscall `thread` stopped on at `pc` (the `ecall`; the register file's pc already
 * points past it). Returns null when the call completed at once, or an Effect the thread's fiber
 * runs when the call must suspend (a wait, a sleep, a thread start).
 */
export type SyscallDispatch = (thread: ThreadObject, pc: number) => Effect.Effect<void> | null

/** Counters of guest execution since the kernel was made. */
export interface SchedulingCounters {
  /** Syscalls dispatched. */
  readonly syscalls: number
  /** Time slices whose instruction budget ran out. */
  readonly slices: number
  /** Times a guest fiber parked so the host's event loop could run (see `hostTurn.ts`). */
  readonly hostYields: number
}

/** What the syscalls and the host may ask of the scheduler. */
export interface Scheduling {
  /**
   * Starts running `thread` (already marked RUNNING) on a fiber of its own. Returns the Effect
   * that forks it, or null when the kernel has no CPU (the thread stays parked).
   */
  readonly schedule: (thread: ThreadObject) => Effect.Effect<void> | null
  /** Processes started and not yet dead. */
  readonly runningProcesses: () => number
  /** Execution counters. */
  readonly counters: () => SchedulingCounters
}
