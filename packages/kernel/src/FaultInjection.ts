/**
 * A fault-injecting kernel: wraps the `Kernel` in the context so that one chosen call fails with a
 * chosen status, and records every call made. Tests use it to walk every kernel call a piece of
 * code makes (first run counting, then one run per call with that call failing) and check the
 * code fails with the right error and leaves nothing behind. It is the library's example of
 * swapping a service layer in tests.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Kernel, type KernelShape } from "./Kernel.js"
import { ZxError } from "./ZxError.js"

/**
 * What to break: the `failAt`-th kernel call (1-based), or none when undefined, with `status`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Plan {
  readonly failAt?: number
  readonly status: number
  /** Only count calls whose name passes this test (all calls by default). */
  readonly only?: (operation: string) => boolean
}

/**
 * A record of the calls a run made, and whether the planned failure happened.
 *
 * @since 0.1.0
 * @category models
 */
export interface Recorder {
  /** Names of counted calls in order, such as "vmo.create" or "vmar.allocate". */
  readonly calls: Array<string>
  /** The name of the call that was made to fail, once it has been. */
  injected: string | undefined
}

/**
 * A new, empty recorder.
 *
 * @since 0.1.0
 * @category utils
 */
export const recorder = (): Recorder => ({ calls: [], injected: undefined })

/** Operations that are not kernel calls (reads of the kernel's own counters) and are never failed. */
const passive = new Set(["stats", "executionStats", "memoryStats", "monotonic"])

/**
 * Wraps a kernel so that calls are counted into `record` and the planned one fails.
 *
 * @since 0.1.0
 * @category utils
 */
export const wrap = (kernel: KernelShape, plan: Plan, record: Recorder): KernelShape => {
  /** A kernel call that counts itself and fails when it is the planned one. */
  const counted = (operation: string, call: (...args: Array<unknown>) => unknown) => (...args: Array<unknown>) =>
    Effect.suspend(() => {
      if (plan.only !== undefined && !plan.only(operation)) return toEffect(call(...args))
      record.calls.push(operation)
      if (plan.failAt !== undefined && record.calls.length === plan.failAt) {
        record.injected = operation
        return Effect.fail(new ZxError({ status: plan.status, operation: `${operation} (injected)` }))
      }
      return toEffect(call(...args))
    })
  // Proxies keep the kernel's own type: every call answers as the kernel's does, except that the
  // planned one fails with a ZxError, which any kernel call may.
  const group = <G extends object>(name: string, ops: G): G =>
    new Proxy(ops, {
      get: (target, key, receiver) => {
        const value: unknown = Reflect.get(target, key, receiver)
        return typeof value === "function" ? counted(`${name}.${String(key)}`, value.bind(target)) : value
      }
    })
  return new Proxy(kernel, {
    get: (target, key, receiver) => {
      const value: unknown = Reflect.get(target, key, receiver)
      const name = String(key)
      if (passive.has(name) || Effect.isEffect(value)) return value
      if (typeof value === "function") return counted(name, value.bind(target))
      if (typeof value === "object" && value !== null) return group(name, value)
      return value
    }
  })
}

const toEffect = (value: unknown): Effect.Effect<unknown, unknown, unknown> =>
  Effect.isEffect(value) ? value : Effect.succeed(value)

/**
 * A layer replacing the `Kernel` in its input with a fault-injecting wrapper of it. Build the real
 * kernel first, then this on top: `FaultInjection.layer(plan, record).pipe(Layer.provide(Kernel.layer))`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (plan: Plan, record: Recorder): Layer.Layer<Kernel, never, Kernel> =>
  Layer.effect(Kernel, Effect.map(Kernel, (kernel) => wrap(kernel, plan, record)))
