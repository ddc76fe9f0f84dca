/**
 * The host side of the kernel: the `KernelShape` over a `KernelState`. Each call resolves host
 * handles (checking liveness, type and rights), runs the synchronous core operation, and turns a
 * thrown status into a `ZxError` naming the call.
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Scope from "effect/Scope"
import * as Handle from "../Handle.js"
import type { ChannelMessage, ChannelReadLimits, HandleBasicInfo, KernelShape, RegionInfo } from "../Kernel.js"
import { ObjectType, type ObjectTypeName } from "../ObjectType.js"
import * as ObjectTypes from "../ObjectType.js"
import * as RightsMod from "../Rights.js"
import { Rights } from "../Rights.js"
import { Signals } from "../Signals.js"
import { Status } from "../Status.js"
import { MAX_NAME_LEN, PolicyMode, PolicyOverride, ProcessOption, TaskReturnCode, TIME_INFINITE } from "../Task.js"
import { PAGE_SIZE, VmoChildOption, VmoOption } from "../VmOptions.js"
import { ZxError } from "../ZxError.js"
import { ChannelObject, checkLimits, takeForTransfer } from "./channel.js"
import { EventObject, EventPairObject } from "./event.js"
import { makeExceptionHost } from "./exception-host.js"
import { taskEnded } from "./exception.js"
import { fail, isFault } from "./fail.js"
import { HandleRef, type KObject } from "./object.js"
import type { Scheduling } from "./scheduling.js"
import { SocketObject } from "./socket.js"
import type { KernelState } from "./state.js"
import { JobObject, ProcessObject, TaskState, ThreadObject } from "./task.js"
import type { Mapping } from "./vmar.js"
import { type AddressSpace, VmarObject } from "./vmar.js"
import { MAX_VMO_SIZE, VmoObject } from "./vmo.js"

/** Truncates a name to Zircon's 31-byte limit without splitting a UTF-8 sequence. */
export const truncateName = (name: string): string => {
  const bytes = new TextEncoder().encode(name)
  if (bytes.length <= MAX_NAME_LEN) return name
  let end = MAX_NAME_LEN
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--
  return new TextDecoder().decode(bytes.subarray(0, end))
}

const typeName = (type: number): ObjectTypeName => ObjectTypes.names.find((n) => ObjectType[n] === type) ?? "VMO"

const isSize = (n: number): boolean => Number.isSafeInteger(n) && n >= 0

/** Whether a number is a `uint32_t`, as options, rights and signal masks are. */
const isU32 = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 0xffffffff

/** Kills a job's processes and child jobs, depth first; the job is then dead (TERMINATED). */
export const killJob = (job: JobObject, returnCode: bigint): void => {
  // Dead first, so nothing can be created in the job while its children die.
  job.dead = true
  for (const child of Array.from(job.children)) killJob(child, returnCode)
  for (const process of Array.from(job.processes)) process.kill(returnCode)
  taskEnded(job)
  job.updateSignals(0, Signals.JOB_TERMINATED)
}

/** The default rights of a new object's first handle. */
const vmoRights = (resizable: boolean) => (RightsMod.DEFAULT_VMO | (resizable ? Rights.RESIZE : 0)) >>> 0

/** Rights of a child VMAR's handle: the VMAR defaults plus what its CAN_MAP bits allow. */
export const childVmarRights = (vmar: VmarObject): number => {
  let rights = RightsMod.DEFAULT_VMAR
  if ((vmar.canMap & (1 << 7)) !== 0) rights |= Rights.READ
  if ((vmar.canMap & (1 << 8)) !== 0) rights |= Rights.WRITE
  if ((vmar.canMap & (1 << 9)) !== 0) rights |= Rights.EXECUTE
  return rights >>> 0
}

