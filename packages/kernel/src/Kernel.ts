/**
 * The `Kernel` service: an in-memory Zircon. Every kernel call a host program (the process builder,
 * a loader, a test) makes goes through this service, so a test can swap it for a layer of its own
 * (a fault-injecting wrapper, say). Calls fail with a {@link ZxError} carrying the status the real
 * kernel gives in the same situation; handles they create belong to the caller's `Scope`.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import type { CpuStats } from "./Cpu.js"
import type { ExceptionInfo, ExceptionReport } from "./Exception.js"
import type * as Handle from "./Handle.js"
import * as internal from "./internal/kernel.js"
import type { ObjectTypeName } from "./ObjectType.js"
import type { SignalSet } from "./Signals.js"
import type { PolicyEntry, ProcessInfo, VmarInfo } from "./Task.js"
import type { ZxError } from "./ZxError.js"

/**
 * What `handle.info` reports (`zx_info_handle_basic_t`).
 *
 * @since 0.1.0
 * @category models
 */
export interface HandleBasicInfo {
  readonly koid: number
  readonly relatedKoid: number
  readonly type: ObjectTypeName
  readonly rights: number
}

/**
 * A message read from a channel: its bytes and the handles it carried, now the reader's.
 *
 * @since 0.1.0
 * @category models
 */
export interface ChannelMessage {
  readonly bytes: Uint8Array
  readonly handles: ReadonlyArray<Handle.Handle>
}

/**
 * Limits on a channel read; a message over them fails BUFFER_TOO_SMALL and stays queued.
 *
 * @since 0.1.0
 * @category models
 */
export interface ChannelReadLimits {
  readonly maxBytes?: number
  readonly maxHandles?: number
}

/**
 * One entry of an address-space map: a VMAR or a mapping, with its depth in the tree.
 *
 * @since 0.1.0
 * @category models
 */
export type RegionInfo =
  | {
    readonly _tag: "Vmar"
    readonly base: number
    readonly size: number
    readonly depth: number
    readonly koid: number
    readonly canMap: number
  }
  | {
    readonly _tag: "Mapping"
    readonly base: number
    readonly size: number
    readonly depth: number
    /** PERM_READ / PERM_WRITE / PERM_EXECUTE bits. */
    readonly perms: number
    readonly vmoKoid: number
    readonly vmoName: string
    readonly vmoOffset: number
    /** Pages of the mapped range that hold their own frames. */
    readonly committedPages: number
  }

/**
 * Counts of what the kernel holds, so a test can prove nothing leaked.
 *
 * @since 0.1.0
 * @category models
 */
export interface KernelStats {
  /** Live objects by type name (`VMO`, `VMAR`, `CHANNEL`, …). */
  readonly objects: Readonly<Record<string, number>>
  /** Every live handle: the host's, the processes', and those travelling in channel messages. */
  readonly handles: number
  /** Frames committed to VMO pages. */
  readonly committedFrames: number
  /**
   * Frames the kernel holds for its own structures (pages of register files, address-space
   * roots); with `committedFrames` they are bounded by `memoryBytes`.
   */
  readonly kernelFrames: number
  /** Processes that are running (started and not dead). */
  readonly runningProcesses: number
}

/**
 * How physical memory is used, for diagnostics and benchmarks (it changes as memory grows, so tests of leaks use {@link KernelStats}).
 *
 * @since 0.1.0
 * @category models
 */
export interface MemoryStats {
  /** Frames VMO pages and kernel structures may hold together (`memoryBytes` / 4 KiB). */
  readonly budgetFrames: number
  /** Frames committed to VMO pages. */
  readonly committedFrames: number
  /** Frames held for kernel structures (register files, address-space roots). */
  readonly kernelFrames: number
  /** Frames CPUs set aside for their tables (outside the budget). */
  readonly reservedFrames: number
  /**
   * Frames the backing `WebAssembly.Memory` has grown to, free ones included. It never shrinks:
   * frames freed by dead processes are reused before it grows again.
   */
  readonly physicalFrames: number
  /** Times the memory has grown (each detaches its buffer). */
  readonly growths: number
  /** Live register files (one per thread). */
  readonly registerFiles: number
}

