import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as SqlClient from "@effect/sql/SqlClient"
import { assert, describe, it } from "@effect/vitest"
import * as GuestCluster from "@zxsim/pool/GuestCluster"
import * as GuestRun from "@zxsim/pool/GuestRun"
import * as WorkerBundle from "@zxsim/pool/WorkerBundle"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { spawn } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { startRunners, submit } from "../examples/cluster/fleet.js"
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
        yield* startRunners({ db, count: 2 })
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
        const dir = yield* tempDir
        const db = join(dir, "cluster.db")
        const fleet = yield* startRunners({ db, count: 3 })
        const victim = fleet[2]
        let killedAt = -1
        const writeDir = join(dir, "out")
        mkdirSync(writeDir)
        const all = Array.from({ length: 120 }, (_, i) => job(i, { writeDir }))
        const report = yield* submit({
          db,
          jobs: all,
          concurrency: 48,
          onResult: (done) =>
            done === 40
              ? Effect.zipRight(victim.kill, Effect.sync(() => killedAt = done))
              : Effect.void
        })
        assert.strictEqual(killedAt, 40)
        assert.isNotNull(victim.process.signalCode)
        // One reply per submitted run, and every one right: a run the dead runner had started is
        // run again elsewhere — unless it writes into a mounted directory; then it is not started
        // twice (a second start would find its file there and fail) and its reply says so.
        assert.strictEqual(report.results.length, 120)
        const interrupted = report.results.flatMap((r, i) =>
          r instanceof GuestRun.RunFailed && r.reason === "Interrupted" ? [i] : []
        )
        assert.deepStrictEqual(
          report.problems.filter((_, k) => !interrupted.some((i) => report.problems[k].startsWith(`run ${i}:`))),
          []
        )
        for (const i of interrupted) assert.strictEqual(i % 5, 4, `run ${i} is interrupted, but has no effects`)
        // Each interrupted run was started before: the storage counts two attempts or more for at least as many runs.
        const repeated = yield* Effect.gen(function*() {
          const sql = yield* SqlClient.SqlClient
          return yield* sql<{ readonly runs: number }>`
            SELECT COUNT(*) AS runs FROM ${sql(GuestCluster.runsTable)} WHERE attempts > 1`
        }).pipe(Effect.provide(SqliteClient.layer({ filename: db })), Effect.orDie)
        assert.isAtLeast(Number(repeated[0].runs), interrupted.length)
        yield* Effect.logInfo(
          `kill-a-runner: ${Number(repeated[0].runs)} runs started twice, ${interrupted.length} interrupted`
        )
      })),
    240_000
  )

  it.live(
    "the example exits by itself once its runs are done: its client and runners leave nothing open",
    () =>
      Effect.gen(function*() {
        const script = yield* WorkerBundle.ensure(
          fileURLToPath(new URL("../examples/cluster/main.ts", import.meta.url))
        )
        const ended = yield* Effect.async<{ readonly code: number | null; readonly output: string }>((resume) => {
          let output = ""
          const child = spawn(process.execPath, [script, "--runners", "2", "--runs", "40"], {
            stdio: ["ignore", "pipe", "pipe"]
          })
          child.stdout.on("data", (chunk: Buffer) => output += chunk.toString())
          child.stderr.on("data", (chunk: Buffer) => output += chunk.toString())
          child.once("exit", (code) => resume(Effect.succeed({ code, output })))
          // Past the time limit it is killed; its runners follow it (their stdin closes).
          return Effect.sync(() => child.kill("SIGKILL"))
        }).pipe(
          Effect.timeoutFail({
            duration: Duration.seconds(100),
            onTimeout: () => new Error("the example did not exit within 100 s")
          })
        )
        assert.strictEqual(ended.code, 0, ended.output)
        assert.include(ended.output, "40 of 40 runs right")
      }),
    120_000
  )
})
