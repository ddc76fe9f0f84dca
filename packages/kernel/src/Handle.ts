/**
 * Host-side handles. A `Handle` is the host's reference to a kernel object with some rights, like
 * a `zx::Handle` in Rust: creating one needs a `Scope` and the scope closes it; moving it into a
 * channel message, into another scope or into a started process transfers it, after which this
 * `Handle` is dead and every use fails with BAD_HANDLE. The type parameter names the object type
 * the handle is expected to refer to; kernel calls still check the real type (WRONG_TYPE).
 *
 * @since 0.1.0
 */
import { type Inspectable, NodeInspectSymbol } from "effect/Inspectable"
import { type Pipeable, pipeArguments } from "effect/Pipeable"
import type * as Types from "effect/Types"
import type { HandleRef } from "./internal/object.js"
import type { KernelState } from "./internal/state.js"
import type { ObjectTypeName } from "./ObjectType.js"
import * as ObjectTypes from "./ObjectType.js"

/**
 * Identifies {@link Handle} values.
 *
 * @since 0.1.0
 * @category symbols
 */
export const TypeId: unique symbol = Symbol.for("@zxsim/kernel/Handle")
/**
 * The type of {@link TypeId}.
 *
 * @since 0.1.0
 * @category models
 */
export type TypeId = typeof TypeId

/**
 * A host-side handle to a kernel object of type `T`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Handle<out T extends ObjectTypeName = ObjectTypeName> extends Pipeable, Inspectable {
  readonly [TypeId]: { readonly _T: Types.Covariant<T> }
}

/**
 * A handle to a virtual memory object.
 *
 * @since 0.1.0
 * @category models
 */
export type Vmo = Handle<"VMO">
/**
 * A handle to a virtual memory address region.
 *
 * @since 0.1.0
 * @category models
 */
export type Vmar = Handle<"VMAR">
/**
 * A handle to one endpoint of a channel.
 *
 * @since 0.1.0
 * @category models
 */
export type Channel = Handle<"CHANNEL">
/**
 * A handle to one endpoint of a socket.
 *
 * @since 0.1.0
 * @category models
 */
export type Socket = Handle<"SOCKET">
/**
 * A handle to a process.
 *
 * @since 0.1.0
 * @category models
 */
export type Process = Handle<"PROCESS">
/**
 * A handle to a thread.
 *
 * @since 0.1.0
 * @category models
 */
export type Thread = Handle<"THREAD">
/**
 * A handle to a job.
 *
 * @since 0.1.0
 * @category models
 */
export type Job = Handle<"JOB">
/**
 * A handle to an event.
 *
 * @since 0.1.0
 * @category models
 */
export type Event = Handle<"EVENT">
/**
 * One end of an event pair.
 *
 * @since 0.1.0
 * @category models
 */
export type EventPair = Handle<"EVENTPAIR">
/**
 * A handle to a resource (the vmex resource).
 *
 * @since 0.1.0
 * @category models
 */
export type Resource = Handle<"RESOURCE">
/**
 * A handle to an exception a handler read from an exception channel.
 *
 * @since 0.1.0
 * @category models
 */
export type Exception = Handle<"EXCEPTION">
/**
 * A process or a thread or a job: something `task.kill` accepts.
 *
 * @since 0.1.0
 * @category models
 */
export type Task = Handle<"PROCESS" | "THREAD" | "JOB">

/**
 * @internal
 * @since 0.1.0
 * @category models
 */
export class HandleImpl implements Handle<never> {
  /**
   * @since 0.1.0
   */
  declare readonly [TypeId]: { readonly _T: Types.Covariant<never> }
  constructor(
    /** The kernel handle, or null for {@link invalid}. */
    readonly ref: HandleRef | null,
    readonly kernel: KernelState | null
  ) {}

  /**
   * @since 0.1.0
   */
  pipe() {
    return pipeArguments(this, arguments)
  }

  /**
   * @since 0.1.0
   */
  toJSON() {
    const ref = this.ref
    if (ref === null) return { _id: "Handle", value: "ZX_HANDLE_INVALID" }
    const typeName = ObjectTypes.names.find((n) => ObjectTypes.ObjectType[n] === ref.object.type) ?? "NONE"
    return {
      _id: "Handle",
      type: typeName,
      koid: ref.object.koid,
      rights: `0x${ref.rights.toString(16)}`,
      live: this.kernel !== null && !ref.dead && ref.owner === this.kernel.hostTable
    }
  }

  /**
   * @since 0.1.0
   */
  toString() {
    return JSON.stringify(this.toJSON())
  }

  /**
   * @since 0.1.0
   */
  [NodeInspectSymbol]() {
    return this.toJSON()
  }
}
Object.defineProperty(HandleImpl.prototype, TypeId, { value: { _T: (_: never) => _ } })

/**
 * The invalid handle (`ZX_HANDLE_INVALID`). Passing it where a handle is required fails with
 * BAD_HANDLE; the process builder refuses it with its BadHandle error, as the Rust crate does.
 *
 * @since 0.1.0
 * @category utils
 */
export const invalid: Handle<never> = new HandleImpl(null, null)

/**
 * Whether a value is a {@link Handle}.
 *
 * @since 0.1.0
 * @category guards
 */
export const isHandle = (u: unknown): u is Handle => u instanceof HandleImpl

/**
 * Whether the handle is the invalid handle (`ZX_HANDLE_INVALID`).
 *
 * @since 0.1.0
 * @category guards
 */
export const isInvalid = (handle: Handle): boolean => (handle as HandleImpl).ref === null

/**
 * Whether the host can still use the handle: not invalid, not closed, not moved away.
 *
 * @since 0.1.0
 * @category guards
 */
export const isLive = (handle: Handle): boolean => {
  const h = handle as HandleImpl
  return h.ref !== null && h.kernel !== null && !h.ref.dead && h.ref.owner === h.kernel.hostTable
}

/**
 * @internal
 * @since 0.1.0
 * @category utils
 */
export const refOf = (handle: Handle): HandleRef | null => (handle as HandleImpl).ref

/**
 * The type of the object a live or dead handle refers to, or undefined for the invalid handle.
 *
 * @since 0.1.0
 * @category utils
 */
export const typeOf = (handle: Handle): ObjectTypeName | undefined => {
  const ref = (handle as HandleImpl).ref
  if (ref === null) return undefined
  return ObjectTypes.names.find((n) => ObjectTypes.ObjectType[n] === ref.object.type)
}

/**
 * The handle as a handle to a `type` object, if that is what it refers to: for handles whose type
 * is only known at run time (read from a channel, passed in a startup handle list).
 *
 * @since 0.1.0
 * @category utils
 */
export const narrow = <T extends ObjectTypeName>(handle: Handle, type: T): Handle<T> | undefined =>
  typeOf(handle) === type ? (handle as Handle<T>) : undefined
