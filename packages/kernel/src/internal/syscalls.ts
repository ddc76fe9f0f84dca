/**
 * Syscall handlers. The number comes from t0 and the arguments from a0–a7; the result goes back in
 * a0. Every pointer is checked against the caller's address space with the access it needs (a bad
 * pointer is INVALID_ARGS and touches nothing), every handle is looked up in the caller's own
 * table, and outputs are probed before the call changes anything. A handler finishes synchronously
 * or returns an Effect that suspends only the calling thread's fiber (waits, sleeps, calls).
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { PC_OFFSET } from "../Cpu.js"
import { ObjectType } from "../ObjectType.js"
import * as RightsMod from "../Rights.js"
import { Rights } from "../Rights.js"
import { Signals } from "../Signals.js"
import { Status } from "../Status.js"
import { InfoTopic, Property, table } from "../Syscalls.js"
import { PolicyCondition, TaskReturnCode, TIME_INFINITE } from "../Task.js"
import { ECALL_OFFSET, STUB_SIZE } from "../Vdso.js"
import { PAGE_SIZE, VmoOption } from "../VmOptions.js"
import { ChannelObject, checkLimits, type QueuedMessage, takeForTransfer } from "./channel.js"
import { EventObject, EventPairObject } from "./event.js"
import { exceptionHandlers, extraGetProperty, extraInfo, extraSetProperty } from "./exception-syscalls.js"
import { applyPolicy, BAD_SYSCALL_CODE, isVmex, policyCodeOf, policyReport, raiseException } from "./exception.js"
import { fail, isFault } from "./fail.js"
import { childVmarRights, createProcess, createVmoChild, killJob, startProcess, truncateName, waitFor } from "./host.js"
import { HandleRef, type KObject } from "./object.js"
import type { Scheduling } from "./scheduling.js"
import { SocketObject } from "./socket.js"
import type { KernelState } from "./state.js"
import { JobObject, ProcessObject, TaskState, ThreadObject } from "./task.js"
import type { VmarObject } from "./vmar.js"
import { Access } from "./vmar.js"
import { MAX_VMO_SIZE, VmoObject } from "./vmo.js"

const T0 = 5
const A0 = 10
/** Handles one process may hold; more fail NO_RESOURCES. */
export const MAX_HANDLES_PER_PROCESS = 65536
/** Most items one `object_wait_many` may name (`ZX_WAIT_MANY_MAX_ITEMS`). */
const WAIT_MANY_MAX_ITEMS = 64
/** The clocks `clock_get` reads (Zircon's `ZX_CLOCK_*`). */
const CLOCK_MONOTONIC = 0
const CLOCK_UTC = 1
const CLOCK_THREAD = 2

/** Most bytes one `cprng_draw` fills, as Zircon's `ZX_CPRNG_DRAW_MAX_LEN`. */
const CPRNG_DRAW_MAX_LEN = 256
/** The largest value a guest register may carry as an address or size (beyond: INVALID_ARGS). */
const TWO_32 = 4294967296

/** The context of one syscall: the caller and its registers. */
export class Call {
  readonly process: ProcessObject
  private readonly view: DataView
  private readonly base: number

  constructor(readonly kernel: KernelState, readonly scheduler: Scheduling, readonly thread: ThreadObject) {
    this.process = thread.process
    this.view = new DataView(kernel.memory.memory.buffer)
    this.base = thread.registers
  }

  /** The low 32 bits of argument `i` (C `uint32_t`/`zx_handle_t` arguments). */
  u32(i: number): number {
    return this.view.getUint32(this.base + (A0 + i) * 8, true)
  }

  /** Argument `i` as an unsigned 64-bit number, or -1 when it does not fit in a safe integer. */
  u64(i: number): number {
    const lo = this.view.getUint32(this.base + (A0 + i) * 8, true)
    const hi = this.view.getUint32(this.base + (A0 + i) * 8 + 4, true)
    if (hi >= 0x200000) return -1
    return hi * TWO_32 + lo
  }

  /** Argument `i` as a signed 64-bit bigint (times, return codes). */
  i64(i: number): bigint {
    return this.view.getBigInt64(this.base + (A0 + i) * 8, true)
  }

  /** A size or address argument; INVALID_ARGS when it cannot be one. */
  size(i: number): number {
    const v = this.u64(i)
    if (v < 0) fail(Status.INVALID_ARGS)
    return v
  }

  get number(): number {
    if (this.view.getUint32(this.base + T0 * 8 + 4, true) !== 0) return -1
    return this.view.getUint32(this.base + T0 * 8, true)
  }

  /** Writes a signed result into a0. */
  result(value: number | bigint): void {
    // The view may be stale if the memory grew during the call.
    const view = new DataView(this.kernel.memory.memory.buffer)
    view.setBigInt64(this.base + A0 * 8, BigInt(value), true)
  }

  /** Copies `length` bytes in from a guest pointer that must be readable. */
  readIn(address: number, length: number): Uint8Array {
    if (length === 0) return new Uint8Array(0)
    return this.process.aspace.read(address, length, Access.READ)
  }

  /** Checks that a guest output buffer is writable. */
  probeOut(address: number, length: number): void {
    this.process.aspace.probe(address, length, Access.WRITE)
  }

  writeOut(address: number, bytes: Uint8Array): void {
    if (bytes.length > 0) this.process.aspace.write(address, bytes, Access.WRITE)
  }

  writeU32(address: number, value: number): void {
    const b = new Uint8Array(4)
    new DataView(b.buffer).setUint32(0, value >>> 0, true)
    this.writeOut(address, b)
  }

