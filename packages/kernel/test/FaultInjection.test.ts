import { assert, describe, it } from "@effect/vitest"
import * as FaultInjection from "@zxsim/kernel/FaultInjection"
import * as Kernel from "@zxsim/kernel/Kernel"
import { Status } from "@zxsim/kernel/Status"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/** Makes a VMO, a VMAR child of a new process, and maps one into the other. */
const workload = Effect.gen(function*() {
  const k = yield* Kernel.Kernel
  const job = yield* k.job.root()
  const { rootVmar } = yield* k.process.create(job, "fi")
  const vmo = yield* k.vmo.create(4096)
  const { vmar } = yield* k.vmar.allocate(rootVmar, 0x80 | 0x100, 0, 65536)
  return yield* k.vmar.map(vmar, 0x1 | 0x2, 0, vmo, 0, 4096)
}).pipe(Effect.scoped)

describe("FaultInjection", () => {
  it.effect("counts every kernel call, then fails exactly the chosen one", () =>
    Effect.gen(function*() {
      const counting = FaultInjection.recorder()
      yield* workload.pipe(
        Effect.provide(FaultInjection.layer({ status: Status.NO_MEMORY }, counting).pipe(Layer.provide(Kernel.layer)))
      )
      assert.deepStrictEqual(counting.calls, ["job.root", "process.create", "vmo.create", "vmar.allocate", "vmar.map"])
      for (let i = 1; i <= counting.calls.length; i++) {
        const record = FaultInjection.recorder()
        const error = yield* workload.pipe(
          Effect.provide(
            FaultInjection.layer({ failAt: i, status: Status.NO_MEMORY }, record).pipe(Layer.provide(Kernel.layer))
          ),
          Effect.flip
        )
        assert.strictEqual(record.injected, counting.calls[i - 1])
        assert.strictEqual(error.status, Status.NO_MEMORY)
      }
    }))

  it.effect("leaves the kernel's counters untouched and uncounted", () =>
    Effect.gen(function*() {
      const record = FaultInjection.recorder()
      const stats = yield* Effect.flatMap(Kernel.Kernel, (k) => k.stats).pipe(
        Effect.provide(
          FaultInjection.layer({ failAt: 1, status: Status.INTERNAL }, record).pipe(Layer.provide(Kernel.layer))
        )
      )
      assert.strictEqual(stats.handles, 0)
      assert.deepStrictEqual(record.calls, [])
    }))
})