/**
 * Counters of guest execution, for diagnostics and benchmarks.
 *
 * @since 0.1.0
 * @category models
 */
export interface ExecutionStats {
  /** Syscalls guests made. */
  readonly syscalls: number
  /** Time slices that ran out of instructions. */
  readonly slices: number
  /** Times a guest thread parked to give the host's event loop its turn (see the README's guarantee). */
  readonly hostYields: number
  readonly cpu: CpuStats | null
}

/**
 * Handle operations.
 *
 * @since 0.1.0
 * @category models
 */
export interface HandleOps {
  /** Closes the handle. Closing the invalid handle does nothing; a closed or moved one fails BAD_HANDLE. */
  readonly close: (handle: Handle.Handle) => Effect.Effect<void, ZxError>
  /** A new handle to the same object with `rights` (a subset) or the same rights (`Rights.SAME_RIGHTS`). */
  readonly duplicate: <T extends ObjectTypeName>(
    handle: Handle.Handle<T>,
    rights?: number
  ) => Effect.Effect<Handle.Handle<T>, ZxError, Scope.Scope>
  /** Like `duplicate`, but the source handle is consumed (even when the call fails). */
  readonly replace: <T extends ObjectTypeName>(
    handle: Handle.Handle<T>,
    rights?: number
  ) => Effect.Effect<Handle.Handle<T>, ZxError, Scope.Scope>
  /** Transfers the handle to the current scope: the old `Handle` dies, the new one is closed with this scope. */
  readonly move: <T extends ObjectTypeName>(
    handle: Handle.Handle<T>
  ) => Effect.Effect<Handle.Handle<T>, ZxError, Scope.Scope>
  /** Basic facts of the handle: koid, related koid, object type, rights. */
  readonly info: (handle: Handle.Handle) => Effect.Effect<HandleBasicInfo, ZxError>
}

/**
 * Operations every object has.
 *
 * @since 0.1.0
 * @category models
 */
export interface ObjectOps {
  /**
   * Waits until one of `signals` is set on the object, or until the monotonic `deadline` (ns;
   * `TIME_INFINITE` for none) passes (TIMED_OUT), or the handle closes (CANCELED). Succeeds with
   * the signals observed. Suspends only the calling fiber; deadlines follow Effect's `Clock`.
   */
  readonly waitOne: (handle: Handle.Handle, signals: SignalSet, deadline?: bigint) => Effect.Effect<SignalSet, ZxError>
  /** The object's current signals. */
  readonly signals: (handle: Handle.Handle) => Effect.Effect<SignalSet, ZxError>
  /**
   * Clears then sets signals on the object: the user signals (`Signals.USER_ALL`), and on an event
   * or an event pair end `Signals.EVENT_SIGNALED` too. Needs SIGNAL.
   */
  readonly signal: (handle: Handle.Handle, clear: SignalSet, set: SignalSet) => Effect.Effect<void, ZxError>
  /**
   * Clears then sets signals, as {@link signal} allows them, on the other end of a channel, socket
   * or event pair. Needs SIGNAL_PEER; PEER_CLOSED once that end is gone; NOT_SUPPORTED for an
   * object that has no other end.
   */
  readonly signalPeer: (handle: Handle.Handle, clear: SignalSet, set: SignalSet) => Effect.Effect<void, ZxError>
  /** The object's name (`ZX_PROP_NAME`). */
  readonly getName: (handle: Handle.Handle) => Effect.Effect<string, ZxError>
  /** Sets the object's name, truncated to 31 bytes. Needs SET_PROPERTY. */
  readonly setName: (handle: Handle.Handle, name: string) => Effect.Effect<void, ZxError>
}

/**
 * VMO operations.
 *
 * @since 0.1.0
 * @category models
 */