  writeU64(address: number, value: number | bigint): void {
    const b = new Uint8Array(8)
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(value)), true)
    this.writeOut(address, b)
  }

  /** A policy exception the call raises before it returns (an `_EXCEPTION` policy action). */
  pendingException: { readonly code: number; readonly data: number } | null = null

  /** The live handle `value` of the calling process, checked for type and rights. */
  handle(value: number, type?: number, rights?: number): HandleRef {
    const ref = this.process.handles.get(value)
    if (ref === undefined) this.badHandle(value)
    if (type !== undefined && ref!.object.type !== type) fail(Status.WRONG_TYPE)
    if (rights !== undefined && !RightsMod.has(ref!.rights, rights)) fail(Status.ACCESS_DENIED)
    return ref!
  }

  /** Adds a new handle to the calling process's table and returns its value. */
  give(ref: HandleRef): number {
    if (this.process.handles.size >= MAX_HANDLES_PER_PROCESS) {
      ref.close()
      fail(Status.NO_RESOURCES)
    }
    return this.process.handles.add(ref)
  }

  /**
   * Applies the calling process's job policy to a condition (NEW_*, AMBIENT_MARK_VMO_EXEC):
   * DENY fails ACCESS_DENIED, KILL kills the process, the `_EXCEPTION` actions raise a policy
   * exception before the call returns.
   */
  policy(condition: number): void {
    const decision = applyPolicy(this.process.job.actionFor(condition))
    if (decision.kill) this.process.kill(BigInt(TaskReturnCode.POLICY_KILL))
    if (decision.exception) this.pendingException = { code: policyCodeOf(condition), data: 0 }
    if (!decision.allowed) fail(Status.ACCESS_DENIED)
  }

  /**
   * A handle value that names nothing: BAD_HANDLE, after the job's BAD_HANDLE policy is applied
   * (not to ZX_HANDLE_INVALID, which many calls take as "none").
   */
  badHandle(value = -1): never {
    if (value === 0) return fail(Status.BAD_HANDLE)
    const decision = applyPolicy(this.process.job.actionFor(PolicyCondition.BAD_HANDLE))
    if (decision.kill) this.process.kill(BigInt(TaskReturnCode.POLICY_KILL))
    if (decision.exception) this.pendingException = { code: policyCodeOf(PolicyCondition.BAD_HANDLE), data: 0 }
    return fail(Status.BAD_HANDLE)
  }
}

/** What a handler gives back: a result for a0, nothing (the caller is gone), or an Effect that yields one. */
type Outcome = number | bigint | undefined | Effect.Effect<number | bigint | undefined>

type Handler = (call: Call) => Outcome

const NULL = 0

/** Writes `value` to an optional output pointer (0 means "not wanted"). */
const optionalU32 = (call: Call, address: number, value: number) => {
  if (address !== NULL) call.writeU32(address, value)
}
const optionalU64 = (call: Call, address: number, value: number | bigint) => {
  if (address !== NULL) call.writeU64(address, value)
}

/** Copies a C name argument (at most 31 bytes are kept) into a string. */
const readName = (call: Call, address: number, size: number): string => {
  const n = Math.min(size, 31)
  const bytes = call.readIn(address, n)
  const nul = bytes.indexOf(0)
  return truncateName(new TextDecoder().decode(nul >= 0 ? bytes.subarray(0, nul) : bytes))
}

const vmoObject = (ref: HandleRef) => ref.object as VmoObject

/** Reads the message `message` into the guest buffers of a channel read or call; returns bytes written. */
const deliver = (call: Call, message: QueuedMessage, bytesOut: number, handlesOut: number): void => {
  call.writeOut(bytesOut, message.bytes)
  if (message.handles.length > 0) {
    const values = new Uint8Array(message.handles.length * 4)
    const dv = new DataView(values.buffer)
    message.handles.forEach((ref, i) => dv.setUint32(i * 4, call.give(ref), true))
    call.writeOut(handlesOut, values)
  }
}

const closeMessage = (message: QueuedMessage) => {
  for (const h of message.handles) h.close()
}

/** Reads `count` handle values from a guest array. */
const readHandleValues = (call: Call, address: number, count: number): Array<number> => {
  const bytes = call.readIn(address, count * 4)
  const dv = new DataView(bytes.buffer)
  const out: Array<number> = []
  for (let i = 0; i < count; i++) out.push(dv.getUint32(i * 4, true))
  return out
}

/** Takes the handles a guest sends, per Zircon's rules (consumed even on failure). */
/**
 * Takes the handles of a channel_write/channel_call handle list out of the caller's table. A value
 * that names no handle is a bad handle as in any other argument: every handle of the list is
 * consumed (as Zircon does on any failure), then the job's BAD_HANDLE policy applies (a KILL kills
 * the caller, an `_EXCEPTION` action raises the policy exception) and the call fails BAD_HANDLE.
 */
const takeGuestHandles = (call: Call, channel: ChannelObject, values: ReadonlyArray<number>): Array<HandleRef> => {
  const refs = values.map((v) => call.process.handles.get(v))
  const unnamed = refs.indexOf(undefined)
  if (unnamed >= 0) {
    for (const ref of refs) ref?.close()
    return call.badHandle(values[unnamed])
  }
  return takeForTransfer(channel, refs)
}

let nextCallTxid = 1

/**
 * `<object>_create(options, out0, out1)` for the objects made in pairs (channels, sockets, event
 * pairs): options must be 0, both outputs are probed before anything is made, the job's policy
 * for `condition` is applied, and each end gets a handle with `rights`.
 */
const createPair = (
  call: Call,
  condition: number,
  pair: (kernel: KernelState) => readonly [KObject, KObject],
  rights: number
): number => {
  if (call.u32(0) !== 0) fail(Status.INVALID_ARGS)
  const out0 = call.size(1)
  const out1 = call.size(2)
  call.probeOut(out0, 4)
  call.probeOut(out1, 4)
  call.policy(condition)
  const [a, b] = pair(call.kernel)
  call.writeU32(out0, call.give(new HandleRef(a, rights)))
  call.writeU32(out1, call.give(new HandleRef(b, rights)))
  return Status.OK
}

