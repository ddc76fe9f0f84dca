/**
 * `GuestPool`: guests on every core. A {@link GuestRunner} whose runs go to a {@link WorkerPool}
 * of worker threads, each owning its own kernels (one per CPU kind) and running one guest at a
 * time, so independent guests run in parallel while each one's result is exactly what the
 * in-process runner gives (exit, crash report, output bytes, instruction count).
 *
 * Each guest's deadline is enforced twice: inside its worker (the guest is killed and its output
 * so far reported) and, `grace` later, by the pool (the worker thread is terminated and replaced,
 * the run reported as `DeadlineExceeded` with `workerReplaced`), so even a worker whose event loop
 * is stuck cannot hold the pool. Requests of other workers are not affected.
 *
 * A program given as ELF bytes travels to a worker with its bytes only the first time: each worker
 * keeps the files it was sent by digest, and later runs there name them by digest
 * ({@link ProgramCache}).
 *
 * ```ts
 * const program = Effect.gen(function*() {
 *   const results = yield* Effect.forEach(
 *     ["1", "2", "3"],
 *     (n) => GuestRunner.run(GuestRun.named("exit_code", { args: [n] })),
 *     { concurrency: "unbounded" }
 *   )
 * }).pipe(Effect.provide(GuestPool.layer()))
 * ```
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { fileURLToPath } from "node:url"
import * as GuestRun from "./GuestRun.js"
import { GuestRunner, type GuestRunnerShape } from "./GuestRunner.js"
import * as ProgramCache from "./ProgramCache.js"
import * as WorkerPool from "./WorkerPool.js"

/**
 * How long past a guest's deadline the pool waits for its worker's answer before stopping the worker.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_GRACE: Duration.Duration = Duration.seconds(2)

/**
 * How a guest pool is made.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Workers; one per core by default. */
  readonly size?: number
  /** Worker threads (the default) or child processes (see `WorkerPool.Isolation`). */
  readonly isolation?: WorkerPool.Isolation
  /** How long past a guest's deadline its worker may still answer; {@link DEFAULT_GRACE} by default. */
  readonly grace?: Duration.DurationInput
  /**
   * Heap limits of each worker: `resourceLimits` of a thread; for a process, V8's
   * `--max-old-space-size` and `--max-semi-space-size` (a third of the young generation, as V8
   * divides it).
   */
  readonly resourceLimits?: {
    readonly maxOldGenerationSizeMb?: number
    readonly maxYoungGenerationSizeMb?: number
  }
  /** How many ELF files (and bytes) each worker keeps by digest; `ProgramCache.Capacity` defaults when absent, `{ entries: 0 }` for none. */
  readonly programCache?: { readonly entries?: number; readonly bytes?: number }
}

/**
 * What the program cache saved so far: ELF files sent to workers with their bytes, files sent by
 * digest alone, and digests a worker turned out not to hold (each such run was sent again with
 * every file's bytes).
 *
 * @since 0.1.0
 * @category models
 */
export interface ProgramTraffic {
  readonly sent: number
  readonly stored: number
  readonly missed: number
}

/**
 * A guest runner on worker threads, with the pool behind it (for its size and replacement count).
 *
 * @since 0.1.0
 * @category models
 */
export interface GuestPool extends GuestRunnerShape {
  readonly pool: WorkerPool.WorkerPool<ProgramCache.WorkerRequest>
  /** The program cache's traffic since the pool was made. */
  readonly programTraffic: Effect.Effect<ProgramTraffic>
}

/**
 * The worker thread's entry module, beside this one: the TypeScript source in the workspace, the
 * built JavaScript where the package is installed.
 */
const entry = fileURLToPath(
  new URL(`./workers/guest.${import.meta.url.endsWith(".ts") ? "ts" : "js"}`, import.meta.url)
)

/** A process worker's V8 heap limits for a thread's `resourceLimits`. */
const heapFlags = (limits: NonNullable<Options["resourceLimits"]>): ReadonlyArray<string> => [
  ...(limits.maxOldGenerationSizeMb === undefined ? [] : [`--max-old-space-size=${limits.maxOldGenerationSizeMb}`]),
  ...(limits.maxYoungGenerationSizeMb === undefined
    ? []
    : [`--max-semi-space-size=${Math.max(1, Math.floor(limits.maxYoungGenerationSizeMb / 3))}`])
]