export interface VmoOps {
  /** A VMO of `size` bytes (rounded up to pages), zero-filled. `options`: `VmoOption.RESIZABLE`. */
  readonly create: (size: number, options?: number) => Effect.Effect<Handle.Vmo, ZxError, Scope.Scope>
  /** A VMO holding `bytes`, named `name`, with EXECUTE added when `executable` (as a loader hands out). */
  readonly fromBytes: (
    bytes: Uint8Array,
    options?: { readonly name?: string; readonly executable?: boolean }
  ) => Effect.Effect<Handle.Vmo, ZxError, Scope.Scope>
  /** Reads `length` bytes at `offset`. Needs READ; OUT_OF_RANGE past the size. */
  readonly read: (vmo: Handle.Vmo, offset: number, length: number) => Effect.Effect<Uint8Array, ZxError>
  /** Writes `bytes` at `offset`. Needs WRITE; OUT_OF_RANGE past the size. */
  readonly write: (vmo: Handle.Vmo, offset: number, bytes: Uint8Array) => Effect.Effect<void, ZxError>
  /** The size in bytes (a whole number of pages). */
  readonly getSize: (vmo: Handle.Vmo) => Effect.Effect<number, ZxError>
  /** The byte size the VMO was created or last resized with. */
  readonly getContentSize: (vmo: Handle.Vmo) => Effect.Effect<number, ZxError>
  /** Resizes a resizable VMO. Needs WRITE and RESIZE; UNAVAILABLE for a fixed-size VMO. */
  readonly setSize: (vmo: Handle.Vmo, size: number) => Effect.Effect<void, ZxError>
  /** A copy-on-write child (`VmoChildOption.SNAPSHOT` or `SNAPSHOT_AT_LEAST_ON_WRITE`). Needs DUPLICATE and READ. */
  readonly createChild: (
    vmo: Handle.Vmo,
    options: number,
    offset: number,
    size: number
  ) => Effect.Effect<Handle.Vmo, ZxError, Scope.Scope>
  /**
   * Consumes the handle and returns one with EXECUTE added. With `vmex` it must be the vmex
   * resource (WRONG_TYPE, ACCESS_DENIED); without, the host is trusted as the kernel's own loader.
   */
  readonly replaceAsExecutable: (
    vmo: Handle.Vmo,
    vmex?: Handle.Resource
  ) => Effect.Effect<Handle.Vmo, ZxError, Scope.Scope>
}

/**
 * VMAR operations.
 *
 * @since 0.1.0
 * @category models
 */
export interface VmarOps {
  /** A child VMAR of `size` bytes; with `VmOption.SPECIFIC` at `offset` from the parent's base, else placed at random. */
  readonly allocate: (
    parent: Handle.Vmar,
    options: number,
    offset: number,
    size: number
  ) => Effect.Effect<{ readonly vmar: Handle.Vmar; readonly base: number }, ZxError, Scope.Scope>
  /** Maps `len` bytes of `vmo` from `vmoOffset`; returns the address. */
  readonly map: (
    vmar: Handle.Vmar,
    options: number,
    vmarOffset: number,
    vmo: Handle.Vmo,
    vmoOffset: number,
    len: number
  ) => Effect.Effect<number, ZxError>
  /** Unmaps mappings and destroys child VMARs in the range. */
  readonly unmap: (vmar: Handle.Vmar, address: number, len: number) => Effect.Effect<void, ZxError>
  /** Changes the permissions of the mapped range. */
  readonly protect: (vmar: Handle.Vmar, options: number, address: number, len: number) => Effect.Effect<void, ZxError>
  /** Destroys the VMAR and everything in it; later calls on it fail BAD_STATE. */
  readonly destroy: (vmar: Handle.Vmar) => Effect.Effect<void, ZxError>
  /** The VMAR's base and length. */
  readonly info: (vmar: Handle.Vmar) => Effect.Effect<VmarInfo, ZxError>
  /** Every VMAR and mapping below this one, depth first, in address order. */
  readonly regions: (vmar: Handle.Vmar) => Effect.Effect<ReadonlyArray<RegionInfo>, ZxError>
}

