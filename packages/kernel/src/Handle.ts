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

/** Identifies {@link Handle} values. */
export const TypeId: unique symbol = Symbol.for("@zxsim/kernel/Handle")
/** The type of {@link TypeId}. */
export type TypeId = typeof TypeId

/** A host-side handle to a kernel object of type `T`. */
export interface Handle<out T extends ObjectTypeName = ObjectTypeName> extends Pipeable, Inspectable {
  readonly [TypeId]: { readonly _T: Types.Covariant<T> }
}

/** A handle to a virtual memory object. */
export type Vmo = Handle<"VMO">
/** A handle to a virtual memory address region. */
export type Vmar = Handle<"VMAR">
/** A handle to one endpoint of a channel. */
export type Channel = Handle<"CHANNEL">
/** A handle to one endpoint of a socket. */
export type Socket = Handle<"SOCKET">
/** A handle to a process. */
export type Process = Handle<"PROCESS">
/** A handle to a thread. */
export type Thread = Handle<"THREAD">
/** A handle to a job. */
export type Job = Handle<"JOB">
/** A handle to an event. */
export type Event = Handle<"EVENT">
/** One end of an event pair. */
export type EventPair = Handle<"EVENTPAIR">
/** A handle to a resource (the vmex resource). */
export type Resource = Handle<"RESOURCE">
/** A handle to an exception a handler read from an exception channel. */
export type Exception = Handle<"EXCEPTION">
/** A process or a thread or a job: something `task.kill` accepts. */
export type Task = Handle<"PROCESS" | "THREAD" | "JOB">

/** @internal */
export class HandleImpl implements Handle<never> {
  declare readonly [TypeId]: { readonly _T: Types.Covariant<never> }
  constructor(
    /** The kernel handle, or null for {@link invalid}. */
    readonly ref: HandleRef | null,
    readonly kernel: KernelState | null
  ) {}

  pipe() {
    return pipeArguments(this, arguments)
  }

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

  toString() {
    return JSON.stringify(this.toJSON())
  }

  [NodeInspectSymbol]() {
    return this.toJSON()
  }
}
Object.defineProperty(HandleImpl.prototype, TypeId, { value: { _T: (_: never) => _ } })

/**
 * The invalid handle (`ZX_HANDLE_INVALID`). Passing it where a handle is required fails with
 * BAD_HANDLE; the process builder refuses it with its BadHandle error, as the Rust crate does.
 */
export const invalid: Handle<never> = new HandleImpl(null, null)

/** Whether a value is a {@link Handle}. */
export const isHandle = (u: unknown): u is Handle => u instanceof HandleImpl

/** Whether the handle is the invalid handle (`ZX_HANDLE_INVALID`). */
export const isInvalid = (handle: Handle): boolean => (handle as HandleImpl).ref === null

/** Whether the host can still use the handle: not invalid, not closed, not moved away. */
export const isLive = (handle: Handle): boolean => {
  const h = handle as HandleImpl
  return h.ref !== null && h.kernel !== null && !h.ref.dead && h.ref.owner === h.kernel.hostTable
}

/** @internal */
export const refOf = (handle: Handle): HandleRef | null => (handle as HandleImpl).ref

/** The type of the object a live or dead handle refers to, or undefined for the invalid handle. */
export const typeOf = (handle: Handle): ObjectTypeName | undefined => {
  const ref = (handle as HandleImpl).ref
  if (ref === null) return undefined
  return ObjectTypes.names.find((n) => ObjectTypes.ObjectType[n] === ref.object.type)
}

/**
 * The handle as a handle to a `type` object, if that is what it refers to: for handles whose type
 * is only known at run time (read from a channel, passed in a startup handle list).
 */
export const narrow = <T extends ObjectTypeName>(handle: Handle, type: T): Handle<T> | undefined =>
  typeOf(handle) === type ? (handle as Handle<T>) : undefined