/**
 * Makes a pool whose workers live as long as the scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<GuestPool, WorkerPool.WorkerPoolError, Scope.Scope> =>
  Effect.gen(function*() {
    const grace = Duration.decode(options.grace ?? DEFAULT_GRACE)
    const capacity = ProgramCache.Capacity.make(options.programCache ?? {})
    const config = Schema.encodeSync(ProgramCache.WorkerConfig)(ProgramCache.WorkerConfig.make({ capacity }))
    // The pool's mirror of each worker's program store, by worker id (dropped when its thread ends).
    const mirrors = new Map<number, ProgramCache.ContentLru<true>>()
    const mirrorOf = (worker: number) => {
      let mirror = mirrors.get(worker)
      if (mirror === undefined) {
        mirror = new ProgramCache.ContentLru<true>(capacity)
        mirrors.set(worker, mirror)
      }
      return mirror
    }
    let sent = 0
    let stored = 0
    let missed = 0
    const pool = yield* WorkerPool.make<ProgramCache.WorkerRequest>({
      entry,
      ...(options.size === undefined ? {} : { size: options.size }),
      data: config,
      ...(options.isolation === undefined ? {} : { isolation: options.isolation }),
      ...(options.resourceLimits === undefined ? {} : {
        workerOptions: { resourceLimits: options.resourceLimits },
        execArgv: heapFlags(options.resourceLimits)
      }),
      deadline: (request) => Duration.sum(Duration.millis(request.limits.deadlineMillis), grace),
      onExit: (worker) => mirrors.delete(worker)
    })

    /** Runs an ELF program as a `RunCached`: its files by digest where the worker holds them. */
    const runCached = (request: GuestRun.RunGuest, program: GuestRun.ElfProgram) =>
      Effect.suspend(() => {
        const files = ProgramCache.filesOf(program)
        const { _tag: _, program: __, ...fields } = request
        let worker = -1
        const attempt = (sendAll: boolean) =>
          pool.executeOn((id) => {
            worker = id
            const prepared = ProgramCache.prepare(files, mirrorOf(id), sendAll)
            sent += prepared.traffic.sent
            stored += prepared.traffic.stored
            return new ProgramCache.RunCached({ ...fields, program: prepared.program })
          })
        return attempt(false).pipe(
          Effect.catchTag("ProgramMissing", (missing) => {
            missed += missing.digests.length
            const mirror = mirrors.get(worker)
            for (const digest of missing.digests) mirror?.delete(digest)
            return attempt(true).pipe(
              Effect.catchTag("ProgramMissing", (again) =>
                Effect.fail(
                  new GuestRun.RunFailed({
                    reason: "Unavailable",
                    message: `worker ${worker} did not keep ${
                      again.digests.join(", ")
                    } although they were sent with the run`,
                    ...GuestRun.echoRequestId(request)
                  })
                ))
            )
          })
        )
      })

    const run = (request: GuestRun.RunGuest): Effect.Effect<GuestRun.RunResult, GuestRun.RunFailed> =>
      (request.program._tag === "ElfProgram" && capacity.entries > 0
        ? runCached(request, request.program)
        : pool.execute(request)).pipe(
          Effect.catchTag("WorkerPoolError", (error) =>
            error.reason === "Deadline"
              ? Effect.succeed(
                new GuestRun.RunResult({
                  outcome: new GuestRun.DeadlineExceeded({
                    deadlineMillis: request.limits.deadlineMillis,
                    workerReplaced: true
                  }),
                  stdout: new Uint8Array(0),
                  stderr: new Uint8Array(0),
                  instructions: 0,
                  cpu: request.cpu,
                  ...GuestRun.echoRequestId(request)
                })
              )
              : Effect.fail(
                new GuestRun.RunFailed({
                  reason: error.reason === "WorkerLost" ? "WorkerLost" : "Unavailable",
                  message: error.message,
                  ...GuestRun.echoRequestId(request)
                })
              )),
          Effect.withSpan("GuestPool.run", {
            attributes: { program: GuestRun.programName(request.program), cpu: request.cpu }
          })
        )
    return {
      run,
      pool,
      programTraffic: Effect.sync(() => ({ sent, stored, missed }))
    }
  })

/**
 * The pool as the {@link GuestRunner} (its workers end when the layer is released).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<GuestRunner, WorkerPool.WorkerPoolError> =>
  Layer.scoped(GuestRunner, make(options))
