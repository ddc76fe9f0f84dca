/**
 * One runner process of the localhost guest cluster:
 *
 *   node <bundle of this file> --port 34431 --db /tmp/zxsim-cluster/cluster.db [--host localhost] [--workers N] [--stdin-lifeline]
 *
 * It joins the fleet recorded in the SQLite database, serves the `GuestRun` entity on the shards
 * it holds and runs each guest on its in-process GuestRunner (or, with `--workers N`, on a
 * GuestPool of N worker threads). It prints `ready <host>:<port>` once it has joined, and leaves
 * the fleet cleanly on SIGINT or SIGTERM (a SIGKILL leaves its shards to expire and move), and,
 * with `--stdin-lifeline`, when its stdin closes: the process that started it with a pipe there
 * has ended, however it ended, so no runner outlives its fleet.
 */
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as GuestCluster from "@zxsim/pool/GuestCluster"
import * as GuestPool from "@zxsim/pool/GuestPool"
import * as GuestRunner from "@zxsim/pool/GuestRunner"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { option } from "./options.js"

const host = option("host") ?? "localhost"
const port = Number(option("port") ?? 34431)
const db = option("db")
const workers = Number(option("workers") ?? 0)
const lifeline = process.argv.includes("--stdin-lifeline")
if (db === undefined || !Number.isInteger(port) || !Number.isInteger(workers)) {
  process.stderr.write("usage: runner --port PORT --db FILE [--host HOST] [--workers N]\n")
  process.exit(2)
}

const guests = workers > 0
  ? GuestPool.layer({ size: workers })
  : GuestRunner.layer.pipe(Layer.provide(NodeContext.layer))

const runner = GuestCluster.layerRunner({
  host,
  port,
  sharding: GuestCluster.quickFailover,
  concurrency: Math.max(1, workers)
}).pipe(
  Layer.provide(guests),
  Layer.provide(SqliteClient.layer({ filename: db }))
)

Effect.gen(function*() {
  yield* Layer.build(runner)
  yield* Console.log(`ready ${host}:${port}`)
  if (!lifeline) return yield* Effect.never
  yield* Effect.async<void>((resume) => {
    const closed = () => resume(Effect.void)
    process.stdin.once("close", closed)
    process.stdin.resume()
    return Effect.sync(() => {
      process.stdin.off("close", closed)
      process.stdin.pause()
    })
  })
  yield* Console.log(`stdin closed: leaving the fleet`)
}).pipe(Effect.scoped, NodeRuntime.runMain)
