/**
 * Exceptions, exception channels and the vmex resource.
 *
 * A task (thread, process, job) may have one exception channel (a process also a debugger one):
 * the kernel keeps one end, the handler holds the other. When a thread stops on an exception its
 * fiber suspends in {@link raiseException}, which offers the exception to each bound channel in
 * Zircon's order — the process's debugger channel, the thread's, the process's, then each job's
 * from the process's up to the root — by writing a `zx_exception_info_t` and a handle to a fresh
 * exception object. The thread waits until the handler closes that handle; the state it set
 * (`ZX_PROP_EXCEPTION_STATE`) decides: HANDLED resumes the thread, THREAD_EXIT ends it, TRY_NEXT
 * (the default, also when the handler's channel dies with the exception unread) moves on. With
 * nobody left the process is killed with EXCEPTION_KILL, and the report is kept as its crash.
 * @internal
 */
import * as Effect from "effect/Effect"
import { type ExceptionKind, PC_OFFSET, type StopReason, TranslateFault } from "../Cpu.js"
import {
  EXCEPTION_INFO_BYTES,
  type ExceptionReport,
  ExceptionState,
  ExceptionType,
  PolicyCode,
  RiscvCause
} from "../Exception.js"
import { ObjectType } from "../ObjectType.js"
import { Rights } from "../Rights.js"
import { Status } from "../Status.js"
import { PolicyAction, TaskReturnCode } from "../Task.js"
import { ChannelObject } from "./channel.js"
import { fail } from "./fail.js"
import { HandleRef, KObject } from "./object.js"
import type { KernelState } from "./state.js"
import type { JobObject, ProcessObject, ThreadObject } from "./task.js"

/** Lifecycle states of a task, as `task.ts` numbers them (kept here so this module imports no task values). */
const RUNNING = 1
const DEAD = 2

/** Which kind of channel an exception came through (`ZX_EXCEPTION_CHANNEL_TYPE_*`). */
export const ChannelType = { NONE: 0, DEBUGGER: 1, THREAD: 2, PROCESS: 3, JOB: 4 } as const

/** Rights of an exception handle: basic and property (read and set the state). */
export const EXCEPTION_RIGHTS =
  (Rights.TRANSFER | Rights.DUPLICATE | Rights.WAIT | Rights.INSPECT | Rights.GET_PROPERTY |
    Rights.SET_PROPERTY) >>> 0
/** Rights of the handler's end of an exception channel. */
export const EXCEPTION_CHANNEL_RIGHTS = (Rights.TRANSFER | Rights.WAIT | Rights.READ) >>> 0
/** Rights of a vmex resource handle. */
export const RESOURCE_RIGHTS = (Rights.TRANSFER | Rights.DUPLICATE | Rights.WRITE | Rights.INSPECT) >>> 0

/** Kinds of resource (`ZX_RSRC_KIND_*`); only the vmex one exists here. */
export const ResourceKind = { SYSTEM: 6 } as const
/** The base of the vmex resource within the system kind (`ZX_RSRC_SYSTEM_VMEX_BASE`). */
export const VMEX_BASE = 1

/** A resource: a capability object. The only one is the vmex resource, which makes VMOs executable. */
export class ResourceObject extends KObject {
  constructor(kernel: KernelState, readonly kind: number, readonly base: number) {
    super(kernel, ObjectType.RESOURCE)
    this.name = "vmex"
  }

  protected override destroy(): void {
    if (vmexByKernel.get(this.kernel) === this) vmexByKernel.delete(this.kernel)
  }
}

const vmexByKernel = new WeakMap<KernelState, ResourceObject>()

/**
 * The kernel's vmex resource: one object while anything holds it (it goes with its last handle
 * and a later request makes it again, so an idle kernel counts no resource).
 */
export const vmexResource = (kernel: KernelState): ResourceObject => {
  let r = vmexByKernel.get(kernel)
  if (r === undefined) {
    r = new ResourceObject(kernel, ResourceKind.SYSTEM, VMEX_BASE)
    vmexByKernel.set(kernel, r)
  }
  return r
}

/** Whether `object` is the vmex resource. */
export const isVmex = (object: KObject): boolean =>
  object instanceof ResourceObject && object.kind === ResourceKind.SYSTEM && object.base === VMEX_BASE

/** An exception in flight: the handle a handler holds while the thread waits. */
export class ExceptionObject extends KObject {
  state: number = ExceptionState.TRY_NEXT
  /** Called once when the last handle closes, with the state the handler left. */
  onClosed: ((state: number) => void) | null = null

