/**
 * Jobs, processes and threads.
 *
 * A job holds its child jobs and its live processes. A process owns a handle table, an address
 * space and its threads; it dies by exiting, by being killed, or (before it starts) by losing its
 * last handle. A dead process has closed every handle it held and torn down its address space;
 * the object stays, with its return code, while handles to it remain.
 * @internal
 */
import * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"
import { REGISTER_FILE_BYTES } from "../Cpu.js"
import { ObjectType } from "../ObjectType.js"
import { Signals } from "../Signals.js"
import { Status } from "../Status.js"
import { ProcessInfoFlags } from "../Task.js"
import { USER_ASPACE_BASE, USER_ASPACE_SIZE } from "../VmOptions.js"
import { taskEnded } from "./exception.js"
import { fail } from "./fail.js"
import { HandleTable, KObject } from "./object.js"
import { JobPolicy, type PolicyInput } from "./policy.js"
import type { KernelState } from "./state.js"
import { ADDRESS_SPACE_FRAMES, AddressSpace } from "./vmar.js"

export class JobObject extends KObject {
  readonly children = new Set<JobObject>()
  readonly processes = new Set<ProcessObject>()
  /** CPU time (ns) of the processes and child jobs that have left the job. */
  endedRuntime = 0n

  /** CPU time (ns) of everything that ran in the job: its `ZX_INFO_TASK_RUNTIME`. */
  cpuTime(): bigint {
    let total = this.endedRuntime
    for (const process of this.processes) total += process.cpuTime()
    for (const child of this.children) total += child.cpuTime()
    return total
  }
  /** The job policy; replaced whole by `setPolicy`. */
  policy: JobPolicy
  /** Killed or gone: the job accepts no new child jobs or processes (BAD_STATE). */
  dead = false
  /** Whether the job has left its parent (it had no handles, children or processes left). */
  private detached = false

  constructor(kernel: KernelState, readonly parent: JobObject | null) {
    super(kernel, ObjectType.JOB)
    // Policy is inherited from the parent when the job is made.
    this.policy = parent === null ? JobPolicy.root() : parent.policy.copy()
    if (parent !== null) {
      parent.children.add(this)
      this.retain()
      parent.retain()
    }
  }

  override relatedKoid(): number {
    return this.parent?.koid ?? 0
  }

  /** The action the job's policy gives for a condition (`ZX_POL_ACTION_*`). */
  actionFor(condition: number): number {
    return this.policy.action(condition)
  }

  /**
   * Adds policy entries (see `JobPolicy.withEntries`); only while the job has no children or
   * processes (BAD_STATE), and all or nothing.
   */
  setPolicy(mode: number, entries: ReadonlyArray<PolicyInput>): void {
    if (this.children.size > 0 || this.processes.size > 0) fail(Status.BAD_STATE)
    this.policy = this.policy.withEntries(mode, entries)
  }

  override onZeroHandles(): void {
    this.maybeDetach()
  }

  /** A job with no handles, children or processes leaves its parent and goes away. */
  maybeDetach(): void {
    if (this.handleCount > 0 || this.children.size > 0 || this.processes.size > 0 || this.parent === null) return
    if (this.detached) return
    this.detached = true
    this.dead = true
    taskEnded(this)
    this.updateSignals(0, Signals.JOB_TERMINATED)
    const parent = this.parent
    parent.children.delete(this)
    parent.endedRuntime += this.cpuTime()
    this.release()
    parent.maybeDetach()
    parent.release()
  }
}

/** Lifecycle of a process or thread. */
export const TaskState = { INITIAL: 0, RUNNING: 1, DEAD: 2 } as const

/** A thread blocked in `futex_wait`. */
export interface FutexWaiter {
  readonly wake: () => void
}

export class ProcessObject extends KObject {
  readonly handles: HandleTable
  readonly aspace: AddressSpace
  readonly threads = new Set<ThreadObject>()
  state: number = TaskState.INITIAL
  returnCode = 0n
  startTime = 0n
  flags = 0
  /**
   * Threads blocked in `futex_wait`, by the futex's address, in the order they began waiting; each
   * entry's `wake` resumes its thread. A waiter leaves the list when woken, when its deadline
   * passes, and when its thread dies.
   */
  readonly futexes = new Map<number, Array<FutexWaiter>>()
  /** CPU time (ns) of the threads that have ended. */
  endedRuntime = 0n

