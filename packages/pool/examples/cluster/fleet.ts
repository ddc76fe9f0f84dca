/**
 * Starting and stopping a localhost fleet for the cluster example and its tests: runner
 * processes (plain Node running the bundled runner.ts) on free ports, sharing one SQLite file,
 * and submitting a workload through a cluster client.
 */
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as SqlClient from "@effect/sql/SqlClient"
import * as GuestCluster from "@zxsim/pool/GuestCluster"
import type * as GuestRun from "@zxsim/pool/GuestRun"
import { RunFailed as GuestRunFailed } from "@zxsim/pool/GuestRun"
import * as GuestRunner from "@zxsim/pool/GuestRunner"
import * as WorkerBundle from "@zxsim/pool/WorkerBundle"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { type ChildProcess, spawn } from "node:child_process"
import { createServer } from "node:net"
import { fileURLToPath } from "node:url"
import type { Job } from "./workload.js"

/** A TCP port nobody listens on now. */
export const freePort: Effect.Effect<number> = Effect.async<number>((resume) => {
  const server = createServer()
  server.listen(0, "localhost", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

/** A runner process of the fleet. */
export interface Runner {
  readonly port: number
  readonly process: ChildProcess
  /** Everything it printed. */
  readonly output: () => string
  /** Kills it at once (SIGKILL): it cannot release its shards or finish its runs. */
  readonly kill: Effect.Effect<void>
}

/**
 * Starts a runner process on a free port with the fleet's database, waits until it has joined
 * (it prints `ready`), and stops it (SIGTERM, then SIGKILL after 5 s) when the scope closes.
 */
export const startRunner = (
  options: { readonly db: string; readonly workers?: number }
): Effect.Effect<Runner, Error, Scope.Scope> =>
  Effect.gen(function*() {
    const script = yield* WorkerBundle.ensure(fileURLToPath(new URL("./runner.ts", import.meta.url)))
    const port = yield* freePort
    const ready = yield* Deferred.make<void, Error>()
    let output = ""
    const child = yield* Effect.acquireRelease(
      Effect.sync(() =>
        spawn(process.execPath, [
          script,
          "--port",
          String(port),
          "--db",
          options.db,
          "--workers",
          String(options.workers ?? 0),
          "--stdin-lifeline"
        ], {
          // The runner leaves when this pipe closes, so it ends with this process even if this one is killed.
          stdio: ["pipe", "pipe", "pipe"]
        })
      ),
      (child) =>
        child.exitCode !== null || child.signalCode !== null
          ? Effect.void
          : Effect.async<void>((resume) => {
            const timer = setTimeout(() => child.kill("SIGKILL"), 5000)
            child.once("exit", () => {
              clearTimeout(timer)
              resume(Effect.void)
            })
            child.kill("SIGTERM")
          })
    )
    const collect = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes(`ready localhost:${port}`)) Deferred.unsafeDone(ready, Effect.void)
    }
    child.stdout?.on("data", collect)
    child.stderr?.on("data", collect)
    child.once("exit", (code, signal) =>
      Deferred.unsafeDone(
        ready,
        Effect.fail(new Error(`runner on port ${port} exited (${code ?? signal}) before it was ready:\n${output}`))
      ))
    yield* Deferred.await(ready).pipe(
      Effect.timeoutFail({
        duration: Duration.minutes(2),
        onTimeout: () => new Error(`runner on port ${port} did not start:\n${output}`)
      })
    )
    return {
      port,
      process: child,
      output: () => output,
      kill: Effect.async<void>((resume) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          return resume(Effect.void)
        }
        child.once("exit", () => resume(Effect.void))
        child.kill("SIGKILL")
      })
    }
  })

/**
 * Starts `count` runners on the database `db` at once. The database is put in WAL mode first, by
 * this process alone: every runner's SQLite client sets WAL mode when it opens, and two processes
 * switching a new database's journal mode at the same moment can fail with "database is locked";
 * on a database already in WAL mode the switch changes nothing and takes no lock.
 */
export const startRunners = (
  options: { readonly db: string; readonly count: number; readonly workers?: number }
): Effect.Effect<ReadonlyArray<Runner>, Error, Scope.Scope> =>
  Effect.gen(function*() {
    yield* Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`SELECT 1`
    }).pipe(
      Effect.provide(SqliteClient.layer({ filename: options.db })),
      Effect.mapError((cause) => new Error(`preparing the database ${options.db} failed: ${cause}`))
    )
    return yield* Effect.all(
      Array.from({ length: options.count }, () => startRunner(options)),
      { concurrency: "unbounded" }
    )
  })

/** What came of a workload. */
export interface Report {
  readonly results: ReadonlyArray<GuestRun.RunResult | GuestRun.RunFailed>
  /** Every wrong result or failure, by run index. */
  readonly problems: ReadonlyArray<string>
  readonly seconds: number
}

/**
 * Submits `jobs` through a cluster client on the fleet's database, `concurrency` at a time,
 * checks every reply, and calls `onResult` after each.
 */
export const submit = (options: {
  readonly db: string
  readonly jobs: ReadonlyArray<Job>
  readonly concurrency: number
  readonly onResult?: (done: number) => Effect.Effect<void>
}): Effect.Effect<Report> =>
  Effect.gen(function*() {
    const runner = yield* GuestRunner.GuestRunner
    const started = performance.now()
    let done = 0
    const results = yield* Effect.forEach(options.jobs, (job) =>
      runner.run(job.request).pipe(
        Effect.merge,
        Effect.tap(() => {
          done++
          return options.onResult?.(done) ?? Effect.void
        })
      ), { concurrency: options.concurrency })
    const problems: Array<string> = []
    results.forEach((result, i) => {
      const problem = result instanceof GuestRunFailed ? `failed: ${result.message}` : options.jobs[i].check(result)
      if (problem !== undefined) problems.push(`run ${i}: ${problem}`)
    })
    return { results, problems, seconds: (performance.now() - started) / 1000 }
  }).pipe(
    Effect.provide(GuestCluster.layerClient({ sharding: GuestCluster.quickFailover })),
    Effect.provide(SqliteClient.layer({ filename: options.db })),
    Effect.orDie
  )
