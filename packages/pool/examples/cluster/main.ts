/**
 * The localhost guest cluster: `npm run cluster -- [--runners 3] [--runs 1000] [--kill-one]`
 * starts that many runner processes sharing a SQLite database in a temporary directory, submits
 * the runs from this process as a cluster client (64 in flight), checks every result and prints
 * the throughput. With `--kill-one`, one runner is killed (SIGKILL) a third of the way through:
 * its shards move to the others and its unanswered runs are delivered again, and every run must
 * still come back right. With `--write`, every fifth run writes a file into a mounted directory:
 * such a run that was cut short by the kill is not run again and comes back "Interrupted" (see
 * GuestCluster). Exits 1 if any run came back wrong, 0 otherwise.
 */
import { NodeRuntime } from "@effect/platform-node"
import { RunFailed } from "@zxsim/pool/GuestRun"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { startRunners, submit } from "./fleet.js"
import { option } from "./options.js"
import { job } from "./workload.js"

const runners = Number(option("runners") ?? 3)
const runs = Number(option("runs") ?? 1000)
const killOne = process.argv.includes("--kill-one")
const write = process.argv.includes("--write")

Effect.gen(function*() {
  const dir = yield* Effect.acquireRelease(
    Effect.sync(() => mkdtempSync(join(tmpdir(), "zxsim-cluster-"))),
    (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
  )
  const db = join(dir, "cluster.db")
  const writeDir = join(dir, "out")
  mkdirSync(writeDir)
  yield* Console.log(`starting ${runners} runners (database ${db})`)
  const fleet = yield* startRunners({ db, count: runners })
  yield* Console.log(`runners on ports ${fleet.map((r) => r.port).join(", ")}; submitting ${runs} runs`)
  const victim = fleet[fleet.length - 1]
  const report = yield* submit({
    db,
    jobs: Array.from({ length: runs }, (_, i) => job(i, write ? { writeDir } : {})),
    concurrency: 64,
    onResult: (done) =>
      killOne && done === Math.floor(runs / 3)
        ? Effect.zipRight(victim.kill, Console.log(`killed the runner on port ${victim.port} after ${done} results`))
        : done % 100 === 0
        ? Console.log(`${done} results`)
        : Effect.void
  })
  // A run with a read-write mount whose runner was killed under it is not run again: its reply says so.
  const interruptedRuns = new Set(
    report.results.flatMap((r, i) => r instanceof RunFailed && r.reason === "Interrupted" ? [`run ${i}:`] : [])
  )
  const interrupted = interruptedRuns.size
  const problems = report.problems.filter((p) => !interruptedRuns.has(p.slice(0, p.indexOf(":") + 1)))
  for (const problem of problems) yield* Console.error(problem)
  yield* Console.log(
    `${runs - report.problems.length} of ${runs} runs right, ${interrupted} interrupted, in ${
      report.seconds.toFixed(1)
    } s (${(runs / report.seconds).toFixed(0)} runs/s)`
  )
  return problems.length === 0 ? 0 : 1
}).pipe(
  Effect.scoped,
  // Node exits by itself once the runners are stopped and the client's scope is closed: nothing
  // of the fleet or the client is left open (the cluster test checks that it does).
  Effect.flatMap((code) => Effect.sync(() => process.exitCode = code)),
  NodeRuntime.runMain
)