const handlers: Record<string, Handler> = {
  ...exceptionHandlers,

  handle_close: (call) => {
    const value = call.u32(0)
    if (value === 0) return Status.OK
    call.handle(value).close()
    return Status.OK
  },

  handle_close_many: (call) => {
    const count = call.size(1)
    if (count > MAX_HANDLES_PER_PROCESS) fail(Status.INVALID_ARGS)
    const values = readHandleValues(call, call.size(0), count)
    let status: number = Status.OK
    for (const v of values) {
      if (v === 0) continue
      const ref = call.process.handles.get(v)
      if (ref === undefined) {
        try {
          call.badHandle(v)
        } catch (e) {
          status = faultStatus(e)
        }
      } else ref.close()
    }
    return status
  },

  handle_duplicate: (call) => {
    const ref = call.handle(call.u32(0), undefined, Rights.DUPLICATE)
    const rights = call.u32(1)
    const out = call.size(2)
    call.probeOut(out, 4)
    const next = rights === Rights.SAME_RIGHTS ? ref.rights : rights
    if (!RightsMod.isSubset(next, ref.rights)) fail(Status.INVALID_ARGS)
    call.writeU32(out, call.give(new HandleRef(ref.object, next)))
    return Status.OK
  },

  handle_replace: (call) => {
    const ref = call.handle(call.u32(0))
    const rights = call.u32(1)
    const out = call.u64(2)
    const next = rights === Rights.SAME_RIGHTS ? ref.rights : rights
    try {
      if (out < 0) fail(Status.INVALID_ARGS)
      call.probeOut(out, 4)
      if (!RightsMod.isSubset(next, ref.rights)) fail(Status.INVALID_ARGS)
    } catch (e) {
      // The source handle is consumed whatever happens.
      ref.close()
      throw e
    }
    const fresh = new HandleRef(ref.object, next)
    ref.close()
    call.writeU32(out, call.give(fresh))
    return Status.OK
  },

  object_wait_one: (call) => {
    const ref = call.handle(call.u32(0), undefined, Rights.WAIT)
    const signals = call.u32(1)
    const deadline = call.i64(2)
    const observedAt = call.u64(3)
    if (observedAt < 0) fail(Status.INVALID_ARGS)
    if (observedAt !== NULL) call.probeOut(observedAt, 4)
    const object = ref.object
    return waitFor(call.kernel, ref, object, signals, deadline, "object_wait_one").pipe(
      Effect.map((observed) => {
        optionalU32(call, observedAt, observed)
        return Status.OK as number
      }),
      Effect.catchAll((error) =>
        Effect.sync(() => {
          try {
            optionalU32(call, observedAt, object.signals)
          } catch {
            // The buffer was probed; a later unmap by another thread is the caller's problem.
          }
          return error.status
        })
      )
    )
  },

  object_wait_many: (call) => {
    const itemsAt = call.size(0)
    const count = call.size(1)
    const deadline = call.i64(2)
    if (count > WAIT_MANY_MAX_ITEMS) fail(Status.OUT_OF_RANGE)
    if (count === 0) {
      // Nothing to wait for: a plain sleep until the deadline.
      if (deadline >= TIME_INFINITE) return Effect.as(Effect.never, Status.OK)
      const now = call.kernel.monotonic()
      return deadline <= now
        ? Status.TIMED_OUT
        : Effect.as(Effect.sleep(Duration.nanos(deadline - now)), Status.TIMED_OUT)
    }
    const raw = call.readIn(itemsAt, count * 12)
    const view = new DataView(raw.buffer)
    call.probeOut(itemsAt, count * 12)
    const items = Array.from({ length: count }, (_, i) => {
      const ref = call.handle(view.getUint32(i * 12, true), undefined, Rights.WAIT)
      return { ref, waitfor: view.getUint32(i * 12 + 4, true) }
    })
    const writePending = () => {
      const out = new Uint8Array(raw)
      const dv = new DataView(out.buffer)
      items.forEach((item, i) => dv.setUint32(i * 12 + 8, item.ref.object.signals, true))
      call.writeOut(itemsAt, out)
    }
    if (items.some((item) => (item.ref.object.signals & item.waitfor) !== 0)) {
      writePending()
      return Status.OK
    }
    if (deadline <= call.kernel.monotonic()) {
      writePending()
      return Status.TIMED_OUT
    }
    const wait = Effect.async<number>((resume) => {
      const waiters = items.map((item) => ({
        object: item.ref.object,
        waiter: {
          mask: item.waitfor,
          handle: item.ref,
          active: true,
          wake: (_signals: number, cancelled: boolean) => {
            for (const w of waiters) w.object.removeWaiter(w.waiter)
            resume(Effect.succeed(cancelled ? Status.CANCELED : Status.OK))
          }
        }
      }))
      for (const w of waiters) w.object.addWaiter(w.waiter)
      return Effect.sync(() => {
        for (const w of waiters) w.object.removeWaiter(w.waiter)
      })
    })
    const bounded = deadline >= TIME_INFINITE
      ? wait
      : Effect.timeoutTo(wait, {
        duration: Duration.nanos(deadline - call.kernel.monotonic()),
        onSuccess: (status: number) => status,
        onTimeout: () => Status.TIMED_OUT as number
      })
    return Effect.map(bounded, (status) => {
      if (call.thread.state === TaskState.RUNNING) writePending()
      return status
    })
  },

  object_signal: (call) => {
    const ref = call.handle(call.u32(0), undefined, Rights.SIGNAL)
    const clear = call.u32(1)
    const set = call.u32(2)
    if (((clear | set) & ~ref.object.signalable()) !== 0) fail(Status.INVALID_ARGS)
    ref.object.updateSignals(clear, set)
    return Status.OK
  },

  object_signal_peer: (call) => {
    const ref = call.handle(call.u32(0), undefined, Rights.SIGNAL_PEER)
    const clear = call.u32(1)
    const set = call.u32(2)
    const peer = ref.object.signalPeer()
    if (peer === undefined) fail(Status.NOT_SUPPORTED)
    if (((clear | set) & ~ref.object.signalable()) !== 0) fail(Status.INVALID_ARGS)
    if (peer === null) fail(Status.PEER_CLOSED)
    peer!.updateSignals(clear, set)
    return Status.OK
  },

  futex_wait: (call) => {
    const address = call.size(0)
    const current = call.u32(1) | 0
    const owner = call.u32(2)
    const deadline = call.i64(3)
    if (address === 0 || address % 4 !== 0) fail(Status.INVALID_ARGS)
    // A named owner must be a thread of this process (Zircon records it for priority inheritance).
    if (owner !== 0) {
      const thread = call.handle(owner, ObjectType.THREAD).object as ThreadObject
      if (thread.process !== call.process) fail(Status.INVALID_ARGS)
    }
    const value = new DataView(call.readIn(address, 4).buffer).getInt32(0, true)
    if (value !== current) fail(Status.BAD_STATE)
    const now = call.kernel.monotonic()
    if (deadline <= now) return Status.TIMED_OUT
    const futexes = call.process.futexes
    const wait = Effect.async<number>((resume) => {
      const waiter = { wake: () => resume(Effect.succeed(Status.OK as number)) }
      const queue = futexes.get(address)
      if (queue === undefined) futexes.set(address, [waiter])
      else queue.push(waiter)
      // Leaving without a wake (deadline, death): out of the queue.
      return Effect.sync(() => {
        const q = futexes.get(address)
        const i = q === undefined ? -1 : q.indexOf(waiter)
        if (i >= 0) q!.splice(i, 1)
        if (q !== undefined && q.length === 0) futexes.delete(address)
      })
    })
    if (deadline >= TIME_INFINITE) return wait
    return Effect.timeoutTo(wait, {
      duration: Duration.nanos(deadline - now),
      onSuccess: (status) => status,
      onTimeout: () => Status.TIMED_OUT as number
    })
  },

  futex_wake: (call) => {
    const address = call.size(0)
    const count = call.u32(1)
    if (address === 0 || address % 4 !== 0) fail(Status.INVALID_ARGS)
    const queue = call.process.futexes.get(address)
    if (queue === undefined) return Status.OK
    const woken = queue.splice(0, Math.min(count, queue.length))
    if (queue.length === 0) call.process.futexes.delete(address)
    for (const waiter of woken) waiter.wake()
    return Status.OK
  },

  event_create: (call) => {
    if (call.u32(0) !== 0) fail(Status.INVALID_ARGS)
    const out = call.size(1)
    call.probeOut(out, 4)
    call.policy(PolicyCondition.NEW_EVENT)
    call.writeU32(out, call.give(new HandleRef(new EventObject(call.kernel), RightsMod.DEFAULT_EVENT)))
    return Status.OK
  },

  eventpair_create: (call) =>
    createPair(call, PolicyCondition.NEW_EVENTPAIR, EventPairObject.pair, RightsMod.DEFAULT_EVENTPAIR),

  object_get_info: (call) => {
    const value = call.u32(0)
    const topic = call.u32(1)
    const buffer = call.size(2)
    const bufferSize = call.size(3)
    const actual = call.size(4)
    const avail = call.size(5)
    let record: Uint8Array
    switch (topic) {
      case InfoTopic.HANDLE_VALID: {
        call.handle(value)
        return Status.OK
      }
      case InfoTopic.HANDLE_BASIC: {
        const ref = call.handle(value)
        record = new Uint8Array(32)
        const dv = new DataView(record.buffer)
        dv.setBigUint64(0, BigInt(ref.object.koid), true)
        dv.setUint32(8, ref.rights, true)
        dv.setUint32(12, ref.object.type, true)
        dv.setBigUint64(16, BigInt(ref.object.relatedKoid()), true)
        break
      }
      case InfoTopic.PROCESS: {
        const p = call.handle(value, ObjectType.PROCESS, Rights.INSPECT).object as ProcessObject
        record = new Uint8Array(24)
        const dv = new DataView(record.buffer)
        dv.setBigInt64(0, p.returnCode, true)
        dv.setBigInt64(8, p.startTime, true)
        dv.setUint32(16, p.flags, true)
        break
      }
      case InfoTopic.VMAR: {
        const v = call.handle(value, ObjectType.VMAR, Rights.INSPECT).object as VmarObject
        if (v.destroyed) fail(Status.BAD_STATE)
        record = new Uint8Array(16)
        const dv = new DataView(record.buffer)
        dv.setBigUint64(0, BigInt(v.base), true)
        dv.setBigUint64(8, BigInt(v.size), true)
        break
      }
      case InfoTopic.THREAD_STATS: {
        const t = call.handle(value, ObjectType.THREAD, Rights.INSPECT).object as ThreadObject
        record = new Uint8Array(16)
        new DataView(record.buffer).setBigInt64(0, t.runtime, true)
        break
      }
      case InfoTopic.TASK_RUNTIME:
      case InfoTopic.TASK_RUNTIME_V1: {
        // CPU time only: a thread waits for no core here, page faults are resolved at once, and
        // kernel locks are never contended (there is one host thread), so the other times are 0.
        const object = call.handle(value, undefined, Rights.INSPECT).object
        const cpuTime = object instanceof ThreadObject
          ? object.runtime
          : object instanceof ProcessObject
          ? object.cpuTime()
          : object instanceof JobObject
          ? object.cpuTime()
          : fail(Status.WRONG_TYPE)
        record = new Uint8Array(topic === InfoTopic.TASK_RUNTIME ? 32 : 16)
        new DataView(record.buffer).setBigInt64(0, cpuTime, true)
        break
      }
      default: {
        const extra = extraInfo(call, value, topic)
        if (extra === undefined) return fail(Status.NOT_SUPPORTED)
        record = extra
      }
    }
    if (bufferSize < record.length) {
      optionalU64(call, actual, 0)
      optionalU64(call, avail, 1)
      return Status.BUFFER_TOO_SMALL
    }
    call.writeOut(buffer, record)
    optionalU64(call, actual, 1)
    optionalU64(call, avail, 1)
    return Status.OK
  },

  object_get_property: (call) => {
    const ref = call.handle(call.u32(0), undefined, Rights.GET_PROPERTY)
    const property = call.u32(1)
    const value = call.size(2)
    const size = call.size(3)
    if (property === Property.NAME) {
      if (size < 32) fail(Status.BUFFER_TOO_SMALL)
      const out = new Uint8Array(32)
      out.set(new TextEncoder().encode(ref.object.name).subarray(0, 31))
      call.writeOut(value, out)
      return Status.OK
    }
    if (property === Property.VMO_CONTENT_SIZE) {
      if (ref.object.type !== ObjectType.VMO) fail(Status.WRONG_TYPE)
      if (size < 8) fail(Status.BUFFER_TOO_SMALL)
      call.writeU64(value, vmoObject(ref).contentSize)
      return Status.OK
    }
    if (extraGetProperty(call, ref, property, value, size)) return Status.OK
    return fail(Status.INVALID_ARGS)
  },

  object_set_property: (call) => {
    const ref = call.handle(call.u32(0), undefined, Rights.SET_PROPERTY)
    const property = call.u32(1)
    if (extraSetProperty(call, ref, property, call.size(2), call.size(3))) return Status.OK
    if (property !== Property.NAME) fail(Status.INVALID_ARGS)
    ref.object.name = readName(call, call.size(2), call.size(3))
    return Status.OK
  },

  channel_create: (call) =>
    createPair(call, PolicyCondition.NEW_CHANNEL, ChannelObject.pair, RightsMod.DEFAULT_CHANNEL),

  channel_read: (call) => {
    const channel = call.handle(call.u32(0), ObjectType.CHANNEL, Rights.READ).object as ChannelObject
    const options = call.u32(1)
    if ((options & ~1) !== 0) fail(Status.INVALID_ARGS)
    const bytesOut = call.size(2)
    const handlesOut = call.size(3)
    const numBytes = call.u32(4)
    const numHandles = call.u32(5)
    const actualBytes = call.size(6)
    const actualHandles = call.size(7)
    const next = channel.peek()
    if (next === undefined) return channel.peer === null ? Status.PEER_CLOSED : Status.SHOULD_WAIT
    optionalU32(call, actualBytes, next.bytes.length)
    optionalU32(call, actualHandles, next.handles.length)
    if (next.bytes.length > numBytes || next.handles.length > numHandles) {
      if ((options & 1) !== 0) closeMessage(channel.take())
      return Status.BUFFER_TOO_SMALL
    }
    call.probeOut(bytesOut, next.bytes.length)
    call.probeOut(handlesOut, next.handles.length * 4)
    if (call.process.handles.size + next.handles.length > MAX_HANDLES_PER_PROCESS) fail(Status.NO_RESOURCES)
    deliver(call, channel.take(), bytesOut, handlesOut)
    return Status.OK
  },

  channel_write: (call) => {
    const handleValue = call.u32(0)
    const options = call.u32(1)
    const bytesAt = call.size(2)
    const numBytes = call.u32(3)
    const handlesAt = call.size(4)
    const numHandles = call.u32(5)
    if (numHandles > 64) fail(Status.OUT_OF_RANGE)
    const values = readHandleValues(call, handlesAt, numHandles)
    const consume = () => {
      for (const v of values) call.process.handles.get(v)?.close()
    }
    let channel: ChannelObject
    let bytes: Uint8Array
    try {
      if (options !== 0) fail(Status.INVALID_ARGS)
      channel = call.handle(handleValue, ObjectType.CHANNEL, Rights.WRITE).object as ChannelObject
      checkLimits(numBytes, numHandles)
      bytes = call.readIn(bytesAt, numBytes)
    } catch (e) {
      consume()
      throw e
    }
    const moved = takeGuestHandles(call, channel, values)
    channel.write(bytes, moved)
    return Status.OK
  },

  channel_call: (call) => {
    const handleValue = call.u32(0)
    const options = call.u32(1)
    const deadline = call.i64(2)
    const argsAt = call.size(3)
    const actualBytesAt = call.size(4)
    const actualHandlesAt = call.size(5)
    const args = new DataView(call.readIn(argsAt, 48).buffer)
    const wrBytes = Number(args.getBigUint64(0, true))
    const wrHandles = Number(args.getBigUint64(8, true))
    const rdBytes = Number(args.getBigUint64(16, true))
    const rdHandles = Number(args.getBigUint64(24, true))
    const wrNumBytes = args.getUint32(32, true)
    const wrNumHandles = args.getUint32(36, true)
    const rdNumBytes = args.getUint32(40, true)
    const rdNumHandles = args.getUint32(44, true)
    if (wrNumHandles > 64) fail(Status.OUT_OF_RANGE)
    const values = readHandleValues(call, wrHandles, wrNumHandles)
    let channel: ChannelObject
    let bytes: Uint8Array
    try {
      if (options !== 0) fail(Status.INVALID_ARGS)
      channel = call.handle(handleValue, ObjectType.CHANNEL, Rights.READ | Rights.WRITE).object as ChannelObject
      checkLimits(wrNumBytes, wrNumHandles)
      if (wrNumBytes < 4) fail(Status.INVALID_ARGS)
      bytes = call.readIn(wrBytes, wrNumBytes)
      call.probeOut(rdBytes, rdNumBytes)
      call.probeOut(rdHandles, rdNumHandles * 4)
    } catch (e) {
      for (const v of values) call.process.handles.get(v)?.close()
      throw e
    }
    const moved = takeGuestHandles(call, channel, values)
    // The kernel owns transaction ids with the top bit set.
    const txid = (0x80000000 | (nextCallTxid++ & 0x7fffffff)) >>> 0
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(0, txid, true)
    return Effect.async<QueuedMessage | null, { readonly status: number }>((resume) => {
      const waiters = (channel.callWaiters ??= new Map())
      waiters.set(txid, (message: QueuedMessage | null) => resume(Effect.succeed(message)))
      try {
        channel.write(bytes, moved)
      } catch (e) {
        waiters.delete(txid)
        resume(Effect.fail({ status: faultStatus(e) }))
      }
      return Effect.sync(() => {
        channel.callWaiters?.delete(txid)
      })
    }).pipe(
      (wait) =>
        deadline >= TIME_INFINITE
          ? wait
          : Effect.timeoutFail(wait, {
            duration: Duration.nanos(deadline > call.kernel.monotonic() ? deadline - call.kernel.monotonic() : 0n),
            onTimeout: () => ({ status: Status.TIMED_OUT })
          }),
      Effect.map((message) => {
        if (message === null) return Status.PEER_CLOSED as number
        try {
          optionalU32(call, actualBytesAt, message.bytes.length)
          optionalU32(call, actualHandlesAt, message.handles.length)
          if (message.bytes.length > rdNumBytes || message.handles.length > rdNumHandles) {
            closeMessage(message)
            return Status.BUFFER_TOO_SMALL as number
          }
          deliver(call, message, rdBytes, rdHandles)
          return Status.OK as number
        } catch (e) {
          closeMessage(message)
          if (isFault(e)) return e.status
          throw e
        }
      }),
      Effect.catchAll((e) => Effect.succeed(e.status))
    )
  },

  socket_create: (call) => createPair(call, PolicyCondition.NEW_SOCKET, SocketObject.pair, RightsMod.DEFAULT_SOCKET),

  socket_write: (call) => {
    const socket = call.handle(call.u32(0), ObjectType.SOCKET, Rights.WRITE).object as SocketObject
    if (call.u32(1) !== 0) fail(Status.INVALID_ARGS)
    const size = call.size(3)
    const actual = call.size(4)
    if (actual !== NULL) call.probeOut(actual, 8)
    const n = socket.write(call.readIn(call.size(2), Math.min(size, 256 * 1024)))
    optionalU64(call, actual, n)
    return Status.OK
  },

  socket_read: (call) => {
    const socket = call.handle(call.u32(0), ObjectType.SOCKET, Rights.READ).object as SocketObject
    if (call.u32(1) !== 0) fail(Status.INVALID_ARGS)
    const buffer = call.size(2)
    const size = call.size(3)
    const actual = call.size(4)
    if (actual !== NULL) call.probeOut(actual, 8)
    const want = Math.min(size, socket.buffered)
    call.probeOut(buffer, want)
    const data = socket.read(size)
    call.writeOut(buffer, data)
    optionalU64(call, actual, data.length)
    return Status.OK
  },

  vmo_create: (call) => {
    const size = call.u64(0)
    const options = call.u32(1)
    const out = call.size(2)
    if (size < 0 || size > MAX_VMO_SIZE) fail(Status.OUT_OF_RANGE)
    if ((options & ~(VmoOption.RESIZABLE | VmoOption.DISCARDABLE)) !== 0) fail(Status.INVALID_ARGS)
    call.probeOut(out, 4)
    call.policy(PolicyCondition.NEW_VMO)
    const resizable = (options & VmoOption.RESIZABLE) !== 0
    const vmo = new VmoObject(call.kernel, size, resizable)
    call.writeU32(out, call.give(new HandleRef(vmo, (RightsMod.DEFAULT_VMO | (resizable ? Rights.RESIZE : 0)) >>> 0)))
    return Status.OK
  },

  vmo_read: (call) => {
    const vmo = vmoObject(call.handle(call.u32(0), ObjectType.VMO, Rights.READ))
    const buffer = call.size(1)
    const offset = call.u64(2)
    const size = call.size(3)
    if (offset < 0 || offset + size > vmo.size) fail(Status.OUT_OF_RANGE)
    call.probeOut(buffer, size)
    call.writeOut(buffer, vmo.read(offset, size))
    return Status.OK
  },

  vmo_write: (call) => {
    const vmo = vmoObject(call.handle(call.u32(0), ObjectType.VMO, Rights.WRITE))
    const buffer = call.size(1)
    const offset = call.u64(2)
    const size = call.size(3)
    if (offset < 0 || offset + size > vmo.size) fail(Status.OUT_OF_RANGE)
    vmo.write(offset, call.readIn(buffer, size))
    return Status.OK
  },

  vmo_get_size: (call) => {
    const vmo = vmoObject(call.handle(call.u32(0), ObjectType.VMO))
    call.writeU64(call.size(1), vmo.size)
    return Status.OK
  },

  vmo_set_size: (call) => {
    const ref = call.handle(call.u32(0), ObjectType.VMO, Rights.WRITE)
    const vmo = vmoObject(ref)
    if (!vmo.resizable) fail(Status.UNAVAILABLE)
    if (!RightsMod.has(ref.rights, Rights.RESIZE)) fail(Status.ACCESS_DENIED)
    const size = call.u64(1)
    if (size < 0 || size > MAX_VMO_SIZE) fail(Status.OUT_OF_RANGE)
    vmo.setSize(size)
    return Status.OK
  },

  vmo_create_child: (call) => {
    const ref = call.handle(call.u32(0), ObjectType.VMO)
    const options = call.u32(1)
    const offset = call.u64(2)
    const size = call.u64(3)
    const out = call.size(4)
    if (offset < 0 || size < 0) fail(Status.OUT_OF_RANGE)
    call.probeOut(out, 4)
    call.writeU32(out, call.give(createVmoChild(vmoObject(ref), ref.rights, options, offset, size)))
    return Status.OK
  },

  vmo_replace_as_executable: (call) => {
    const ref = call.handle(call.u32(0), ObjectType.VMO)
    const vmex = call.u32(1)
    const out = call.u64(2)
    try {
      // A vmex resource grants EXECUTE; without one only a job that allows ambient marking does.
      if (vmex !== 0) {
        if (!isVmex(call.handle(vmex, ObjectType.RESOURCE).object)) fail(Status.ACCESS_DENIED)
      } else {
        call.policy(PolicyCondition.AMBIENT_MARK_VMO_EXEC)
      }
      if (out < 0) fail(Status.INVALID_ARGS)
      call.probeOut(out, 4)
    } catch (e) {
      ref.close()
      throw e
    }
    const fresh = new HandleRef(ref.object, (ref.rights | Rights.EXECUTE) >>> 0)
    ref.close()
    call.writeU32(out, call.give(fresh))
    return Status.OK
  },

  vmar_allocate: (call) => {
    const parentRef = call.handle(call.u32(0), ObjectType.VMAR)
    const parent = parentRef.object as VmarObject
    const options = call.u32(1)
    const offset = call.size(2)
    const size = call.size(3)
    const outVmar = call.size(4)
    const outAddr = call.size(5)
    call.probeOut(outVmar, 4)
    call.probeOut(outAddr, 8)
    const child = parent.allocate(options, offset, size, parentRef.rights)
    call.writeU32(outVmar, call.give(new HandleRef(child, childVmarRights(child))))
    call.writeU64(outAddr, child.base)
    return Status.OK
  },

  vmar_map: (call) => {
    const vmarRef = call.handle(call.u32(0), ObjectType.VMAR)
    const options = call.u32(1)
    const vmarOffset = call.size(2)
    const vmoRef = call.handle(call.u32(3), ObjectType.VMO, Rights.MAP)
    const vmoOffset = call.size(4)
    const len = call.size(5)
    const out = call.size(6)
    call.probeOut(out, 8)
    const vmar = vmarRef.object as VmarObject
    const address = vmar.map(options, vmarOffset, vmoObject(vmoRef), vmoOffset, len, vmarRef.rights, vmoRef.rights)
    call.writeU64(out, address)
    return Status.OK
  },

  vmar_unmap: (call) => {
    const vmar = call.handle(call.u32(0), ObjectType.VMAR).object as VmarObject
    vmar.unmapRange(call.size(1), call.size(2))
    return Status.OK
  },

  vmar_protect: (call) => {
    const ref = call.handle(call.u32(0), ObjectType.VMAR)
    ;(ref.object as VmarObject).protect(call.u32(1), call.size(2), call.size(3), ref.rights)
    return Status.OK
  },

  vmar_destroy: (call) => {
    const vmar = call.handle(call.u32(0), ObjectType.VMAR, Rights.OP_CHILDREN).object as VmarObject
    if (vmar.destroyed) fail(Status.BAD_STATE)
    if (vmar.parent === null) fail(Status.NOT_SUPPORTED)
    vmar.destroyTree()
    return Status.OK
  },

  process_create: (call) => {
    const job = call.handle(call.u32(0), ObjectType.JOB, Rights.MANAGE_PROCESS).object as JobObject
    const name = readName(call, call.size(1), call.size(2))
    const options = call.u32(3)
    const outProcess = call.size(4)
    const outVmar = call.size(5)
    call.probeOut(outProcess, 4)
    call.probeOut(outVmar, 4)
    call.policy(PolicyCondition.NEW_PROCESS)
    const process = createProcess(call.kernel, job, name, options)
    const processRef = new HandleRef(process, RightsMod.DEFAULT_PROCESS)
    const vmarRef = new HandleRef(process.aspace.root, RightsMod.ROOT_VMAR)
    call.writeU32(outProcess, call.give(processRef))
    call.writeU32(outVmar, call.give(vmarRef))
    return Status.OK
  },

  process_start: (call) => {
    const arg1Value = call.u32(4)
    const arg1 = arg1Value === 0 ? null : call.process.handles.get(arg1Value) ?? null
    try {
      if (arg1Value !== 0 && arg1 === null) fail(Status.BAD_HANDLE)
      const process = call.handle(call.u32(0), ObjectType.PROCESS, Rights.WRITE).object as ProcessObject
      const thread = call.handle(call.u32(1), ObjectType.THREAD, Rights.WRITE).object as ThreadObject
      if (arg1 !== null && (arg1.rights & Rights.TRANSFER) === 0) fail(Status.ACCESS_DENIED)
      const entry = call.size(2)
      const stack = call.size(3)
      const arg2 = call.size(5)
      const spawn = startProcess(call.kernel, call.scheduler, process, thread, entry, stack, arg1, arg2)
      return spawn === null ? Status.OK : Effect.as(spawn, Status.OK)
    } catch (e) {
      arg1?.close()
      throw e
    }
  },

  process_exit: (call) => {
    call.process.kill(call.i64(0))
    return undefined
  },

  thread_create: (call) => {
    const process = call.handle(call.u32(0), ObjectType.PROCESS, Rights.MANAGE_THREAD).object as ProcessObject
    const name = readName(call, call.size(1), call.size(2))
    if (call.u32(3) !== 0) fail(Status.INVALID_ARGS)
    const out = call.size(4)
    call.probeOut(out, 4)
    if (process.state === TaskState.DEAD) fail(Status.BAD_STATE)
    call.writeU32(out, call.give(new HandleRef(new ThreadObject(call.kernel, process, name), RightsMod.DEFAULT_THREAD)))
    return Status.OK
  },

  thread_start: (call) => {
    const thread = call.handle(call.u32(0), ObjectType.THREAD, Rights.MANAGE_THREAD).object as ThreadObject
    const entry = call.size(1)
    const stack = call.size(2)
    const arg1 = call.size(3)
    const arg2 = call.size(4)
    const process = thread.process
    if (thread.state !== TaskState.INITIAL || process.state !== TaskState.RUNNING) fail(Status.BAD_STATE)
    if (entry < process.aspace.root.base || entry >= process.aspace.root.end) fail(Status.INVALID_ARGS)
    const view = new DataView(call.kernel.memory.memory.buffer)
    const set = (index: number, value: number) => view.setBigUint64(thread.registers + index * 8, BigInt(value), true)
    set(2, stack)
    set(10, arg1)
    set(11, arg2)
    view.setBigUint64(thread.registers + PC_OFFSET, BigInt(entry), true)
    thread.state = TaskState.RUNNING
    thread.updateSignals(0, Signals.THREAD_RUNNING)
    const spawn = call.scheduler.schedule(thread)
    return spawn === null ? Status.OK : Effect.as(spawn, Status.OK)
  },

  thread_exit: (call) => {
    call.thread.terminate()
    return undefined
  },

  task_kill: (call) => {
    const object = call.handle(call.u32(0), undefined, Rights.DESTROY).object
    if (object instanceof ProcessObject) object.kill(BigInt(TaskReturnCode.SYSCALL_KILL))
    else if (object instanceof ThreadObject) object.terminate()
    else if (object instanceof JobObject) killJob(object, BigInt(TaskReturnCode.SYSCALL_KILL))
    else fail(Status.WRONG_TYPE)
    return call.thread.state === TaskState.DEAD ? undefined : Status.OK
  },

  job_create: (call) => {
    const parent = call.handle(call.u32(0), ObjectType.JOB, Rights.MANAGE_JOB).object as JobObject
    if (call.u32(1) !== 0) fail(Status.INVALID_ARGS)
    const out = call.size(2)
    call.probeOut(out, 4)
    if (parent.dead) fail(Status.BAD_STATE)
    call.writeU32(out, call.give(new HandleRef(new JobObject(call.kernel, parent), RightsMod.DEFAULT_JOB)))
    return Status.OK
  },

  clock_get_monotonic: (call) => call.kernel.monotonic(),

  clock_get: (call) => {
    const out = call.size(1)
    call.probeOut(out, 8)
    switch (call.u32(0)) {
      case CLOCK_MONOTONIC:
        call.writeU64(out, call.kernel.monotonic())
        break
      case CLOCK_UTC:
        // The host's wall time through Effect's Clock: a TestClock makes it deterministic.
        call.writeU64(out, call.kernel.wallNanos())
        break
      case CLOCK_THREAD:
        call.writeU64(out, call.thread.runtime)
        break
      default:
        fail(Status.INVALID_ARGS)
    }
    return Status.OK
  },

  nanosleep: (call) => {
    const deadline = call.i64(0)
    const now = call.kernel.monotonic()
    if (deadline <= now) return Effect.as(Effect.yieldNow(), Status.OK)
    if (deadline >= TIME_INFINITE) return Effect.as(Effect.never, Status.OK)
    return Effect.as(Effect.sleep(Duration.nanos(deadline - now)), Status.OK)
  },

  cprng_draw: (call) => {
    const buffer = call.size(0)
    const size = call.size(1)
    // Zircon kills a caller that asks for more than it allows; so does this kernel.
    if (size > CPRNG_DRAW_MAX_LEN) {
      call.process.kill(BigInt(TaskReturnCode.POLICY_KILL))
      return undefined
    }
    const bytes = new Uint8Array(size)
    for (let i = 0; i < size; i += 4) {
      const r = call.kernel.randomU32()
      for (let j = 0; j < 4 && i + j < size; j++) bytes[i + j] = (r >>> (j * 8)) & 0xff
    }
    call.writeOut(buffer, bytes)
    return Status.OK
  },

  system_get_page_size: () => PAGE_SIZE
}

