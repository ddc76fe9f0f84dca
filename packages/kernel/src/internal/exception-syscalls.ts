/**
 * The syscalls of exceptions and job policy: `task_create_exception_channel`,
 * `exception_get_thread`/`_process`, `thread_read_state`/`_write_state`, `job_set_policy`, and the
 * `object_get_info`/`object_*_property` topics they add (THREAD_EXCEPTION_REPORT, EXCEPTION_STATE).
 * The dispatcher in `syscalls.ts` registers these handlers beside its own.
 * @internal
 */
import { F_REGISTERS_OFFSET, FCSR_OFFSET, PC_OFFSET } from "../Cpu.js"
import {
  EXCEPTION_REPORT_BYTES,
  ExceptionChannelOption,
  FP_REGS_BYTES,
  GENERAL_REGS_BYTES,
  ThreadStateKind
} from "../Exception.js"
import { ObjectType } from "../ObjectType.js"
import * as RightsMod from "../Rights.js"
import { Rights } from "../Rights.js"
import { Status } from "../Status.js"
import { InfoTopic, Property } from "../Syscalls.js"
import { PolicyOverride, PolicyTopic } from "../Task.js"
import {
  activeException,
  ChannelType,
  createExceptionChannel,
  EXCEPTION_CHANNEL_RIGHTS,
  exceptionOf,
  setExceptionState
} from "./exception.js"
import { fail } from "./fail.js"
import { HandleRef } from "./object.js"
import { MAX_POLICY_ENTRIES, type PolicyInput } from "./policy.js"
import type { KernelState } from "./state.js"
import type { Call } from "./syscalls.js"
import type { JobObject, ThreadObject } from "./task.js"

/** Rights `task_create_exception_channel` needs on any task; processes and jobs also ENUMERATE. */
const CHANNEL_TASK_RIGHTS = (Rights.INSPECT | Rights.DUPLICATE | Rights.TRANSFER | Rights.MANAGE_THREAD) >>> 0

/** Reads a thread's registers as `kind` (GENERAL_REGS or FP_REGS) in Zircon's riscv64 layout. */
export const readThreadState = (kernel: KernelState, thread: ThreadObject, kind: number): Uint8Array => {
  const mem = kernel.memory.bytes
  const base = thread.registers
  if (kind === ThreadStateKind.GENERAL_REGS) {
    const out = new Uint8Array(GENERAL_REGS_BYTES)
    // x1..x31 keep their slots; x0's slot holds pc.
    out.set(mem.subarray(base, base + 256))
    out.set(mem.subarray(base + PC_OFFSET, base + PC_OFFSET + 8), 0)
    return out
  }
  if (kind === ThreadStateKind.FP_REGS) {
    const out = new Uint8Array(FP_REGS_BYTES)
    for (let i = 0; i < 32; i++) {
      out.set(mem.subarray(base + F_REGISTERS_OFFSET + i * 8, base + F_REGISTERS_OFFSET + i * 8 + 8), i * 16)
    }
    out.set(mem.subarray(base + FCSR_OFFSET, base + FCSR_OFFSET + 4), 512)
    return out
  }
  return fail(Status.INVALID_ARGS)
}

/** Writes a thread's registers from `bytes` laid out as {@link readThreadState} gives them. */
export const writeThreadState = (kernel: KernelState, thread: ThreadObject, kind: number, bytes: Uint8Array): void => {
  const mem = kernel.memory.bytes
  const base = thread.registers
  if (kind === ThreadStateKind.GENERAL_REGS) {
    if (bytes.length !== GENERAL_REGS_BYTES) fail(Status.INVALID_ARGS)
    mem.set(bytes.subarray(0, 8), base + PC_OFFSET)
    mem.set(bytes.subarray(8, 256), base + 8)
    return
  }
  if (kind === ThreadStateKind.FP_REGS) {
    if (bytes.length !== FP_REGS_BYTES) fail(Status.INVALID_ARGS)
    for (let i = 0; i < 32; i++) mem.set(bytes.subarray(i * 16, i * 16 + 8), base + F_REGISTERS_OFFSET + i * 8)
    mem.set(bytes.subarray(512, 516), base + FCSR_OFFSET)
    return
  }
  fail(Status.INVALID_ARGS)
}

/** The bytes of `zx_exception_report_t` for the exception a thread is stopped in (BAD_STATE when none). */
export const exceptionReportBytes = (thread: ThreadObject): Uint8Array => {
  const current = activeException(thread)
  if (current === undefined) return fail(Status.BAD_STATE)
  const r = current.report
  const out = new Uint8Array(EXCEPTION_REPORT_BYTES)
  const view = new DataView(out.buffer)
  view.setUint32(0, EXCEPTION_REPORT_BYTES, true)
  view.setUint32(4, r.type, true)
  view.setBigUint64(8, BigInt(r.cause), true)
  view.setBigUint64(16, r.tval, true)
  view.setUint32(32, r.synthCode >>> 0, true)
  view.setUint32(36, r.synthData >>> 0, true)
  return out
}

/** The thread behind a handle that may read (`write` false) or write its state, stopped in an exception. */
const stoppedThread = (call: Call, value: number, write: boolean): ThreadObject => {
  const thread = call.handle(value, ObjectType.THREAD, write ? Rights.WRITE : Rights.READ).object as ThreadObject
  if (activeException(thread) === undefined) fail(Status.BAD_STATE)
  return thread
}

