import { assert, describe, it } from "@effect/vitest"
import * as Kernel from "@zxsim/kernel/Kernel"
import * as Effect from "effect/Effect"
import { ExecutableCache } from "../src/internal/executables.js"

const koidOf = (k: Kernel.KernelShape, handle: Parameters<Kernel.KernelShape["handle"]["info"]>[0]) =>
  Effect.map(k.handle.info(handle), (info) => info.koid)

describe("the runner's executable cache", () => {
  it.scoped("one VMO per program content, the least recently run dropped past capacity, none left after clear", () =>
    Effect.gen(function*() {
      const k = yield* Kernel.make({})
      const before = yield* k.stats
      const cache = new ExecutableCache(k, 2)
      const program = (n: number) => new Uint8Array(4096).fill(n)
      const koid = (n: number, name = "p") =>
        Effect.scoped(Effect.flatMap(cache.get(program(n), name), (vmo) => koidOf(k, vmo)))
      const first = yield* koid(1)
      // The same bytes (another array) and name: the same VMO; another name or other bytes: another.
      assert.strictEqual(yield* koid(1), first)
      const renamed = yield* koid(1, "q")
      assert.notStrictEqual(renamed, first)
      // Capacity 2: p(1) was run before q(1); a third program drops p(1), so it comes back anew.
      const other = yield* koid(2)
      assert.notStrictEqual(other, first)
      assert.notStrictEqual(yield* koid(1), first)
      yield* cache.clear
      assert.deepStrictEqual(yield* k.stats, before)
    }))
})
