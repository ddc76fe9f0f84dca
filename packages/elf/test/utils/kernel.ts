/**
 * Kernel helpers for the elf tests: a fresh kernel per test, wrapped kernels that count reads or
 * inject failures, and a process to load into.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import type * as Handle from "@zxsim/kernel/Handle"
import * as Kernel from "@zxsim/kernel/Kernel"

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
export const imageVmo = (bytes: Uint8Array, name = "image"): Effect.Effect<Handle.Vmo, never, Kernel.Kernel | Scope.Scope> =>
  Effect.flatMap(Kernel.Kernel, (kernel) => Effect.orDie(kernel.vmo.fromBytes(bytes, { name, executable: true })))

/** The kernel's statistics. */
export const stats = Effect.flatMap(Kernel.Kernel, (kernel) => kernel.stats)
