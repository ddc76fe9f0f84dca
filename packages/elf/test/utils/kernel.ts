/**
 * Kernel helpers for the elf tests: a fresh kernel per test, wrapped kernels that count reads or
 * inject failures, and a process to load into.
 */
import { assert } from "@effect/vitest"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Runtime from "effect/Runtime"
import type * as Scope from "effect/Scope"

/** Runs a scoped test body against a fresh kernel (default options, or `layer`). */
export const withKernel = <A, E>(
  self: Effect.Effect<A, E, Kernel.Kernel | Scope.Scope>,
  layer: Layer.Layer<Kernel.Kernel> = Kernel.layer
): Effect.Effect<A, E> => Effect.scoped(self).pipe(Effect.provide(layer))

/** A fresh kernel whose service is `wrap` applied to the real one. */
export const wrappedKernel = (
  wrap: (kernel: Kernel.KernelShape) => Kernel.KernelShape,
  options: Kernel.KernelOptions = {}
): Layer.Layer<Kernel.Kernel> =>
  Layer.effect(Kernel.Kernel, Effect.map(Kernel.Kernel, wrap)).pipe(Layer.provide(Kernel.layerWith(options)))

/** Counts of `vmo.read` calls and bytes. */
export interface ReadCounter {
  calls: number
  bytes: number
}

/** A fresh kernel that counts every `vmo.read` into `counter`. */
export const countingKernel = (counter: ReadCounter): Layer.Layer<Kernel.Kernel> =>
  wrappedKernel((kernel) => ({
    ...kernel,
    vmo: {
      ...kernel.vmo,
      read: (vmo, offset, length) => {
        counter.calls++
        counter.bytes += length
        return kernel.vmo.read(vmo, offset, length)
      }
    }
  }))

/** A process in the root job and its root VMAR, to load images into. */
export const makeProcess = (name = "elf-test"): Effect.Effect<
  { readonly process: Handle.Process; readonly rootVmar: Handle.Vmar },
  never,
  Kernel.Kernel | Scope.Scope
> =>
  Effect.gen(function*() {
    const kernel = yield* Kernel.Kernel
    const job = yield* kernel.job.root()
    return yield* Effect.orDie(kernel.process.create(job, name))
  })

/** A VMO holding `bytes`, named, readable and executable (as a loader hands out). */
export const imageVmo = (
  bytes: Uint8Array,
  name = "image"
): Effect.Effect<Handle.Vmo, never, Kernel.Kernel | Scope.Scope> =>
  Effect.flatMap(Kernel.Kernel, (kernel) => Effect.orDie(kernel.vmo.fromBytes(bytes, { name, executable: true })))

/** The kernel's statistics. */
export const stats = Effect.flatMap(Kernel.Kernel, (kernel) => kernel.stats)

/** Whether two statistics snapshots are equal (cheaper than a deep assertion in a hot loop). */
export const sameStats = (a: Kernel.KernelStats, b: Kernel.KernelStats): boolean => {
  if (a.handles !== b.handles || a.committedFrames !== b.committedFrames || a.runningProcesses !== b.runningProcesses) {
    return false
  }
  for (const key of Object.keys(a.objects)) if (a.objects[key] !== b.objects[key]) return false
  return true
}

/** How {@link checkWithKernel} runs. */
export interface CheckOptions {
  readonly numRuns: number
  readonly seed: number
  /** Runs between returns to the event loop (so the test runner stays responsive). */
  readonly chunk?: number
  readonly layer?: Layer.Layer<Kernel.Kernel>
}

/**
 * Checks a fast-check property whose body is an Effect, all runs against one kernel (creating a
 * kernel per run costs more than the run). `setup` runs once, in the test's scope; each run is
 * scoped, and afterwards the kernel's statistics must be back where they were before it. Runs go
 * in chunks of `chunk` (each chunk its own seed, derived from `seed`), returning to the event loop
 * between chunks.
 */
export const checkWithKernel = <S, T>(
  setup: Effect.Effect<S, unknown, Kernel.Kernel | Scope.Scope>,
  arbitrary: FastCheck.Arbitrary<T>,
  body: (value: T, shared: S) => Effect.Effect<void, unknown, Kernel.Kernel | Scope.Scope>,
  options: CheckOptions
): Effect.Effect<void, unknown> =>
  withKernel(
    Effect.gen(function*() {
      const kernel = yield* Kernel.Kernel
      const shared = yield* setup
      const run = Runtime.runSync(yield* Effect.runtime<Kernel.Kernel>())
      const chunk = options.chunk ?? options.numRuns
      for (let done = 0, round = 0; done < options.numRuns; round++) {
        const numRuns = Math.min(chunk, options.numRuns - done)
        FastCheck.assert(
          FastCheck.property(arbitrary, (value) =>
            run(Effect.gen(function*() {
              const before = yield* kernel.stats
              yield* Effect.scoped(body(value, shared))
              const after = yield* kernel.stats
              if (!sameStats(before, after)) {
                assert.deepStrictEqual(after, before, "kernel statistics are back to where they were")
              }
            }))),
          { numRuns, seed: options.seed + round }
        )
        done += numRuns
        yield* Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))
      }
    }),
    options.layer
  )