/** Handlers by syscall number. */
const byNumber: ReadonlyArray<Handler> = table.map((s) => {
  const h = handlers[s.name]
  if (h === undefined) throw new Error(`syscall ${s.name} has no handler`)
  return h
})

/** Names of the syscalls that have handlers (a test checks they match the table). */
export const handledSyscalls: ReadonlyArray<string> = Object.keys(handlers)

const finish = (call: Call, outcome: number | bigint | undefined) => {
  if (outcome !== undefined && call.thread.state === TaskState.RUNNING) call.result(outcome)
}

const faultStatus = (e: unknown): number => {
  if (isFault(e)) return e.status
  throw e
}

/** Handles the syscall `thread` stopped on; returns an Effect when the handler must suspend. */
export const dispatchSyscall = (
  kernel: KernelState,
  scheduler: Scheduling,
  thread: ThreadObject,
  pc: number
): Effect.Effect<void> | null => {
  const call = new Call(kernel, scheduler, thread)
  const number = call.number
  const process = thread.process
  // Syscalls are accepted only from the vDSO stub of the syscall being made; anything else is a
  // policy exception (BAD_SYSCALL, with the number from t0). Handled, the call returns
  // BAD_SYSCALL unless the handler set the registers itself; unhandled, the process dies.
  if (number < 0 || pc !== process.vdsoCodeStart + number * STUB_SIZE + ECALL_OFFSET || pc >= process.vdsoCodeEnd) {
    const t0 = new DataView(kernel.memory.memory.buffer).getUint32(thread.registers + T0 * 8, true)
    return Effect.map(
      raiseException(kernel, thread, policyReport(kernel, thread, pc, BAD_SYSCALL_CODE, t0)),
      (outcome) => {
        if (outcome.resumed && !outcome.registersWritten) call.result(Status.BAD_SYSCALL)
      }
    )
  }
  const handler = number < byNumber.length ? byNumber[number] : undefined
  if (handler === undefined) {
    call.result(Status.BAD_SYSCALL)
    return null
  }
  let outcome: Outcome
  try {
    outcome = handler(call)
  } catch (e) {
    outcome = faultStatus(e)
  }
  const raised = call.pendingException
  if (raised !== null && thread.state === TaskState.RUNNING) {
    // The call raised a policy exception: the thread waits for a handler before the call returns.
    const report = policyReport(kernel, thread, pc, raised.code, raised.data)
    const settled = outcome
    return Effect.flatMap(raiseException(kernel, thread, report), (result) => {
      if (!result.resumed) return Effect.void
      const rest = complete(call, settled)
      return rest ?? Effect.void
    })
  }
  return complete(call, outcome)
}

/** Writes a finished call's result, or returns the Effect that finishes it. */
const complete = (call: Call, outcome: Outcome): Effect.Effect<void> | null => {
  if (outcome === undefined || typeof outcome === "number" || typeof outcome === "bigint") {
    finish(call, outcome)
    return null
  }
  return Effect.flatMap(
    Effect.catchAllDefect(outcome, (defect) => (isFault(defect) ? Effect.succeed(defect.status) : Effect.die(defect))),
    (value) => Effect.sync(() => finish(call, value))
  )
}
