/**
 * Guest threads as fibers. A started thread runs on its own fiber: the CPU runs it within a time
 * slice, the kernel handles the syscall or exception it stopped on, and the slice goes on until its
 * instruction budget is spent; then the fiber yields so other fibers (other guests, the host,
 * timers) get their turn. A syscall that blocks suspends only its thread's fiber. An exception waits
 * for a handler (exception channels); unhandled, it kills the thread's process with Zircon's
 * exception return code; the kernel and every other process go on.
 *
 * Two budgets bound a thread:
 * - **Instructions.** A slice is {@link SLICE_INSTRUCTIONS} instructions, read from the thread's
 *   retired-instruction count (`Cpu.INSTRET_OFFSET`) around each CPU run, and every syscall costs
 *   {@link SYSCALL_COST} of it: the budget survives syscalls that complete at once, so a guest
 *   looping on `zx_clock_get_monotonic()` reaches the end of its slice like one looping on nothing.
 * - **Host time.** At each slice end, after every {@link SYSCALLS_PER_HOST_CHECK} syscalls that
 *   completed at once, and whenever a blocked thread wakes or a new one starts, the fiber passes
 *   the host's gate (`hostTurn.ts`): once guests have held the event loop for a quantum of host
 *   time, it parks until the next macrotask. That bounds the host's event-loop delay whatever the
 *   guests do.
 *
 * The scheduler depends only on the kernel's state and the dispatch function it is given; the
 * syscalls and the host see it through {@link Scheduling}.
 * @internal
 */
import * as Effect from "effect/Effect"
import * as FiberSet from "effect/FiberSet"
import { INSTRET_OFFSET, PC_OFFSET } from "../Cpu.js"
import { raiseException, reportFromStop } from "./exception.js"
import { type HostTurn, hostTurn } from "./hostTurn.js"
import type { Scheduling, SchedulingCounters, SyscallDispatch } from "./scheduling.js"
import type { KernelState } from "./state.js"
import { type ProcessObject, TaskState, type ThreadObject } from "./task.js"

/** Instructions in a time slice. */
export const SLICE_INSTRUCTIONS = 200_000

/**
 * What a syscall costs of a slice's budget, in instructions: about the host time of a cheap
 * syscall in instructions of the JIT, so a slice of syscalls lasts about as long as one of
 * instructions (at most {@link SLICE_INSTRUCTIONS} / this many syscalls per slice).
 */
export const SYSCALL_COST = 1_000

/** Syscalls that complete at once between two checks of the host's turn (a clock read each). */
export const SYSCALLS_PER_HOST_CHECK = 8

const TWO_32 = 4294967296

/** The kernel's scheduler: runs started threads on fibers of one `FiberSet`. */
export class Scheduler implements Scheduling {
  private syscalls = 0
  private slices = 0
  private hostYields = 0
  private running = 0
  /** An `Int32Array` over the physical memory, renewed when the memory grows. */
  private words: Int32Array
  private wordsGeneration: number

  constructor(
    private readonly kernel: KernelState,
    private readonly fibers: FiberSet.FiberSet<void, never>,
    private readonly dispatch: SyscallDispatch,
    private readonly turn: HostTurn = hostTurn
  ) {
    this.words = new Int32Array(kernel.memory.memory.buffer)
    this.wordsGeneration = kernel.memory.generation
    kernel.onProcessDied = (process) => this.processDied(process)
  }

  readonly runningProcesses = (): number => this.running

  readonly counters = (): SchedulingCounters => ({
    syscalls: this.syscalls,
    slices: this.slices,
    hostYields: this.hostYields
  })

  private processDied(process: ProcessObject): void {
    if ((process.flags & 1) !== 0) this.running--
  }