/**
 * Channel operations.
 *
 * @since 0.1.0
 * @category models
 */
export interface ChannelOps {
  /** A connected pair of endpoints. */
  readonly create: () => Effect.Effect<readonly [Handle.Channel, Handle.Channel], ZxError, Scope.Scope>
  /**
   * Writes a message: at most 65,536 bytes and 64 handles (OUT_OF_RANGE). The handles move into
   * the message and are consumed even when the write fails.
   */
  readonly write: (
    channel: Handle.Channel,
    bytes: Uint8Array,
    handles?: ReadonlyArray<Handle.Handle>
  ) => Effect.Effect<void, ZxError>
  /** Reads the next message: SHOULD_WAIT when none is queued, PEER_CLOSED when none ever will be. */
  readonly read: (
    channel: Handle.Channel,
    limits?: ChannelReadLimits
  ) => Effect.Effect<ChannelMessage, ZxError, Scope.Scope>
}

/**
 * Socket operations.
 *
 * @since 0.1.0
 * @category models
 */
export interface SocketOps {
  /** A connected pair of stream sockets. */
  readonly create: () => Effect.Effect<readonly [Handle.Socket, Handle.Socket], ZxError, Scope.Scope>
  /** Writes as much as fits; returns the count. SHOULD_WAIT when full, PEER_CLOSED when the peer is gone. */
  readonly write: (socket: Handle.Socket, bytes: Uint8Array) => Effect.Effect<number, ZxError>
  /** Reads up to `max` bytes. SHOULD_WAIT when empty, PEER_CLOSED when empty for good. */
  readonly read: (socket: Handle.Socket, max: number) => Effect.Effect<Uint8Array, ZxError>
}

/**
 * Event operations.
 *
 * @since 0.1.0
 * @category models
 */
export interface EventOps {
  /** An event: an object that is only signals (`EVENT_SIGNALED` and the user signals). */
  readonly create: () => Effect.Effect<Handle.Event, ZxError, Scope.Scope>
  /** An event pair: two ends that signal each other (`object.signalPeer`) and see `OBJECT_PEER_CLOSED`. */
  readonly createPair: () => Effect.Effect<readonly [Handle.EventPair, Handle.EventPair], ZxError, Scope.Scope>
}

/**
 * Job operations.
 *
 * @since 0.1.0
 * @category models
 */
export interface JobOps {
  /** A handle to the root job: the default job for processes the host creates. */
  readonly root: () => Effect.Effect<Handle.Job, never, Scope.Scope>
  /** A child job. Needs MANAGE_JOB. */
  readonly create: (parent: Handle.Job) => Effect.Effect<Handle.Job, ZxError, Scope.Scope>
  /**
   * Adds policy entries as `zx_job_set_policy` does: entries are final (a child job cannot change
   * them) unless `override` is `PolicyOverride.ALLOW`; an entry that conflicts with a final one is
   * skipped (`PolicyMode.RELATIVE`, the default) or fails ALREADY_EXISTS (`ABSOLUTE`). All or
   * nothing; BAD_STATE once the job has children or processes. Needs SET_POLICY.
   */
  readonly setPolicy: (
    job: Handle.Job,
    entries: ReadonlyArray<PolicyEntry>,
    mode?: number
  ) => Effect.Effect<void, ZxError>
  /** The job's action and override for a condition (NEW_ANY and unknown conditions read as DENY, final). Needs GET_POLICY. */
  readonly getPolicy: (
    job: Handle.Job,
    condition: number
  ) => Effect.Effect<{ readonly action: number; readonly override: number }, ZxError>
}

