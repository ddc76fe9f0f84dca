/**
 * Pool benchmark: guest runs per second through `@zxsim/pool`'s GuestPool with one worker thread
 * and with one per core, against the in-process GuestRunner (one kernel in this thread) as the
 * peer, in the same run. Two workloads: a short guest (`exit_code`: build, start, exit — the
 * pool's per-run overhead shows) and a compute guest (`sha256 1`: about 10 million instructions
 * on the JIT). Each side first runs every workload on each of its kernels, so their JIT code and
 * Node's are warm; then the best of a few rounds is reported. The last rows give the scaling: all
 * workers against one.
 */
import { NodeContext } from "@effect/platform-node"
import * as GuestPool from "@zxsim/pool/GuestPool"
import * as GuestRun from "@zxsim/pool/GuestRun"
import * as GuestRunner from "@zxsim/pool/GuestRunner"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import { availableParallelism } from "node:os"
import type { Entry, Row } from "../Bench.js"

/** The workloads: a title and the request each run makes. */
const WORKLOADS: ReadonlyArray<readonly [string, GuestRun.RunGuest]> = [
  ["exit_code (short)", GuestRun.named("exit_code", { args: ["0"] })],
  ["sha256 1 (compute)", GuestRun.named("sha256", { args: ["1"] })]
]

const ROUNDS = 3
const ROUND_MILLIS = 1500

/**
 * Runs per second of `request` on `runner` with `parallel` runs in flight: the best of
 * {@link ROUNDS} rounds of about {@link ROUND_MILLIS} each. Every run must exit 0.
 */
const measure = (runner: GuestRunner.GuestRunnerShape, request: GuestRun.RunGuest, parallel: number) =>
  Effect.gen(function*() {
    const once = Effect.flatMap(
      runner.run(request),
      (result) =>
        result.outcome._tag === "Exited" && result.outcome.returnCode === 0n
          ? Effect.void
          : Effect.dieMessage(`${GuestRun.programName(request.program)} ended ${JSON.stringify(result.outcome)}`)
    )
    // Warm up every kernel: at least two runs per worker.
    yield* Effect.all(Array.from({ length: 2 * parallel }, () => once), { concurrency: parallel, discard: true })
    let best = 0
    for (let round = 0; round < ROUNDS; round++) {
      const start = performance.now()
      const end = start + ROUND_MILLIS
      let runs = 0
      // `parallel` lanes, each starting its next run as soon as its last one is answered: no lane
      // waits for a slower one, as it would if the runs went in waves.
      const lane = Effect.whileLoop({
        while: () => performance.now() < end,
        body: () => once,
        step: () => runs++
      })
      yield* Effect.all(Array.from({ length: parallel }, () => lane), { concurrency: parallel, discard: true })
      best = Math.max(best, (runs * 1000) / (performance.now() - start))
    }
    return best
  })

const withPool = <A, E>(size: number, body: (pool: GuestPool.GuestPool) => Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const scope = yield* Scope.make()
    const pool = yield* Scope.extend(GuestPool.make({ size }), scope)
    return yield* Effect.ensuring(body(pool), Scope.close(scope, Exit.void))
  })

/** The pool entry. */
export const entry: Entry = {
  name: "pool",
  run: () =>
    Effect.runPromise(
      Effect.gen(function*() {
        const cores = availableParallelism()
        const local = yield* GuestRunner.make()
        const inProcess: Array<number> = []
        for (const [, request] of WORKLOADS) inProcess.push(yield* measure(local, request, 1))
        const one = yield* withPool(1, (pool) => Effect.forEach(WORKLOADS, ([, request]) => measure(pool, request, 1)))
        const all = yield* withPool(
          cores,
          (pool) => Effect.forEach(WORKLOADS, ([, request]) => measure(pool, request, cores))
        )
        const rows: Array<Row> = []
        WORKLOADS.forEach(([title], i) => {
          rows.push({
            name: `${title}, pool of 1 worker`,
            unit: "runs/s",
            subject: one[i],
            peerName: "in-process kernel",
            peer: inProcess[i]
          })
          rows.push({
            name: `${title}, pool of ${cores} workers`,
            unit: "runs/s",
            subject: all[i],
            peerName: "in-process kernel",
            peer: inProcess[i]
          })
        })
        WORKLOADS.forEach(([title], i) => {
          rows.push({
            name: `${title}, scaling`,
            unit: "runs/s",
            subject: all[i],
            peerName: "pool of 1 worker",
            peer: one[i],
            notes: `${cores} cores`
          })
        })
        return rows
      }).pipe(Effect.scoped, Effect.provide(NodeContext.layer))
    )
}
