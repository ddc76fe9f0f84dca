/**
 * The long differential run: `npm run difftest -w @zxsim/riscv -- [programs] [first seed]
 * [--workers N]` runs that many random programs (default 100,000) on the interpreter and on the
 * JIT and prints the count, the share of instructions the JIT ran compiled, the throughput, and
 * every divergence (with the seed that reproduces it). Exits 1 if any program diverged.
 *
 * Batches are independent, so they run on a pool of worker threads (`@zxsim/pool`'s WorkerPool),
 * one per core by default; `--workers 0` runs them in this thread instead. A batch is the same
 * programs whichever thread runs it, so the findings do not depend on the worker count.
 */
import { Args, Command, Options, ValidationError } from "@effect/cli"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import * as WorkerPool from "@zxsim/pool/WorkerPool"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { fileURLToPath } from "node:url"
import { runBatch } from "../test/utils/Differential.js"
import { type BatchSummary, DiffBatch } from "./difftest-protocol.js"

const BATCH = 32

const programsArg = Args.integer({ name: "programs" }).pipe(
  Args.withDescription("how many random programs to run (default 100,000)"),
  Args.optional
)
const seedArg = Args.integer({ name: "first seed" }).pipe(
  Args.withDescription("the first batch's seed; batch n uses first seed + n (default 1)"),
  Args.optional
)
const workersOption = Options.integer("workers").pipe(
  Options.withDescription("worker threads running the batches, 0 for this thread (default: one per core)"),
  Options.optional
)

const difftest = Command.make(
  "difftest",
  { programs: programsArg, firstSeed: seedArg, workers: workersOption },
  (input) =>
    Effect.gen(function*() {
      const total = Option.getOrElse(input.programs, () => 100_000)
      const firstSeed = Option.getOrElse(input.firstSeed, () => 1)
      const workers = Option.getOrElse(input.workers, () => WorkerPool.defaultSize())
      if (total < 0 || workers < 0) {
        yield* Effect.sync(() => process.stderr.write("difftest: programs and --workers must not be negative\n"))
        return 2
      }
      return yield* Effect.promise(() => runAll(total, firstSeed, workers))
    })
).pipe(Command.withDescription("the JIT against the interpreter on random programs, on a pool of worker threads"))

const runAll = async (total: number, firstSeed: number, workers: number): Promise<number> => {
  const batches = Array.from({ length: Math.ceil(total / BATCH) }, (_, batch) => ({
    seed: firstSeed + batch,
    count: Math.min(BATCH, total - batch * BATCH)
  }))

  let started = performance.now()
  let programs = 0
  let compiled = 0
  let instructions = 0
  let modules = 0
  let regions = 0
  let divergent = 0
  let done = 0
  const record = (seed: number, result: BatchSummary | ReturnType<typeof runBatch>) => {
    programs += result.programs
    compiled += result.compiled
    instructions += result.total
    modules += result.modules
    regions += result.regions
    for (const d of result.divergences) {
      divergent++
      process.stdout.write(`divergence: program seed ${d.seed} (batch seed ${seed}), pass ${d.pass}: ${d.what}\n`)
    }
    if (++done % 100 === 0) process.stdout.write(`${programs} programs, ${divergent} divergences\n`)
  }

  const inThisThread = Effect.forEach(
    batches,
    ({ count, seed }) => Effect.sync(() => record(seed, runBatch(seed, count))),
    { discard: true }
  )

  const onWorkers = Effect.scoped(Effect.gen(function*() {
    const pool = yield* WorkerPool.make<DiffBatch>({
      entry: fileURLToPath(new URL("./difftest-worker.ts", import.meta.url)),
      size: workers
    })
    // Start timing once the workers are up (their start-up is not the engines' throughput).
    started = performance.now()
    yield* Effect.forEach(
      batches,
      (b) => Effect.map(pool.execute(new DiffBatch(b)), (result) => record(b.seed, result)),
      {
        concurrency: 2 * workers,
        discard: true
      }
    )
  }))

  await Effect.runPromise(workers === 0 ? inThisThread : onWorkers)
  const seconds = (performance.now() - started) / 1000
  process.stdout.write(
    `programs: ${programs}\ndivergences: ${divergent}\n` +
      `JIT instructions compiled: ${compiled} of ${instructions} (${((100 * compiled) / instructions).toFixed(1)}%)\n` +
      `modules: ${modules}, regions: ${regions}\n` +
      `workers: ${workers === 0 ? "none (this thread)" : workers}\n` +
      `time: ${seconds.toFixed(1)} s (${(programs / seconds).toFixed(0)} programs/s)\n`
  )
  return divergent === 0 ? 0 : 1
}

Command.run(difftest, { name: "difftest", version: "0.1.0" })(process.argv).pipe(
  Effect.map((code) => (typeof code === "number" ? code : 0)),
  // A command line that does not parse: @effect/cli has printed why.
  Effect.catchIf(ValidationError.isValidationError, () => Effect.succeed(2)),
  Effect.flatMap((code) => Effect.sync(() => process.exit(code))),
  Effect.provide(NodeContext.layer),
  NodeRuntime.runMain
)