/** Handlers of the exception and policy syscalls, by name. */
export const exceptionHandlers: Record<string, (call: Call) => number> = {
  task_create_exception_channel: (call) => {
    const ref = call.handle(call.u32(0))
    const options = call.u32(1)
    const out = call.size(2)
    const type = ref.object.type
    if (type !== ObjectType.THREAD && type !== ObjectType.PROCESS && type !== ObjectType.JOB) fail(Status.WRONG_TYPE)
    const needed = type === ObjectType.THREAD ? CHANNEL_TASK_RIGHTS : (CHANNEL_TASK_RIGHTS | Rights.ENUMERATE) >>> 0
    if (!RightsMod.has(ref.rights, needed)) fail(Status.ACCESS_DENIED)
    if (options !== 0 && options !== ExceptionChannelOption.DEBUGGER) fail(Status.INVALID_ARGS)
    call.probeOut(out, 4)
    const end = createExceptionChannel(call.kernel, ref.object, options === ExceptionChannelOption.DEBUGGER)
    call.writeU32(out, call.give(new HandleRef(end, EXCEPTION_CHANNEL_RIGHTS)))
    return Status.OK
  },

  exception_get_thread: (call) => {
    const exception = exceptionOf(call.handle(call.u32(0), ObjectType.EXCEPTION))
    const out = call.size(1)
    call.probeOut(out, 4)
    call.writeU32(out, call.give(new HandleRef(exception.thread, RightsMod.DEFAULT_THREAD)))
    return Status.OK
  },

  exception_get_process: (call) => {
    const exception = exceptionOf(call.handle(call.u32(0), ObjectType.EXCEPTION))
    const out = call.size(1)
    // A thread's own handler is not given its process.
    if (exception.channelType === ChannelType.THREAD) fail(Status.ACCESS_DENIED)
    call.probeOut(out, 4)
    call.writeU32(out, call.give(new HandleRef(exception.thread.process, RightsMod.DEFAULT_PROCESS)))
    return Status.OK
  },

  thread_read_state: (call) => {
    const thread = stoppedThread(call, call.u32(0), false)
    const bytes = readThreadState(call.kernel, thread, call.u32(1))
    const buffer = call.size(2)
    if (call.size(3) < bytes.length) fail(Status.BUFFER_TOO_SMALL)
    call.writeOut(buffer, bytes)
    return Status.OK
  },

  thread_write_state: (call) => {
    const thread = stoppedThread(call, call.u32(0), true)
    const kind = call.u32(1)
    const size = call.size(3)
    const expected = kind === ThreadStateKind.GENERAL_REGS
      ? GENERAL_REGS_BYTES
      : kind === ThreadStateKind.FP_REGS
      ? FP_REGS_BYTES
      : -1
    if (expected < 0 || size !== expected) fail(Status.INVALID_ARGS)
    writeThreadState(call.kernel, thread, kind, call.readIn(call.size(2), size))
    activeException(thread)!.registersWritten = true
    return Status.OK
  },

  job_set_policy: (call) => {
    const job = call.handle(call.u32(0), ObjectType.JOB, Rights.SET_POLICY).object as JobObject
    const options = call.u32(1)
    const topic = call.u32(2)
    const at = call.size(3)
    const count = call.u32(4)
    const width = topic === PolicyTopic.BASIC_V1 ? 8 : topic === PolicyTopic.BASIC_V2 ? 12 : 0
    if (width === 0) fail(topic === 1 ? Status.NOT_SUPPORTED : Status.INVALID_ARGS)
    if (count > MAX_POLICY_ENTRIES) fail(Status.OUT_OF_RANGE)
    const raw = call.readIn(at, count * width)
    const view = new DataView(raw.buffer, raw.byteOffset)
    const entries: Array<PolicyInput> = []
    for (let i = 0; i < count; i++) {
      entries.push({
        condition: view.getUint32(i * width, true),
        action: view.getUint32(i * width + 4, true),
        // BASIC_V1 entries are final, as Zircon makes them.
        override: width === 8 ? PolicyOverride.DENY : view.getUint32(i * width + 8, true)
      })
    }
    job.setPolicy(options, entries)
    return Status.OK
  }
}

/** `object_get_info` topics added here: the record, or undefined when the topic is not one of them. */
export const extraInfo = (call: Call, value: number, topic: number): Uint8Array | undefined => {
  if (topic !== InfoTopic.THREAD_EXCEPTION_REPORT) return undefined
  const thread = call.handle(value, ObjectType.THREAD, Rights.INSPECT).object as ThreadObject
  return exceptionReportBytes(thread)
}

/** `object_get_property` of EXCEPTION_STATE: true when handled here. */
export const extraGetProperty = (call: Call, ref: HandleRef, property: number, at: number, size: number): boolean => {
  if (property !== Property.EXCEPTION_STATE) return false
  const exception = exceptionOf(ref)
  if (size < 4) fail(Status.BUFFER_TOO_SMALL)
  call.writeU32(at, exception.state)
  return true
}

/** `object_set_property` of EXCEPTION_STATE: true when handled here. */
export const extraSetProperty = (call: Call, ref: HandleRef, property: number, at: number, size: number): boolean => {
  if (property !== Property.EXCEPTION_STATE) return false
  const exception = exceptionOf(ref)
  if (size < 4) fail(Status.BUFFER_TOO_SMALL)
  setExceptionState(exception, new DataView(call.readIn(at, 4).buffer).getUint32(0, true))
  return true
}