/**
 * Process operations.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProcessOps {
  /**
   * A new, unstarted process in `job` and its root VMAR (the riscv64 user range). The name is
   * truncated to 31 bytes. No job policy applies: NEW_PROCESS is checked against the creating
   * process's job, and the host is not a process.
   */
  readonly create: (
    job: Handle.Job,
    name: string,
    options?: number
  ) => Effect.Effect<{ readonly process: Handle.Process; readonly rootVmar: Handle.Vmar }, ZxError, Scope.Scope>
  /**
   * Starts the process's first thread at `entry` with stack pointer `stack`; `arg1` moves into the
   * process (its value lands in a0) and `arg2` lands in a1. BAD_STATE once started.
   */
  readonly start: (
    process: Handle.Process,
    thread: Handle.Thread,
    entry: number,
    stack: number,
    arg1: Handle.Handle | null,
    arg2: number
  ) => Effect.Effect<void, ZxError>
  /** Return code, start time and STARTED/EXITED flags. */
  readonly info: (process: Handle.Process) => Effect.Effect<ProcessInfo, ZxError>
  /** The report of the unhandled exception that killed the process, if that is how it ended. */
  readonly crashReport: (process: Handle.Process) => Effect.Effect<Option.Option<ExceptionReport>, ZxError>
  /** Reads the process's memory, ignoring mapping permissions (like a debugger). */
  readonly readMemory: (process: Handle.Process, address: number, length: number) => Effect.Effect<Uint8Array, ZxError>
  /** Writes the process's memory, ignoring mapping permissions (like a debugger). */
  readonly writeMemory: (process: Handle.Process, address: number, bytes: Uint8Array) => Effect.Effect<void, ZxError>
}

/**
 * Thread operations.
 *
 * @since 0.1.0
 * @category models
 */
export interface ThreadOps {
  /** A new, unstarted thread in the process. Needs MANAGE_THREAD. */
  readonly create: (process: Handle.Process, name: string) => Effect.Effect<Handle.Thread, ZxError, Scope.Scope>
  /**
   * The registers of a thread stopped in an exception, as `zx_thread_read_state` gives them
   * (`ThreadStateKind.GENERAL_REGS` or `FP_REGS`). Needs READ; BAD_STATE when not in an exception.
   */
  readonly readState: (thread: Handle.Thread, kind: number) => Effect.Effect<Uint8Array, ZxError>
  /** Writes the registers of a thread stopped in an exception (the same layouts). Needs WRITE. */
  readonly writeState: (thread: Handle.Thread, kind: number, bytes: Uint8Array) => Effect.Effect<void, ZxError>
  /** The report of the exception the thread is stopped in. Needs INSPECT; BAD_STATE when none. */
  readonly exceptionReport: (thread: Handle.Thread) => Effect.Effect<ExceptionReport, ZxError>
}

/**
 * Operations on an exception read from an exception channel.
 *
 * @since 0.1.0
 * @category models
 */
export interface ExceptionOps {
  /** The thread stopped in the exception. */
  readonly thread: (exception: Handle.Exception) => Effect.Effect<Handle.Thread, ZxError, Scope.Scope>
  /** Its process (ACCESS_DENIED when the exception came through the thread's own channel). */
  readonly process: (exception: Handle.Exception) => Effect.Effect<Handle.Process, ZxError, Scope.Scope>
  /** The exception's state (`ExceptionState`): what closing its last handle does. */
  readonly getState: (exception: Handle.Exception) => Effect.Effect<number, ZxError>
  /** Sets the state: TRY_NEXT, HANDLED or THREAD_EXIT (INVALID_ARGS otherwise). Needs SET_PROPERTY. */
  readonly setState: (exception: Handle.Exception, state: number) => Effect.Effect<void, ZxError>
  /** The full report: type, pc, fault address, registers. */
  readonly report: (exception: Handle.Exception) => Effect.Effect<ExceptionReport, ZxError>
  /** Decodes an exception channel message's bytes (`zx_exception_info_t`); INVALID_ARGS when malformed. */
  readonly decodeInfo: (bytes: Uint8Array) => Effect.Effect<ExceptionInfo, ZxError>
}