  constructor(
    kernel: KernelState,
    readonly thread: ThreadObject,
    readonly report: ExceptionReport,
    readonly channelType: number
  ) {
    super(kernel, ObjectType.EXCEPTION)
    thread.retain()
  }

  override relatedKoid(): number {
    return this.thread.koid
  }

  override onZeroHandles(): void {
    const done = this.onClosed
    this.onClosed = null
    done?.(this.state)
  }

  protected override destroy(): void {
    this.thread.release()
  }
}

/** What a stopped thread is doing in an exception: read by `thread_read_state` and the report topic. */
export interface ActiveException {
  readonly report: ExceptionReport
  /** Set when a handler wrote the registers (a handled bad syscall then keeps the handler's a0). */
  registersWritten: boolean
}

const active = new WeakMap<ThreadObject, ActiveException>()

/** The exception `thread` is stopped in, if any. */
export const activeException = (thread: ThreadObject): ActiveException | undefined => active.get(thread)

/** The report of the exception that killed a process, kept for the host's crash reports. */
const crashes = new WeakMap<ProcessObject, ExceptionReport>()

/** The report of the unhandled exception that killed `process`, if that is how it died. */
export const crashOf = (process: ProcessObject): ExceptionReport | undefined => crashes.get(process)

/** Exception channels by task: the kernel's end. */
const ports = new WeakMap<KObject, ChannelObject>()
const debuggerPorts = new WeakMap<KObject, ChannelObject>()

const releasePort = (map: WeakMap<KObject, ChannelObject>, task: KObject): void => {
  const end = map.get(task)
  if (end === undefined) return
  map.delete(task)
  // The handler's end sees PEER_CLOSED; exceptions still queued there stay readable.
  end.onZeroHandles()
  end.release()
}

/** Closes the kernel's ends of a task's exception channels (the task ended). */
export const taskEnded = (task: KObject): void => {
  releasePort(ports, task)
  releasePort(debuggerPorts, task)
}

/**
 * Binds a new exception channel to `task` and returns the handler's end (no handle yet). A live
 * channel already bound is ALREADY_BOUND; one whose handler end is gone is replaced. A dead task is
 * BAD_STATE. `debugger` (processes only) binds the debugger channel.
 */
export const createExceptionChannel = (kernel: KernelState, task: KObject, forDebugger: boolean): ChannelObject => {
  if (isDead(task)) fail(Status.BAD_STATE)
  if (forDebugger && task.type !== ObjectType.PROCESS) fail(Status.INVALID_ARGS)
  const map = forDebugger ? debuggerPorts : ports
  const existing = map.get(task)
  if (existing !== undefined) {
    if (existing.peer !== null) fail(Status.ALREADY_BOUND)
    releasePort(map, task)
  }
  const mine = new ChannelObject(kernel)
  const theirs = new HandlerEnd(kernel, () => {
    if (map.get(task) === mine) releasePort(map, task)
  })
  mine.peer = theirs
  theirs.peer = mine
  mine.retain()
  map.set(task, mine)
  return theirs
}

/** The handler's end of an exception channel: when its last handle closes, the task is unbound. */
class HandlerEnd extends ChannelObject {
  constructor(kernel: KernelState, private readonly unbind: () => void) {
    super(kernel)
  }

  override onZeroHandles(): void {
    super.onZeroHandles()
    this.unbind()
  }
}

const isDead = (task: KObject): boolean => {
  switch (task.type) {
    case ObjectType.THREAD:
    case ObjectType.PROCESS:
      return (task as ThreadObject | ProcessObject).state === DEAD
    case ObjectType.JOB:
      return (task as JobObject).dead
    default:
      return fail(Status.WRONG_TYPE)
  }
}

/** x0..x31 and pc of a thread, read from its register file. */
export const readRegisters = (
  kernel: KernelState,
  thread: ThreadObject
): { readonly x: Array<bigint>; readonly pc: bigint } => {
  const view = new DataView(kernel.memory.memory.buffer)
  const x: Array<bigint> = []
  for (let i = 0; i < 32; i++) x.push(i === 0 ? 0n : view.getBigUint64(thread.registers + i * 8, true))
  return { x, pc: view.getBigUint64(thread.registers + PC_OFFSET, true) }
}