/** Makes a VMO child per Zircon's rules (only snapshot kinds are supported here). */
export const createVmoChild = (
  parent: VmoObject,
  parentRights: number,
  options: number,
  offset: number,
  size: number
): HandleRef => {
  if (!RightsMod.has(parentRights, Rights.DUPLICATE | Rights.READ)) fail(Status.ACCESS_DENIED)
  const known = VmoChildOption.SNAPSHOT | VmoChildOption.SNAPSHOT_AT_LEAST_ON_WRITE | VmoChildOption.RESIZABLE |
    VmoChildOption.NO_WRITE | VmoChildOption.SLICE | VmoChildOption.REFERENCE
  if ((options & ~known) !== 0) fail(Status.INVALID_ARGS)
  const snapshot = (options & (VmoChildOption.SNAPSHOT | VmoChildOption.SNAPSHOT_AT_LEAST_ON_WRITE)) !== 0
  if (!snapshot) fail(Status.NOT_SUPPORTED)
  if ((options & VmoChildOption.SNAPSHOT) !== 0 && (options & VmoChildOption.SNAPSHOT_AT_LEAST_ON_WRITE) !== 0) {
    fail(Status.INVALID_ARGS)
  }
  if (!isSize(offset) || !isSize(size) || offset % PAGE_SIZE !== 0) fail(Status.INVALID_ARGS)
  if (size > MAX_VMO_SIZE || offset + size > MAX_VMO_SIZE) fail(Status.OUT_OF_RANGE)
  const resizable = (options & VmoChildOption.RESIZABLE) !== 0
  const child = parent.snapshot(offset, size, resizable)
  let rights = parentRights
  if ((options & VmoChildOption.NO_WRITE) === 0) rights = (rights | Rights.WRITE) & ~Rights.EXECUTE
  else rights = rights & ~Rights.WRITE
  rights = resizable ? rights | Rights.RESIZE : rights & ~Rights.RESIZE
  const ref = new HandleRef(child, rights >>> 0)
  child.name = parent.name
  return ref
}

/**
 * Creates a process in `job`. The NEW_PROCESS policy is the creator's business, as in Zircon: a
 * guest's `process_create` applies its own job's policy first; the host is no process and has none.
 */
export const createProcess = (kernel: KernelState, job: JobObject, name: string, options: number): ProcessObject => {
  if (options !== ProcessOption.NONE) {
    fail(options === ProcessOption.SHARED ? Status.NOT_SUPPORTED : Status.INVALID_ARGS)
  }
  if (job.dead) fail(Status.BAD_STATE)
  return new ProcessObject(kernel, job, truncateName(name))
}

/** Reads a process's register file entry `x<index>` as a number (low 53 bits are exact). */
const writeRegister = (kernel: KernelState, registers: number, index: number, value: number): void => {
  const view = new DataView(kernel.memory.memory.buffer)
  const lo = value % 2 ** 32
  const hi = Math.floor(value / 2 ** 32)
  view.setUint32(registers + index * 8, lo, true)
  view.setUint32(registers + index * 8 + 4, hi, true)
}

/** Starts a process's first thread: moves `arg1` in, sets pc/sp/a0/a1, and schedules the thread. */
export const startProcess = (
  kernel: KernelState,
  scheduler: Scheduling,
  process: ProcessObject,
  thread: ThreadObject,
  entry: number,
  stack: number,
  arg1: HandleRef | null,
  arg2: number
): Effect.Effect<void> | null => {
  const closeArg = () => arg1?.close()
  if (thread.process !== process) {
    closeArg()
    fail(Status.ACCESS_DENIED)
  }
  if (process.state !== TaskState.INITIAL || thread.state !== TaskState.INITIAL) {
    closeArg()
    fail(Status.BAD_STATE)
  }
  const aspace = process.aspace
  if (!isSize(entry) || entry < aspace.root.base || entry >= aspace.root.end || !isSize(stack) || !isSize(arg2)) {
    closeArg()
    fail(Status.INVALID_ARGS)
  }
  let value = 0
  if (arg1 !== null) value = process.handles.add(arg1.move())
  writeRegister(kernel, thread.registers, 2, stack)
  writeRegister(kernel, thread.registers, 10, value)
  writeRegister(kernel, thread.registers, 11, arg2)
  writeRegister(kernel, thread.registers, 32, entry)
  process.state = TaskState.RUNNING
  process.flags |= 1
  process.startTime = kernel.monotonic()
  thread.state = TaskState.RUNNING
  thread.updateSignals(0, Signals.THREAD_RUNNING)
  return scheduler.schedule(thread)
}