/**
 * Resource operations.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResourceOps {
  /**
   * A handle to the vmex resource, which `zx_vmo_replace_as_executable` needs to make a VMO
   * executable. The host hands it only to trusted loaders (the process builder passes it to
   * ld.so.1 as `PA_VMEX_RESOURCE`).
   */
  readonly vmex: () => Effect.Effect<Handle.Resource, never, Scope.Scope>
}

/**
 * Task operations.
 *
 * @since 0.1.0
 * @category models
 */
export interface TaskOps {
  /** Kills a process (return code -1024), a thread, or a job and everything in it. Needs DESTROY. */
  readonly kill: (task: Handle.Task) => Effect.Effect<void, ZxError>
  /**
   * The CPU time (ns) a thread has run, or all the threads of a process or a job have, ended ones
   * included (what `ZX_INFO_TASK_RUNTIME` reports). Needs INSPECT.
   */
  readonly runtime: (task: Handle.Task) => Effect.Effect<bigint, ZxError>
  /**
   * Binds an exception channel to the task and returns the handler's end: each exception the task
   * (or a thread below it) takes arrives as a `zx_exception_info_t` and an exception handle, and
   * the thread waits until that handle is closed. ALREADY_BOUND while another live channel is
   * bound; `debugger` binds a process's debugger channel, offered before all others.
   */
  readonly createExceptionChannel: (
    task: Handle.Task,
    options?: { readonly debugger?: boolean }
  ) => Effect.Effect<Handle.Channel, ZxError, Scope.Scope>
}

/**
 * The kernel's service interface.
 *
 * @since 0.1.0
 * @category models
 */
export interface KernelShape {
  readonly handle: HandleOps
  readonly object: ObjectOps
  readonly vmo: VmoOps
  readonly vmar: VmarOps
  readonly channel: ChannelOps
  readonly socket: SocketOps
  readonly event: EventOps
  readonly job: JobOps
  readonly process: ProcessOps
  readonly thread: ThreadOps
  readonly task: TaskOps
  readonly exception: ExceptionOps
  readonly resource: ResourceOps
  /** A handle to the system vDSO (`libzircon.so`): read and execute rights, as the builder needs. */
  readonly systemVdso: () => Effect.Effect<Handle.Vmo, ZxError, Scope.Scope>
  /** Monotonic time in nanoseconds; never 0. */
  readonly monotonic: Effect.Effect<bigint>
  /** Live objects, handles and committed frames. */
  readonly stats: Effect.Effect<KernelStats>
  /** Syscalls handled and slices run, with the CPU's own counters. */
  readonly executionStats: Effect.Effect<ExecutionStats>
  /** How physical memory is used and how far the backing memory has grown. */
  readonly memoryStats: Effect.Effect<MemoryStats>
}

/**
 * The kernel service's tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class Kernel extends Context.Tag("@zxsim/kernel/Kernel")<Kernel, KernelShape>() {}

/**
 * How a kernel is set up.
 *
 * @since 0.1.0
 * @category models
 */
export interface KernelOptions {
  /**
   * Bytes of physical memory: VMO pages, register files (1 KiB a thread) and address-space roots
   * (4 KiB a process) together; beyond it calls fail NO_MEMORY. Default 1 GiB.
   */
  readonly memoryBytes?: number
}

/**
 * Makes a kernel whose lifetime is the current scope: when the scope closes, every process is
 * killed and every guest fiber interrupted. Address-space placement and handle values draw on
 * Effect's `Random` (seed it for reproducible layouts); time comes from Effect's `Clock` (a
 * `TestClock` drives deadlines and sleeps). Guest threads run on the `Cpu` found in the context;
 * without one, a started process is marked running but its thread never executes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: KernelOptions): Effect.Effect<KernelShape, never, Scope.Scope> => internal.make(options)

/**
 * The in-memory kernel as a layer. Provide a `Cpu` layer to it to run guests.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Kernel> = Layer.scoped(Kernel, make())

/**
 * {@link layer} with options.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith = (options: KernelOptions): Layer.Layer<Kernel> => Layer.scoped(Kernel, make(options))