  readonly schedule = (thread: ThreadObject): Effect.Effect<void> | null => {
    if (thread.process.threads.size === 1) this.running++
    if (this.kernel.cpu === null) return null
    return Effect.asVoid(
      // Interruptible whatever the starter's region: a thread is started from inside resource
      // acquisitions (a command's start), and a fiber inherits its parent's interruptibility; an
      // uninterruptible guest thread could never be killed, nor its timed waits end.
      Effect.tap(FiberSet.run(this.fibers, Effect.interruptible(this.loop(thread))), (fiber) =>
        Effect.sync(() => {
          if (thread.state === TaskState.RUNNING) thread.fiber = fiber
        }))
    )
  }

  /** The thread's retired-instruction count (exact below 2^53). */
  private retired(thread: ThreadObject): number {
    if (this.wordsGeneration !== this.kernel.memory.generation) {
      this.words = new Int32Array(this.kernel.memory.memory.buffer)
      this.wordsGeneration = this.kernel.memory.generation
    }
    const at = (thread.registers + INSTRET_OFFSET) >>> 2
    return (this.words[at] >>> 0) + (this.words[at + 1] >>> 0) * TWO_32
  }

  /** Moves the thread's pc past the `ecall` it stopped on. */
  private stepPastEcall(thread: ThreadObject, pc: number): void {
    const view = new DataView(this.kernel.memory.memory.buffer)
    view.setBigUint64(thread.registers + PC_OFFSET, BigInt(pc + 4), true)
  }

  /**
   * Parks until the next macrotask; woken with others by the same marker, parks again (at the
   * front) while the new turn is already used up, so one marker never releases more than a quantum
   * of guest work.
   */
  private readonly parked: Effect.Effect<void> = Effect.suspend(() => {
    this.hostYields++
    return Effect.zipRight(this.turn.park(false), this.reparked)
  })

  private readonly reparked: Effect.Effect<void> = Effect.suspend(() =>
    this.turn.expired() ? Effect.zipRight(this.turn.park(true), this.reparked) : Effect.void
  )

  /** The host's gate: parks when guests have held the event loop for the quantum. */
  private readonly gate: Effect.Effect<void> = Effect.suspend(() => (this.turn.expired() ? this.parked : Effect.void))

  /** A slice boundary: the gate, or when the host's turn is not over, a turn for other fibers first. */
  private readonly yieldPoint: Effect.Effect<void> = Effect.suspend(() =>
    this.turn.expired() ? this.parked : Effect.yieldNow()
  )

  private loop(thread: ThreadObject): Effect.Effect<void> {
    const cpu = this.kernel.cpu!
    const self = this
    return Effect.gen(function*() {
      // Let the starter finish recording the fiber; a new thread starts a turn like a woken one.
      yield* self.yieldPoint
      let budget = SLICE_INSTRUCTIONS
      let sinceCheck = 0
      while (thread.state === TaskState.RUNNING) {
        if (budget <= 0) {
          self.slices++
          budget = SLICE_INSTRUCTIONS
          sinceCheck = 0
          yield* self.yieldPoint
          continue
        }
        const before = self.retired(thread)
        const started = self.kernel.monotonic()
        const stop = cpu.run(thread, budget)
        thread.runtime += self.kernel.monotonic() - started
        if (stop._tag === "BudgetSpent") {
          budget = 0
          continue
        }
        budget -= self.retired(thread) - before
        if (stop._tag === "Syscall") {
          self.syscalls++
          budget -= SYSCALL_COST
          self.stepPastEcall(thread, stop.pc)
          const pending = self.dispatch(thread, stop.pc)
          if (pending !== null) {
            yield* pending
            sinceCheck = 0
            // Woken (or done starting a thread): the host may be owed its turn.
            yield* self.gate
          } else if (++sinceCheck >= SYSCALLS_PER_HOST_CHECK) {
            sinceCheck = 0
            yield* self.gate
          }
          continue
        }
        // An exception: the thread waits for a handler; unhandled, its process is killed.
        yield* raiseException(self.kernel, thread, reportFromStop(self.kernel, thread, stop))
        yield* self.gate
      }
    })
  }
}