/** Zircon's type and the RISC-V cause of each CPU exception kind. */
const KINDS: Record<ExceptionKind, { readonly type: number; readonly cause: number; readonly access: number }> = {
  "illegal-instruction": {
    type: ExceptionType.UNDEFINED_INSTRUCTION,
    cause: RiscvCause.ILLEGAL_INSTRUCTION,
    access: 0
  },
  "breakpoint": { type: ExceptionType.SW_BREAKPOINT, cause: RiscvCause.BREAKPOINT, access: 0 },
  "fetch-page-fault": { type: ExceptionType.FATAL_PAGE_FAULT, cause: RiscvCause.FETCH_PAGE_FAULT, access: 4 },
  "load-page-fault": { type: ExceptionType.FATAL_PAGE_FAULT, cause: RiscvCause.LOAD_PAGE_FAULT, access: 1 },
  "store-page-fault": { type: ExceptionType.FATAL_PAGE_FAULT, cause: RiscvCause.STORE_PAGE_FAULT, access: 2 },
  "fetch-access-fault": { type: ExceptionType.GENERAL, cause: RiscvCause.FETCH_ACCESS, access: 4 },
  "load-access-fault": { type: ExceptionType.GENERAL, cause: RiscvCause.LOAD_ACCESS, access: 1 },
  "store-access-fault": { type: ExceptionType.GENERAL, cause: RiscvCause.STORE_ACCESS, access: 2 },
  "fetch-misaligned": { type: ExceptionType.UNALIGNED_ACCESS, cause: RiscvCause.FETCH_MISALIGNED, access: 0 },
  "load-misaligned": { type: ExceptionType.UNALIGNED_ACCESS, cause: RiscvCause.LOAD_MISALIGNED, access: 0 },
  "store-misaligned": { type: ExceptionType.UNALIGNED_ACCESS, cause: RiscvCause.STORE_MISALIGNED, access: 0 }
}

/** The status a refused translation stands for (the `synthCode` of a page fault). */
const faultStatus = (fault: number): number => {
  switch (fault) {
    case TranslateFault.NOT_MAPPED:
      return Status.NOT_FOUND
    case TranslateFault.PERMISSION:
      return Status.ACCESS_DENIED
    case TranslateFault.BEYOND_VMO:
      return Status.OUT_OF_RANGE
    case TranslateFault.NO_MEMORY:
      return Status.NO_MEMORY
    default:
      return Status.OK
  }
}

const baseReport = (kernel: KernelState, thread: ThreadObject) => {
  const { x } = readRegisters(kernel, thread)
  return {
    pid: thread.process.koid,
    tid: thread.koid,
    registers: x,
    threadName: thread.name,
    processName: thread.process.name
  }
}

/** The report of an architectural exception the CPU stopped on. */
export const reportFromStop = (
  kernel: KernelState,
  thread: ThreadObject,
  stop: Extract<StopReason, { _tag: "Exception" }>
): ExceptionReport => {
  const k = KINDS[stop.kind] ?? { type: ExceptionType.GENERAL, cause: 0, access: 0 }
  const isFault = k.cause !== RiscvCause.ILLEGAL_INSTRUCTION && k.cause !== RiscvCause.BREAKPOINT
  let synthCode = 0
  if (k.access !== 0 && Number.isSafeInteger(stop.address) && stop.address >= 0) {
    // Ask the address space again why it refused: the status a page fault reports.
    const t = thread.process.aspace.translate(stop.address, k.access)
    synthCode = (t < 0 ? faultStatus(t) : Status.OK) >>> 0
  }
  const address = BigInt.asUintN(64, BigInt(Math.trunc(stop.address)))
  return {
    ...baseReport(kernel, thread),
    type: k.type,
    cause: k.cause,
    tval: stop.kind === "breakpoint" ? BigInt(stop.pc) : address,
    synthCode,
    synthData: 0,
    pc: BigInt(stop.pc),
    faultAddress: isFault ? address : null
  }
}

/** The report of a policy exception raised by a syscall at `pc` (`code`: a {@link PolicyCode}). */
export const policyReport = (
  kernel: KernelState,
  thread: ThreadObject,
  pc: number,
  code: number,
  data: number
): ExceptionReport => ({
  ...baseReport(kernel, thread),
  type: ExceptionType.POLICY_ERROR,
  cause: 0,
  tval: 0n,
  synthCode: code,
  synthData: data >>> 0,
  pc: BigInt(pc),
  faultAddress: null
})

