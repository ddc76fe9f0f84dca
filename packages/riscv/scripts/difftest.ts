/**
 * The long differential run: `npm run difftest -w @zxsim/riscv -- [programs] [first seed]
 * [--workers N]` runs that many random programs (default 100,000) on the interpreter and on the
 * JIT and prints the count, the share of instructions the JIT ran compiled, the throughput, and
 * every divergence (with the seed that reproduces it). Exits 1 if any program diverged.
 *
 * Batches are independent, so they run on a pool of worker threads (`@zxsim/pool`'s WorkerPool),
 * one per core by default; `--workers 0` runs them in this thread instead. A batch is the same
 * programs whichever thread runs it, so the findings do not depend on the worker count. A worker
 * draws its batch's programs from the batch's seed itself: this thread sends a seed and a count
 * and adds up what comes back, so it is never what the workers wait for. Each worker has
 * {@link IN_FLIGHT} batches sent to it at a time, so that it finds its next batch waiting when it
 * finishes one.
 *
 * What it reports about time, each measured separately:
 * - `start-up`: from the process's start until the workers can take batches (loading this
 *   program, bundling the worker entry if it changed, starting the threads);
 * - `time`: from then until the last batch's answer, and the programs per second over it;
 * - `steady`: programs per second once the first {@link WARM_UP_SHARE} of the programs are done
 *   (each worker thread compiles the engines' JavaScript anew, so its first batches run slower);
 * - `cpu`: the CPU time of every thread of this process during `time` (the workers', V8's
 *   compiler and collector threads', and this one's), in cores kept busy.
 */
import { Args, Command, Options, ValidationError } from "@effect/cli"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import * as WorkerPool from "@zxsim/pool/WorkerPool"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { fileURLToPath } from "node:url"
import type { BatchResult } from "../test/utils/Differential.js"
import { type BatchSummary, DiffBatch } from "./difftest-protocol.js"

/** Programs per batch: a batch's seed draws them, so this is part of what a seed means. */
const BATCH = 32
/**
 * Batches sent to one worker before it has answered the earlier ones: with 1, a worker waited
 * about 5 ms per batch (of about 100) for this thread to hear of its answer and send the next.
 */
const IN_FLIGHT = 2
/** The share of the programs after which the `steady` rate is measured. */
const WARM_UP_SHARE = 0.1

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

const seconds = (millis: number) => (millis / 1000).toFixed(1)

const runAll = async (total: number, firstSeed: number, workers: number): Promise<number> => {
  const batches = Array.from({ length: Math.ceil(total / BATCH) }, (_, batch) => ({
    seed: firstSeed + batch,
    count: Math.min(BATCH, total - batch * BATCH)
  }))

  // performance.now() counts from the process's start.
  let started = performance.now()
  let cpuAtStart = process.cpuUsage()
  let warm: { readonly at: number; readonly programs: number } | undefined
  let programs = 0
  let compiled = 0
  let instructions = 0
  let modules = 0
  let regions = 0
  let divergent = 0
  let done = 0
  const record = (seed: number, result: BatchSummary | BatchResult) => {
    programs += result.programs
    compiled += result.compiled
    instructions += result.total
    modules += result.modules
    regions += result.regions
    for (const d of result.divergences) {
      divergent++
      process.stdout.write(`divergence: program seed ${d.seed} (batch seed ${seed}), pass ${d.pass}: ${d.what}\n`)
    }
    if (warm === undefined && programs >= WARM_UP_SHARE * total) warm = { at: performance.now(), programs }
    if (++done % 100 === 0) process.stdout.write(`${programs} programs, ${divergent} divergences\n`)
  }
  const begin = () => {
    started = performance.now()
    cpuAtStart = process.cpuUsage()
  }

  const inThisThread = Effect.gen(function*() {
    // Loaded only here: with workers, this thread never runs a batch.
    const { runBatch } = yield* Effect.promise(() => import("../test/utils/Differential.js"))
    begin()
    yield* Effect.forEach(batches, ({ count, seed }) => Effect.sync(() => record(seed, runBatch(seed, count))), {
      discard: true
    })
  })

  const onWorkers = Effect.scoped(Effect.gen(function*() {
    const pool = yield* WorkerPool.make<DiffBatch>({
      entry: fileURLToPath(new URL("./difftest-worker.ts", import.meta.url)),
      size: workers,
      inFlight: IN_FLIGHT
    })
    begin()
    yield* Effect.forEach(
      batches,
      (b) => Effect.map(pool.execute(new DiffBatch(b)), (result) => record(b.seed, result)),
      { concurrency: IN_FLIGHT * workers, discard: true }
    )
  }))

  await Effect.runPromise(workers === 0 ? inThisThread : onWorkers)
  const ended = performance.now()
  const cpu = process.cpuUsage(cpuAtStart)
  const cpuSeconds = (cpu.user + cpu.system) / 1e6
  const elapsed = ended - started
  const steady = warm !== undefined && ended > warm.at
    ? `${((1000 * (programs - warm.programs)) / (ended - warm.at)).toFixed(0)} programs/s`
    : "n/a"
  process.stdout.write(
    `programs: ${programs}\ndivergences: ${divergent}\n` +
      `JIT instructions compiled: ${compiled} of ${instructions} (${((100 * compiled) / instructions).toFixed(1)}%)\n` +
      `modules: ${modules}, regions: ${regions}\n` +
      `workers: ${workers === 0 ? "none (this thread)" : workers}\n` +
      `start-up: ${seconds(started)} s (process start to ${workers === 0 ? "the first batch" : "workers ready"})\n` +
      `time: ${seconds(elapsed)} s (${((1000 * programs) / elapsed).toFixed(0)} programs/s)\n` +
      `steady: ${steady} (after the first ${100 * WARM_UP_SHARE}% of the programs)\n` +
      `cpu: ${cpuSeconds.toFixed(1)} s during time (${(cpuSeconds / (elapsed / 1000)).toFixed(2)} cores busy)\n`
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
