/**
 * Pool benchmark: guest runs per second through `@zxsim/pool`'s GuestPool with one worker thread
 * and with one per core, against the in-process GuestRunner (one kernel in this thread) as the
 * peer, in the same run. Two workloads: a short guest (`exit_code`: build, start, exit — the
 * pool's per-run overhead shows) and a compute guest (`sha256 1`: about 10 million instructions
 * on the JIT). Each side first runs every workload on each of its kernels, so their JIT code and
 * Node's are warm; then the best of a few rounds is reported. The scaling rows give all workers
 * against one. A third workload runs `exit_code` given as ELF bytes with the dynamic loader's
 * libraries (about 80 KB a run): the pool sends each worker those bytes once and their digests
 * afterwards; its row compares that with a pool whose program cache is off (every run carries them).
 */
import { NodeContext } from "@effect/platform-node"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Guests from "@zxsim/guest/Guests"
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

const withPool = <A, E>(
  options: GuestPool.Options,
  body: (pool: GuestPool.GuestPool) => Effect.Effect<A, E>
) =>
  Effect.gen(function*() {
    const scope = yield* Scope.make()
    const pool = yield* Scope.extend(GuestPool.make(options), scope)
    return yield* Effect.ensuring(body(pool), Scope.close(scope, Exit.void))
  })

/** `exit_code 0` as ELF bytes, with every library the loader serves (exit_code links statically, so it runs the same). */
const elfRequest = Effect.gen(function*() {
  const fs = yield* FileSystem.FileSystem
  const bytes = yield* fs.readFile(Guests.path("exit_code"))
  const libraries = Object.fromEntries(
    yield* Effect.forEach(
      Guests.libraryNames,
      (name) => Effect.map(fs.readFile(Guests.libraryPath(name)), (library) => [name, library] as const)
    )
  )
  return new GuestRun.RunGuest({
    program: new GuestRun.ElfProgram({ name: "exit_code", bytes, libraries }),
    args: ["0"]
  })
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
        const one = yield* withPool(
          { size: 1 },
          (pool) => Effect.forEach(WORKLOADS, ([, request]) => measure(pool, request, 1))
        )
        const all = yield* withPool(
          { size: cores },
          (pool) => Effect.forEach(WORKLOADS, ([, request]) => measure(pool, request, cores))
        )
        const elf = yield* elfRequest
        const cached = yield* withPool({ size: cores }, (pool) => measure(pool, elf, cores))
        const uncached = yield* withPool(
          { size: cores, programCache: { entries: 0 } },
          (pool) => measure(pool, elf, cores)
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
        rows.push({
          name: `exit_code as ELF bytes + libraries, pool of ${cores} workers`,
          unit: "runs/s",
          subject: cached,
          peerName: "without the program cache",
          peer: uncached
        })
        return rows
      }).pipe(Effect.scoped, Effect.provide(NodeContext.layer))
    )
}