/** `zx_exception_info_t` bytes. */
const infoBytes = (report: ExceptionReport): Uint8Array => {
  const bytes = new Uint8Array(EXCEPTION_INFO_BYTES)
  const view = new DataView(bytes.buffer)
  view.setBigUint64(0, BigInt(report.pid), true)
  view.setBigUint64(8, BigInt(report.tid), true)
  view.setUint32(16, report.type, true)
  return bytes
}

/** The channels to try, in Zircon's order, each looked up when its turn comes. */
const handlers = (thread: ThreadObject): Array<readonly [() => ChannelObject | undefined, number]> => {
  const process = thread.process
  const steps: Array<readonly [() => ChannelObject | undefined, number]> = [
    [() => debuggerPorts.get(process), ChannelType.DEBUGGER],
    [() => ports.get(thread), ChannelType.THREAD],
    [() => ports.get(process), ChannelType.PROCESS]
  ]
  for (let job: JobObject | null = process.job; job !== null; job = job.parent) {
    const j = job
    steps.push([() => ports.get(j), ChannelType.JOB])
  }
  return steps
}

/** How an exception ended for the thread: resumed (and whether a handler wrote its registers), or gone. */
export interface ExceptionOutcome {
  readonly resumed: boolean
  readonly registersWritten: boolean
}

const GONE: ExceptionOutcome = { resumed: false, registersWritten: false }

/**
 * Stops `thread` in an exception until a handler decides (see the module comment). Succeeds with
 * `resumed` when the thread should continue, not when it exited or its process was killed.
 */
export const raiseException = (
  kernel: KernelState,
  thread: ThreadObject,
  report: ExceptionReport
): Effect.Effect<ExceptionOutcome> =>
  Effect.gen(function*() {
    const record: ActiveException = { report, registersWritten: false }
    active.set(thread, record)
    for (const [lookup, channelType] of handlers(thread)) {
      if (thread.state !== RUNNING) return GONE
      const port = lookup()
      if (port === undefined || port.peer === null) continue
      const exception = new ExceptionObject(kernel, thread, report, channelType)
      const ref = new HandleRef(exception, EXCEPTION_RIGHTS)
      try {
        port.write(infoBytes(report), [ref])
      } catch {
        // The channel is full or its handler end went away: the handle was closed; next one.
        continue
      }
      const state = yield* Effect.async<number>((resume) => {
        exception.onClosed = (s) => resume(Effect.succeed(s))
        return Effect.sync(() => {
          exception.onClosed = null
        })
      })
      if (state === ExceptionState.HANDLED && thread.state === RUNNING) {
        return { resumed: true, registersWritten: record.registersWritten }
      }
      if (state === ExceptionState.THREAD_EXIT) {
        thread.terminate()
        return GONE
      }
    }
    if (thread.state === RUNNING) {
      crashes.set(thread.process, report)
      thread.process.kill(BigInt(TaskReturnCode.EXCEPTION_KILL))
    }
    return GONE
  }).pipe(Effect.ensuring(Effect.sync(() => active.delete(thread))))

/** The exception a handler asked for through an exception handle, checked. */
export const exceptionOf = (ref: HandleRef): ExceptionObject => {
  if (ref.object.type !== ObjectType.EXCEPTION) fail(Status.WRONG_TYPE)
  return ref.object as ExceptionObject
}

/** Sets an exception's state (`ZX_PROP_EXCEPTION_STATE`): TRY_NEXT, HANDLED or THREAD_EXIT (INVALID_ARGS otherwise). */
export const setExceptionState = (exception: ExceptionObject, state: number): void => {
  if (state !== ExceptionState.TRY_NEXT && state !== ExceptionState.HANDLED && state !== ExceptionState.THREAD_EXIT) {
    fail(Status.INVALID_ARGS)
  }
  exception.state = state
}

/**
 * What a syscall's policy check decided: whether the call may go on, and whether it raises a
 * policy exception first (the `_EXCEPTION` actions). KILL kills the caller's process.
 */
export const applyPolicy = (
  action: number
): { readonly allowed: boolean; readonly exception: boolean; readonly kill: boolean } => ({
  allowed: action === PolicyAction.ALLOW || action === PolicyAction.ALLOW_EXCEPTION,
  exception: action === PolicyAction.ALLOW_EXCEPTION || action === PolicyAction.DENY_EXCEPTION,
  kill: action === PolicyAction.KILL
})

/** The policy code of a job policy condition (they share numbers). */
export const policyCodeOf = (condition: number): number => condition

/** The bad-syscall code, for `dispatchSyscall`. */
export const BAD_SYSCALL_CODE = PolicyCode.BAD_SYSCALL
