import { assert, describe, it } from "@effect/vitest"
import * as WorkerPool from "@zxsim/pool/WorkerPool"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import { fileURLToPath } from "node:url"
import { Die, Echo, ReadData, Spin, type TestRequest } from "./workers/protocol.js"

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

  it.live("inFlight 2: a worker is sent its next request before answering, and answers each in turn", () =>
    Effect.scoped(Effect.gen(function*() {
      const pool = yield* WorkerPool.make<TestRequest>({ entry, size: 1, inFlight: 2 })
      assert.deepStrictEqual(yield* echoes(pool, "f", 12), Array.from({ length: 12 }, (_, i) => `f${i}`))
      const refused = yield* Effect.either(WorkerPool.make<TestRequest>({ entry, size: 1, inFlight: 0 }))
      assert.isTrue(Either.isLeft(refused) && refused.left.reason === "Spawn")
    })))

  it.live("executeOn names the worker that runs the request; onExit names a worker whose thread ended", () =>
    Effect.gen(function*() {
      const exited: Array<number> = []
      const scope = yield* Scope.make()
      const pool = yield* Scope.extend(
        WorkerPool.make<TestRequest>({ entry, size: 2, onExit: (worker) => exited.push(worker) }),
        scope
      )
      const chosen = new Map<string, number>()
      const texts = ["g0", "g1", "g2", "g3"]
      const answers = yield* Effect.forEach(
        texts,
        (text) =>
          pool.executeOn((worker) => {
            chosen.set(text, worker)
            return new Echo({ text: `${text}@${worker}` })
          }),
        { concurrency: "unbounded" }
      )
      assert.deepStrictEqual(answers, texts.map((text) => `${text}@${chosen.get(text)}`))
      let died = -1
      const lost = yield* Effect.either(pool.executeOn((worker) => {
        died = worker
        return new Die()
      }))
      assert.isTrue(Either.isLeft(lost) && lost.left.reason === "WorkerLost")
      // The thread's exit event comes on its own turn of the event loop.
      while (!exited.includes(died)) yield* Effect.sleep("10 millis")
      assert.deepStrictEqual(exited, [died])
      // Both workers serve (the replacement among them), then the pool closes: three threads ended.
      assert.deepStrictEqual(yield* echoes(pool, "h", 2), ["h0", "h1"])
      yield* Scope.close(scope, Exit.void)
      while (exited.length < 3) yield* Effect.sleep("10 millis")
      assert.strictEqual(exited.length, 3)
      assert.strictEqual(new Set(exited).size, 3)
    }))

  it.live("child processes: the same answers, a stuck one stopped at its deadline and replaced, all ended with the pool", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const pool = yield* Scope.extend(
        WorkerPool.make<TestRequest>({
          entry,
          size: 2,
          isolation: "process",
          data: { greeting: "from the pool" },
          deadline: (request) => request._tag === "Spin" ? "300 millis" : "20 seconds"
        }),
        scope
      )
      const [spin, answers] = yield* Effect.all([Effect.either(pool.execute(new Spin())), echoes(pool, "p", 6)], {
        concurrency: "unbounded"
      })
      assert.isTrue(Either.isLeft(spin) && spin.left.reason === "Deadline")
      assert.deepStrictEqual(answers, Array.from({ length: 6 }, (_, i) => `p${i}`))
      assert.strictEqual(yield* pool.replaced, 1)
      // A process has no workerData of its own: the pool's data comes through its environment.
      assert.deepStrictEqual(yield* pool.execute(new ReadData()), JSON.stringify({ greeting: "from the pool" }))
      assert.deepStrictEqual(yield* echoes(pool, "q", 4), ["q0", "q1", "q2", "q3"])
      assert.strictEqual(yield* pool.threads, 2)
      yield* Scope.close(scope, Exit.void)
      assert.strictEqual(yield* pool.threads, 0)
    }))

  it.live("a thread reads the pool's data too", () =>
    Effect.scoped(Effect.gen(function*() {
      const pool = yield* WorkerPool.make<TestRequest>({ entry, size: 1, data: [1, "two"] })
      assert.strictEqual(yield* pool.execute(new ReadData()), JSON.stringify([1, "two"]))
      const bare = yield* WorkerPool.make<TestRequest>({ entry, size: 1 })
      assert.strictEqual(yield* bare.execute(new ReadData()), "undefined")
    })))
})