/** Walks a VMAR's tree into region descriptions. */
export const describeRegions = (vmar: VmarObject): Array<RegionInfo> => {
  const out: Array<RegionInfo> = []
  vmar.walk((region, depth) => {
    if (region instanceof VmarObject) {
      out.push({ _tag: "Vmar", base: region.base, size: region.size, depth, koid: region.koid, canMap: region.canMap })
    } else {
      const m = region as Mapping
      let committed = 0
      for (let off = 0; off < m.size; off += PAGE_SIZE) {
        if (m.vmo.pages.has(Math.floor((m.vmoOffset + off) / PAGE_SIZE))) committed++
      }
      out.push({
        _tag: "Mapping",
        base: m.base,
        size: m.size,
        depth,
        perms: m.perms,
        vmoKoid: m.vmo.koid,
        vmoName: m.vmo.name,
        vmoOffset: m.vmoOffset,
        committedPages: committed
      })
    }
  })
  return out
}

/** The host's view of the kernel. */
export const makeHost = (kernel: KernelState, scheduler: Scheduling): KernelShape => {
  const host = kernel.hostTable

  const run = <A>(operation: string, f: () => A): Effect.Effect<A, ZxError> =>
    Effect.suspend(() => {
      try {
        return Effect.succeed(f())
      } catch (e) {
        if (isFault(e)) return Effect.fail(new ZxError({ status: e.status, operation }))
        return Effect.die(e)
      }
    })

  /** A host handle's kernel handle, checked for liveness, type and rights. */
  const resolve = (handle: Handle.Handle, type?: number, rights?: number): HandleRef => {
    const ref = Handle.refOf(handle)
    if (ref === null || ref.dead || ref.owner !== host) fail(Status.BAD_HANDLE)
    if (type !== undefined && ref!.object.type !== type) fail(Status.WRONG_TYPE)
    if (rights !== undefined && !RightsMod.has(ref!.rights, rights)) fail(Status.ACCESS_DENIED)
    return ref!
  }

  /**
   * Host handles by the scope that owns them. Each scope gets one finalizer that closes, last made
   * first, every handle still in its set; a handle leaves the set when it is closed or moved. One
   * finalizer per scope instead of one per handle keeps making a handle cheap.
   */
  const owned = new WeakMap<Scope.Scope, Set<HandleRef>>()
  /** The set `wrap` adds to while an `own` call runs. */
  let owning: Set<HandleRef> | null = null

  const wrap = (ref: HandleRef): Handle.Handle<never> => {
    host.add(ref)
    if (owning !== null) {
      ref.hostSet = owning
      owning.add(ref)
    }
    return new Handle.HandleImpl(ref, kernel)
  }

  const closeOwned = (scope: Scope.Scope, set: Set<HandleRef>) =>
    Effect.sync(() => {
      // Handles made into this scope from now on get a fresh set (closed at once).
      if (owned.get(scope) === set) owned.delete(scope)
      const refs = Array.from(set)
      set.clear()
      for (let i = refs.length - 1; i >= 0; i--) {
        const ref = refs[i]
        if (!ref.dead && ref.owner === host) ref.close()
      }
    })

  /** Runs `f`, which makes host handles with `wrap`; they belong to the current scope. */
  const own = <A>(operation: string, f: () => A): Effect.Effect<A, ZxError, Scope.Scope> =>
    Effect.flatMap(Effect.scope, (scope) => {
      let set = owned.get(scope)
      const fresh = set === undefined
      if (set === undefined) {
        set = new Set()
        owned.set(scope, set)
      }
      const target = set
      const body = run(operation, () => {
        const previous = owning
        owning = target
        try {
          return f()
        } finally {
          owning = previous
        }
      })
      return fresh ? Effect.zipRight(Scope.addFinalizer(scope, closeOwned(scope, target)), body) : body
    })

  const one = (operation: string, f: () => HandleRef) => own(operation, () => wrap(f()))

  const vmoOf = (h: Handle.Handle, rights?: number) => resolve(h, ObjectType.VMO, rights).object as VmoObject
  const vmarOf = (h: Handle.Handle, rights?: number) => {
    const ref = resolve(h, ObjectType.VMAR, rights)
    return { vmar: ref.object as VmarObject, rights: ref.rights }
  }
  const processOf = (h: Handle.Handle, rights?: number) =>
    resolve(h, ObjectType.PROCESS, rights).object as ProcessObject

  const readMemory = (aspace: AddressSpace, address: number, length: number) => {
    if (!isSize(address) || !isSize(length)) fail(Status.INVALID_ARGS)
    return aspace.read(address, length, 0)
  }

  const exceptionHost = makeExceptionHost(kernel, { run, one, resolve })

  const shape: KernelShape = {
    handle: {
      close: (handle) =>
        run("handle.close", () => {
          if (Handle.isInvalid(handle)) return
          resolve(handle).close()
        }),
      duplicate: (handle, rights = Rights.SAME_RIGHTS) =>
        one("handle.duplicate", () => {
          const ref = resolve(handle, undefined, Rights.DUPLICATE)
          if (!isU32(rights)) fail(Status.INVALID_ARGS)
          const next = rights === Rights.SAME_RIGHTS ? ref.rights : rights >>> 0
          if (!RightsMod.isSubset(next, ref.rights)) fail(Status.INVALID_ARGS)
          return new HandleRef(ref.object, next)
        }),
      replace: (handle, rights = Rights.SAME_RIGHTS) =>
        one("handle.replace", () => {
          const ref = resolve(handle)
          const next = rights === Rights.SAME_RIGHTS ? ref.rights : rights >>> 0
          if (!isU32(rights) || !RightsMod.isSubset(next, ref.rights)) {
            ref.close()
            fail(Status.INVALID_ARGS)
          }
          const moved = ref.move()
          if (next === moved.rights) return moved
          const fresh = new HandleRef(moved.object, next)
          moved.close()
          return fresh
        }),
      move: (handle) => one("handle.move", () => resolve(handle).move()),
      info: (handle) =>
        run("handle.info", (): HandleBasicInfo => {
          const ref = resolve(handle)
          return {
            koid: ref.object.koid,
            relatedKoid: ref.object.relatedKoid(),
            type: typeName(ref.object.type),
            rights: ref.rights
          }
        })
    },

    object: {
      waitOne: (handle, signals, deadline = TIME_INFINITE) =>
        Effect.suspend(() => {
          let object: KObject
          let ref: HandleRef
          try {
            ref = resolve(handle, undefined, Rights.WAIT)
            object = ref.object
            if (!isU32(signals)) fail(Status.INVALID_ARGS)
          } catch (e) {
            if (isFault(e)) return Effect.fail(new ZxError({ status: e.status, operation: "object.waitOne" }))
            return Effect.die(e)
          }
          return waitFor(kernel, ref, object, signals >>> 0, deadline, "object.waitOne")
        }),
      signals: (handle) => run("object.signals", () => resolve(handle).object.signals),
      signal: (handle, clear, set) =>
        run("object.signal", () => {
          const ref = resolve(handle, undefined, Rights.SIGNAL)
          if (!isU32(clear) || !isU32(set) || ((clear | set) & ~ref.object.signalable()) !== 0) {
            fail(Status.INVALID_ARGS)
          }
          ref.object.updateSignals(clear >>> 0, set >>> 0)
        }),
      signalPeer: (handle, clear, set) =>
        run("object.signalPeer", () => {
          const ref = resolve(handle, undefined, Rights.SIGNAL_PEER)
          const peer = ref.object.signalPeer()
          if (peer === undefined) fail(Status.NOT_SUPPORTED)
          if (!isU32(clear) || !isU32(set) || ((clear | set) & ~ref.object.signalable()) !== 0) {
            fail(Status.INVALID_ARGS)
          }
          if (peer === null) fail(Status.PEER_CLOSED)
          peer!.updateSignals(clear >>> 0, set >>> 0)
        }),
      getName: (handle) => run("object.getName", () => resolve(handle, undefined, Rights.GET_PROPERTY).object.name),
      setName: (handle, name) =>
        run("object.setName", () => {
          resolve(handle, undefined, Rights.SET_PROPERTY).object.name = truncateName(name)
        })
    },

    vmo: {
      create: (size, options = 0) =>
        one("vmo.create", () => {
          if (!isSize(size) || !isU32(options)) fail(Status.INVALID_ARGS)
          if ((options & ~(VmoOption.RESIZABLE | VmoOption.DISCARDABLE)) !== 0) fail(Status.INVALID_ARGS)
          if (size > MAX_VMO_SIZE) fail(Status.OUT_OF_RANGE)
          const resizable = (options & VmoOption.RESIZABLE) !== 0
          return new HandleRef(new VmoObject(kernel, size, resizable), vmoRights(resizable))
        }),
      fromBytes: (bytes, options) =>
        one("vmo.fromBytes", () => {
          const vmo = new VmoObject(kernel, bytes.length, false)
          const ref = new HandleRef(vmo, (vmoRights(false) | (options?.executable === true ? Rights.EXECUTE : 0)) >>> 0)
          try {
            vmo.write(0, bytes)
          } catch (e) {
            ref.close()
            throw e
          }
          if (options?.name !== undefined) vmo.name = truncateName(options.name)
          return ref
        }),
      read: (vmo, offset, length) =>
        run("vmo.read", () => {
          const object = vmoOf(vmo, Rights.READ)
          if (!isSize(offset) || !isSize(length)) fail(Status.INVALID_ARGS)
          return object.read(offset, length)
        }),
      write: (vmo, offset, bytes) =>
        run("vmo.write", () => {
          const object = vmoOf(vmo, Rights.WRITE)
          if (!isSize(offset)) fail(Status.INVALID_ARGS)
          object.write(offset, bytes)
        }),
      getSize: (vmo) => run("vmo.getSize", () => vmoOf(vmo).size),
      getContentSize: (vmo) => run("vmo.getContentSize", () => vmoOf(vmo, Rights.GET_PROPERTY).contentSize),
      setSize: (vmo, size) =>
        run("vmo.setSize", () => {
          const ref = resolve(vmo, ObjectType.VMO, Rights.WRITE)
          const object = ref.object as VmoObject
          if (!object.resizable) fail(Status.UNAVAILABLE)
          if (!RightsMod.has(ref.rights, Rights.RESIZE)) fail(Status.ACCESS_DENIED)
          if (!isSize(size)) fail(Status.INVALID_ARGS)
          if (size > MAX_VMO_SIZE) fail(Status.OUT_OF_RANGE)
          object.setSize(size)
        }),
      createChild: (vmo, options, offset, size) =>
        one("vmo.createChild", () => {
          const ref = resolve(vmo, ObjectType.VMO)
          if (!RightsMod.has(ref.rights, Rights.DUPLICATE | Rights.READ)) fail(Status.ACCESS_DENIED)
          if (!isU32(options)) fail(Status.INVALID_ARGS)
          return createVmoChild(ref.object as VmoObject, ref.rights, options, offset, size)
        }),
      replaceAsExecutable: (vmo, vmex) => exceptionHost.replaceAsExecutable(vmo, vmex)
    },

    vmar: {
      allocate: (parent, options, offset, size) =>
        own(
          "vmar.allocate",
          () => {
            const { rights, vmar } = vmarOf(parent)
            if (!isSize(offset) || !isSize(size) || !isU32(options)) fail(Status.INVALID_ARGS)
            const child = vmar.allocate(options >>> 0, offset, size, rights)
            const handle: Handle.Vmar = wrap(new HandleRef(child, childVmarRights(child)))
            return { vmar: handle, base: child.base }
          }
        ),
      map: (vmarHandle, options, vmarOffset, vmoHandle, vmoOffset, len) =>
        run("vmar.map", () => {
          const { rights, vmar } = vmarOf(vmarHandle)
          const vmoRef = resolve(vmoHandle, ObjectType.VMO, Rights.MAP)
          if (!isSize(vmarOffset) || !isSize(vmoOffset) || !isSize(len) || !isU32(options)) fail(Status.INVALID_ARGS)
          return vmar.map(options >>> 0, vmarOffset, vmoRef.object as VmoObject, vmoOffset, len, rights, vmoRef.rights)
        }),
      unmap: (vmarHandle, address, len) =>
        run("vmar.unmap", () => {
          const { vmar } = vmarOf(vmarHandle)
          if (!isSize(address) || !isSize(len)) fail(Status.INVALID_ARGS)
          vmar.unmapRange(address, len)
        }),
      protect: (vmarHandle, options, address, len) =>
        run("vmar.protect", () => {
          const { rights, vmar } = vmarOf(vmarHandle)
          if (!isSize(address) || !isSize(len) || !isU32(options)) fail(Status.INVALID_ARGS)
          vmar.protect(options >>> 0, address, len, rights)
        }),
      destroy: (vmarHandle) =>
        run("vmar.destroy", () => {
          const { vmar } = vmarOf(vmarHandle, Rights.OP_CHILDREN)
          if (vmar.destroyed) fail(Status.BAD_STATE)
          if (vmar.parent === null) fail(Status.NOT_SUPPORTED)
          vmar.destroyTree()
        }),
      info: (vmarHandle) =>
        run("vmar.info", () => {
          const { vmar } = vmarOf(vmarHandle, Rights.INSPECT)
          if (vmar.destroyed) fail(Status.BAD_STATE)
          return { base: vmar.base, len: vmar.size }
        }),
      regions: (vmarHandle) =>
        run("vmar.regions", () => {
          const { vmar } = vmarOf(vmarHandle, Rights.INSPECT)
          if (vmar.destroyed) fail(Status.BAD_STATE)
          return describeRegions(vmar)
        })
    },

    event: {
      create: () => one("event.create", () => new HandleRef(new EventObject(kernel), RightsMod.DEFAULT_EVENT)),
      createPair: () =>
        own("event.createPair", () => {
          const [a, b] = EventPairObject.pair(kernel)
          return [
            wrap(new HandleRef(a, RightsMod.DEFAULT_EVENTPAIR)),
            wrap(new HandleRef(b, RightsMod.DEFAULT_EVENTPAIR))
          ] as const
        })
    },

    channel: {
      create: () =>
        own(
          "channel.create",
          () => {
            const [a, b] = ChannelObject.pair(kernel)
            const ha = wrap(new HandleRef(a, RightsMod.DEFAULT_CHANNEL))
            const hb = wrap(new HandleRef(b, RightsMod.DEFAULT_CHANNEL))
            return [ha, hb] as const
          }
        ),
      write: (channel, bytes, handles = []) =>
        run("channel.write", () => {
          // Resolve without failing yet: Zircon consumes the handles whatever happens.
          const refs = handles.map((h) => {
            const ref = Handle.refOf(h)
            return ref !== null && !ref.dead && ref.owner === host ? ref : undefined
          })
          const consumeAll = () => {
            for (const ref of refs) ref?.close()
          }
          let channelObject: ChannelObject
          try {
            channelObject = resolve(channel, ObjectType.CHANNEL, Rights.WRITE).object as ChannelObject
            checkLimits(bytes.length, handles.length)
          } catch (e) {
            consumeAll()
            throw e
          }
          const moved = takeForTransfer(channelObject, refs)
          channelObject.write(bytes.slice(), moved)
        }),
      read: (channel, limits?: ChannelReadLimits) =>
        own(
          "channel.read",
          (): ChannelMessage => {
            const object = resolve(channel, ObjectType.CHANNEL, Rights.READ).object as ChannelObject
            if (
              (limits?.maxBytes !== undefined && !isSize(limits.maxBytes)) ||
              (limits?.maxHandles !== undefined && !isSize(limits.maxHandles))
            ) fail(Status.INVALID_ARGS)
            const next = object.peek()
            if (next === undefined) fail(object.peer === null ? Status.PEER_CLOSED : Status.SHOULD_WAIT)
            if (
              (limits?.maxBytes !== undefined && next!.bytes.length > limits.maxBytes) ||
              (limits?.maxHandles !== undefined && next!.handles.length > limits.maxHandles)
            ) {
              throw new ChannelTooSmall(next!.bytes.length, next!.handles.length)
            }
            const m = object.take()
            return { bytes: m.bytes, handles: m.handles.map((ref) => wrap(ref)) }
          }
        ).pipe(
          Effect.catchAllDefect((defect) =>
            defect instanceof ChannelTooSmall
              ? Effect.fail(
                new ZxError({
                  status: Status.BUFFER_TOO_SMALL,
                  operation: `channel.read (message has ${defect.bytes} bytes, ${defect.handles} handles)`
                })
              )
              : Effect.die(defect)
          )
        )
    },

    socket: {
      create: () =>
        own(
          "socket.create",
          () => {
            const [a, b] = SocketObject.pair(kernel)
            const ha = wrap(new HandleRef(a, RightsMod.DEFAULT_SOCKET))
            const hb = wrap(new HandleRef(b, RightsMod.DEFAULT_SOCKET))
            return [ha, hb] as const
          }
        ),
      write: (socket, bytes) =>
        run(
          "socket.write",
          () => (resolve(socket, ObjectType.SOCKET, Rights.WRITE).object as SocketObject).write(bytes)
        ),
      read: (socket, max) =>
        run("socket.read", () => {
          if (!isSize(max)) fail(Status.INVALID_ARGS)
          return (resolve(socket, ObjectType.SOCKET, Rights.READ).object as SocketObject).read(max)
        })
    },

    job: {
      root: () => Effect.orDie(one("job.root", () => new HandleRef(kernel.rootJob, RightsMod.DEFAULT_JOB))),
      create: (parent) =>
        one("job.create", () => {
          const job = resolve(parent, ObjectType.JOB, Rights.MANAGE_JOB).object as JobObject
          if (job.dead) fail(Status.BAD_STATE)
          return new HandleRef(new JobObject(kernel, job), RightsMod.DEFAULT_JOB)
        }),
      setPolicy: (job, entries, mode = PolicyMode.RELATIVE) =>
        run("job.setPolicy", () =>
          (resolve(job, ObjectType.JOB, Rights.SET_POLICY).object as JobObject).setPolicy(
            mode,
            entries.map((e) => ({
              condition: e.condition,
              action: e.action,
              override: e.override ?? PolicyOverride.DENY
            }))
          )),
      getPolicy: (job, condition) =>
        run("job.getPolicy", () => {
          const object = resolve(job, ObjectType.JOB, Rights.GET_POLICY).object as JobObject
          if (!Number.isInteger(condition)) fail(Status.INVALID_ARGS)
          return { action: object.policy.action(condition), override: object.policy.override(condition) }
        })
    },

    process: {
      create: (job, name, options = 0) =>
        own(
          "process.create",
          () => {
            const jobObject = resolve(job, ObjectType.JOB, Rights.MANAGE_PROCESS).object as JobObject
            const process = createProcess(kernel, jobObject, name, options)
            const processHandle = wrap(new HandleRef(process, RightsMod.DEFAULT_PROCESS))
            const rootVmar = wrap(new HandleRef(process.aspace.root, RightsMod.ROOT_VMAR))
            return { process: processHandle, rootVmar }
          }
        ),
      start: (processHandle, threadHandle, entry, stack, arg1, arg2) =>
        Effect.flatMap(
          run("process.start", () => {
            let arg1Ref: HandleRef | null = null
            if (arg1 !== null && !Handle.isInvalid(arg1)) {
              const ref = Handle.refOf(arg1)
              if (ref === null || ref.dead || ref.owner !== host) fail(Status.BAD_HANDLE)
              arg1Ref = ref
            }
            try {
              const process = processOf(processHandle, Rights.WRITE)
              const thread = resolve(threadHandle, ObjectType.THREAD, Rights.WRITE).object as ThreadObject
              if (arg1Ref !== null && (arg1Ref.rights & Rights.TRANSFER) === 0) fail(Status.ACCESS_DENIED)
              return startProcess(kernel, scheduler, process, thread, entry, stack, arg1Ref, arg2)
            } catch (e) {
              arg1Ref?.close()
              throw e
            }
          }),
          (spawn) => spawn ?? Effect.void
        ),
      info: (processHandle) =>
        run("process.info", () => {
          const p = processOf(processHandle, Rights.INSPECT)
          return { returnCode: p.returnCode, startTime: p.startTime, flags: p.flags }
        }),
      crashReport: exceptionHost.crashReport,
      readMemory: (processHandle, address, length) =>
        run("process.readMemory", () => {
          const p = processOf(processHandle, Rights.READ | Rights.WRITE)
          if (p.state === TaskState.DEAD) fail(Status.BAD_STATE)
          return readMemory(p.aspace, address, length)
        }),
      writeMemory: (processHandle, address, bytes) =>
        run("process.writeMemory", () => {
          const p = processOf(processHandle, Rights.READ | Rights.WRITE)
          if (p.state === TaskState.DEAD) fail(Status.BAD_STATE)
          if (!isSize(address)) fail(Status.INVALID_ARGS)
          p.aspace.write(address, bytes, 0)
        })
    },

    thread: {
      create: (processHandle, name) =>
        one("thread.create", () => {
          const process = processOf(processHandle, Rights.MANAGE_THREAD)
          if (process.state === TaskState.DEAD) fail(Status.BAD_STATE)
          return new HandleRef(new ThreadObject(kernel, process, truncateName(name)), RightsMod.DEFAULT_THREAD)
        }),
      readState: exceptionHost.readState,
      writeState: exceptionHost.writeState,
      exceptionReport: exceptionHost.exceptionReport
    },

    task: {
      kill: (task) =>
        run("task.kill", () => {
          const ref = resolve(task, undefined, Rights.DESTROY)
          const object = ref.object
          if (object instanceof ProcessObject) object.kill(BigInt(TaskReturnCode.SYSCALL_KILL))
          else if (object instanceof ThreadObject) object.terminate()
          else if (object instanceof JobObject) killJob(object, BigInt(TaskReturnCode.SYSCALL_KILL))
          else fail(Status.WRONG_TYPE)
        }),
      runtime: (task) =>
        run("task.runtime", () => {
          const object = resolve(task, undefined, Rights.INSPECT).object
          if (object instanceof ThreadObject) return object.runtime
          if (object instanceof ProcessObject || object instanceof JobObject) return object.cpuTime()
          return fail(Status.WRONG_TYPE)
        }),
      createExceptionChannel: exceptionHost.createExceptionChannel
    },

    exception: exceptionHost.exception,
    resource: exceptionHost.resource,

    systemVdso: () =>
      one("systemVdso", () => {
        if (kernel.vdso === null) fail(Status.NOT_FOUND)
        return new HandleRef(
          kernel.vdso!,
          (Rights.DUPLICATE | Rights.TRANSFER | Rights.WAIT | Rights.INSPECT | Rights.READ |
            Rights.EXECUTE | Rights.MAP | Rights.GET_PROPERTY) >>> 0
        )
      }),

    monotonic: Effect.sync(() => kernel.monotonic()),

    stats: Effect.sync(() => ({
      objects: kernel.objectCounts(),
      handles: kernel.liveHandles,
      committedFrames: kernel.memory.committedFrames,
      kernelFrames: kernel.memory.kernelFrames,
      runningProcesses: scheduler.runningProcesses()
    })),

    memoryStats: Effect.sync(() => ({
      budgetFrames: kernel.memory.maxFrames,
      committedFrames: kernel.memory.committedFrames,
      kernelFrames: kernel.memory.kernelFrames,
      reservedFrames: kernel.memory.reservedFrames,
      physicalFrames: kernel.memory.sizeFrames,
      growths: kernel.memory.growths,
      registerFiles: kernel.registerFiles.live
    })),

    executionStats: Effect.sync(() => ({
      ...scheduler.counters(),
      cpu: kernel.cpu?.stats() ?? null
    }))
  }
  return shape
}