  /** CPU time (ns) of all the process's threads, live and ended: its `ZX_INFO_TASK_RUNTIME`. */
  cpuTime(): bigint {
    let total = this.endedRuntime
    for (const thread of this.threads) total += thread.runtime
    return total
  }

  /** Where the vDSO's code is mapped in this process, once it is: `ecall` is only allowed from there. */
  vdsoCodeStart = -1
  vdsoCodeEnd = -1

  constructor(kernel: KernelState, readonly job: JobObject, name: string) {
    // The address space's root is charged to physical memory: check it fits before anything is made.
    if (kernel.memory.availableFrames < ADDRESS_SPACE_FRAMES) fail(Status.NO_MEMORY)
    super(kernel, ObjectType.PROCESS)
    this.name = name
    this.handles = new HandleTable(kernel.randomU32())
    this.aspace = new AddressSpace(kernel, USER_ASPACE_BASE, USER_ASPACE_SIZE)
    this.aspace.owner = this
    job.processes.add(this)
    this.retain()
    job.retain()
  }

  override relatedKoid(): number {
    return this.job.koid
  }

  override onZeroHandles(): void {
    // An unstarted process goes away with its last handle.
    if (this.state === TaskState.INITIAL) this.kill(0n)
  }

  /** Kills the process: every thread stops, its handles close, its address space goes. */
  kill(returnCode: bigint): void {
    if (this.state === TaskState.DEAD) return
    const wasStarted = this.state === TaskState.RUNNING
    this.state = TaskState.DEAD
    this.returnCode = returnCode
    if (wasStarted) this.flags |= ProcessInfoFlags.EXITED
    for (const thread of Array.from(this.threads)) thread.terminate()
    taskEnded(this)
    this.futexes.clear()
    this.handles.closeAll()
    this.aspace.destroy()
    this.updateSignals(0, Signals.PROCESS_TERMINATED)
    this.kernel.processDied(this)
    this.job.processes.delete(this)
    this.job.endedRuntime += this.cpuTime()
    this.job.maybeDetach()
    this.job.release()
    this.release()
  }
}

export class ThreadObject extends KObject {
  state: number = TaskState.INITIAL
  /** Byte address of the register file in physical memory. */
  readonly registers: number
  /** The fiber running the thread, once started. */
  fiber: Fiber.RuntimeFiber<void, never> | null = null
  /** The monotonic time (ns) the thread has spent on the CPU: its `ZX_CLOCK_THREAD`. */
  runtime = 0n

  constructor(kernel: KernelState, readonly process: ProcessObject, name: string) {
    // The register file first: a thread that cannot have one is never made (nor counted).
    const registers = kernel.allocateRegisterFile()
    if (registers < 0) fail(Status.NO_MEMORY)
    super(kernel, ObjectType.THREAD)
    this.name = name
    this.registers = registers
    process.threads.add(this)
    this.retain()
    process.retain()
  }

  override relatedKoid(): number {
    return this.process.koid
  }

  get addressSpace(): AddressSpace {
    return this.process.aspace
  }

  get memory() {
    return this.kernel.cpuMemory
  }

  override onZeroHandles(): void {
    // An unstarted thread with no handles can never run.
    if (this.state === TaskState.INITIAL) this.terminate()
  }

  /** Stops the thread for good; its fiber is interrupted unless it is the one asking. */
  terminate(): void {
    if (this.state === TaskState.DEAD) return
    this.state = TaskState.DEAD
    taskEnded(this)
    this.updateSignals(Signals.THREAD_RUNNING | Signals.THREAD_SUSPENDED, Signals.THREAD_TERMINATED)
    const fiber = this.fiber
    this.fiber = null
    if (fiber !== null) {
      const current = Fiber.getCurrentFiber()
      // The thread's own fiber notices on its next turn; any other is interrupted now.
      if (current._tag === "None" || current.value !== fiber) fiber.unsafeInterruptAsFork(FiberId.none)
    }
    this.process.threads.delete(this)
    this.process.endedRuntime += this.runtime
    this.release()
    // A process whose last thread exits has exited too (with return code 0, as Zircon does).
    if (this.process.state === TaskState.RUNNING && this.process.threads.size === 0) this.process.kill(0n)
  }

  protected override destroy(): void {
    this.kernel.freeRegisterFile(this.registers)
    this.process.release()
  }
}

/** Zeroes a register file. */
export const clearRegisters = (kernel: KernelState, registers: number): void => {
  kernel.memory.bytes.fill(0, registers, registers + REGISTER_FILE_BYTES)
}
