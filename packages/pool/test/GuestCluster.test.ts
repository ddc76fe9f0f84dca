import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { startRunner, submit } from "../examples/cluster/fleet.js"
import { job } from "../examples/cluster/workload.js"

/** A temporary directory for the fleet's SQLite database, removed with the scope. */
const tempDir = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "zxsim-cluster-test-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)

const jobs = (count: number) => Array.from({ length: count }, (_, i) => job(i))

describe("GuestCluster on localhost", () => {
  it.live(
    "two runner processes sharing SQLite storage answer every run, each rightly",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const db = join(yield* tempDir, "cluster.db")
        yield* Effect.all([startRunner({ db }), startRunner({ db })], { concurrency: "unbounded" })
        const report = yield* submit({ db, jobs: jobs(200), concurrency: 64 })
        assert.deepStrictEqual(report.problems, [])
        assert.strictEqual(report.results.length, 200)
      })),
    240_000
  )

  it.live(
    "a runner killed mid-batch: its shards move, and every run still completes exactly once",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const db = join(yield* tempDir, "cluster.db")
        const fleet = yield* Effect.all([startRunner({ db }), startRunner({ db }), startRunner({ db })], {
          concurrency: "unbounded"
        })
        const victim = fleet[2]
        let killedAt = -1
        const report = yield* submit({
          db,
          jobs: jobs(150),
          concurrency: 48,
          onResult: (done) =>
            done === 40
              ? Effect.zipRight(victim.kill, Effect.sync(() => killedAt = done))
              : Effect.void
        })
        assert.strictEqual(killedAt, 40)
        assert.isNotNull(victim.process.signalCode)
        // One result per submitted run (a run the dead runner had started is run again elsewhere, and
        // answered once), and every one right.
        assert.strictEqual(report.results.length, 150)
        assert.deepStrictEqual(report.problems, [])
      })),
    240_000
  )
})