class ChannelTooSmall {
  constructor(readonly bytes: number, readonly handles: number) {}
}

/**
 * Waits for `signals` on `object` through `ref`, until the monotonic `deadline`. Shared by the host
 * API and the `object_wait_one` syscall.
 */
export const waitFor = (
  kernel: KernelState,
  ref: HandleRef,
  object: KObject,
  signals: number,
  deadline: bigint,
  operation: string
): Effect.Effect<number, ZxError> => {
  if ((object.signals & signals) !== 0) return Effect.succeed(object.signals)
  const now = kernel.monotonic()
  if (deadline <= now) return Effect.fail(new ZxError({ status: Status.TIMED_OUT, operation }))
  const wait = Effect.async<number, ZxError>((resume) => {
    const waiter = {
      mask: signals,
      handle: ref,
      active: true,
      wake: (observed: number, cancelled: boolean) =>
        resume(cancelled ? Effect.fail(new ZxError({ status: Status.CANCELED, operation })) : Effect.succeed(observed))
    }
    object.addWaiter(waiter)
    return Effect.sync(() => object.removeWaiter(waiter))
  })
  if (deadline >= TIME_INFINITE) return wait
  return Effect.timeoutFail(wait, {
    duration: Duration.nanos(deadline - now),
    onTimeout: () => new ZxError({ status: Status.TIMED_OUT, operation })
  })
}
