import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Scope from "effect/Scope"
import * as Exit from "effect/Exit"
import { fileURLToPath } from "node:url"
import * as WorkerPool from "@zxsim/pool/WorkerPool"
import { Die, Echo, Spin, type TestRequest } from "./workers/protocol.js"

const entry = fileURLToPath(new URL("./workers/testWorker.ts", import.meta.url))

const makePool = WorkerPool.make<TestRequest>({
  entry,
  size: 2,
  deadline: (request) => request._tag === "Spin" ? "300 millis" : "20 seconds"
})

const echoes = (pool: WorkerPool.WorkerPool<TestRequest>, prefix: string, count: number) =>
  Effect.forEach(Array.from({ length: count }, (_, i) => `${prefix}${i}`), (text) => pool.execute(new Echo({ text })), {
    concurrency: "unbounded"
  })

describe("WorkerPool", () => {
  it.live("a worker stuck past its deadline is stopped and replaced; other requests are answered", () =>
    Effect.scoped(Effect.gen(function*() {
      const pool = yield* makePool
      const [spin, answers] = yield* Effect.all([Effect.either(pool.execute(new Spin())), echoes(pool, "a", 8)], {
        concurrency: "unbounded"
      })
      assert.isTrue(Either.isLeft(spin))
      if (Either.isLeft(spin)) assert.strictEqual(spin.left.reason, "Deadline")
      assert.deepStrictEqual(answers, Array.from({ length: 8 }, (_, i) => `a${i}`))
      assert.strictEqual(yield* pool.replaced, 1)
      // Both workers serve again, the replacement among them.
      assert.deepStrictEqual(yield* echoes(pool, "b", 4), ["b0", "b1", "b2", "b3"])
    })))

  it.live("a worker that dies fails only its own request and is replaced", () =>
    Effect.scoped(Effect.gen(function*() {
      const pool = yield* makePool
      const [died, answers] = yield* Effect.all([Effect.either(pool.execute(new Die())), echoes(pool, "c", 6)], {
        concurrency: "unbounded"
      })
      assert.isTrue(Either.isLeft(died))
      if (Either.isLeft(died)) assert.strictEqual(died.left.reason, "WorkerLost")
      assert.deepStrictEqual(answers, Array.from({ length: 6 }, (_, i) => `c${i}`))
      assert.strictEqual(yield* pool.replaced, 1)
      assert.deepStrictEqual(yield* echoes(pool, "d", 4), ["d0", "d1", "d2", "d3"])
    })))

  it.live("closing the pool's scope ends every worker thread, a stuck one too", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const pool = yield* Scope.extend(WorkerPool.make<TestRequest>({ entry, size: 2 }), scope)
      assert.deepStrictEqual(yield* echoes(pool, "e", 2), ["e0", "e1"])
      assert.strictEqual(yield* pool.threads, 2)
      // No deadline: this worker stays stuck until the pool closes.
      const stuck = yield* Effect.fork(pool.execute(new Spin()))
      yield* Effect.sleep("100 millis")
      yield* Scope.close(scope, Exit.void)
      assert.strictEqual(yield* pool.threads, 0)
      yield* Effect.ignore(stuck.await)
    }))
})
