import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Status } from "@zxsim/kernel/Status"

const withKernel = <A, E>(self: Effect.Effect<A, E, Kernel.Kernel | import("effect/Scope").Scope>) =>
  Effect.scoped(self).pipe(Effect.provide(Kernel.layer))

describe("Vmo", () => {
  it.effect("reads back what was written, zeros elsewhere", () =>
    withKernel(Effect.gen(function*() {
      const k = yield* Kernel.Kernel
      const vmo = yield* k.vmo.create(10_000)
      assert.strictEqual(yield* k.vmo.getSize(vmo), 12_288)
      yield* k.vmo.write(vmo, 4095, new Uint8Array([1, 2, 3]))
      assert.deepStrictEqual(Array.from(yield* k.vmo.read(vmo, 4094, 5)), [0, 1, 2, 3, 0])
    })))

  it.effect("refuses reads past the end with OUT_OF_RANGE", () =>
    withKernel(Effect.gen(function*() {
      const k = yield* Kernel.Kernel
      const vmo = yield* k.vmo.create(4096)
      const error = yield* Effect.flip(k.vmo.read(vmo, 4000, 200))
      assert.strictEqual(error.status, Status.OUT_OF_RANGE)
    })))
})
