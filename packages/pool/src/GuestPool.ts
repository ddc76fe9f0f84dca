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
import type * as Scope from "effect/Scope"
import { fileURLToPath } from "node:url"
import * as GuestRun from "./GuestRun.js"
import { GuestRunner, type GuestRunnerShape } from "./GuestRunner.js"
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
  /** Worker threads; one per core by default. */
  readonly size?: number
  /** How long past a guest's deadline its worker may still answer; {@link DEFAULT_GRACE} by default. */
  readonly grace?: Duration.DurationInput
  /** Heap limits of each worker thread (`resourceLimits` of `worker_threads`). */
  readonly resourceLimits?: {
    readonly maxOldGenerationSizeMb?: number
    readonly maxYoungGenerationSizeMb?: number
  }
}

/**
 * A guest runner on worker threads, with the pool behind it (for its size and replacement count).
 *
 * @since 0.1.0
 * @category models
 */
export interface GuestPool extends GuestRunnerShape {
  readonly pool: WorkerPool.WorkerPool<GuestRun.RunGuest>
}

/**
 * The worker thread's entry module, beside this one: the TypeScript source in the workspace, the
 * built JavaScript where the package is installed.
 */
const entry = fileURLToPath(
  new URL(`./workers/guest.${import.meta.url.endsWith(".ts") ? "ts" : "js"}`, import.meta.url)
)

/**
 * Makes a pool whose workers live as long as the scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<GuestPool, WorkerPool.WorkerPoolError, Scope.Scope> =>
  Effect.gen(function*() {
    const grace = Duration.decode(options.grace ?? DEFAULT_GRACE)
    const pool = yield* WorkerPool.make<GuestRun.RunGuest>({
      entry,
      ...(options.size === undefined ? {} : { size: options.size }),
      ...(options.resourceLimits === undefined ? {} : { workerOptions: { resourceLimits: options.resourceLimits } }),
      deadline: (request) => Duration.sum(Duration.millis(request.limits.deadlineMillis), grace)
    })
    const run = (request: GuestRun.RunGuest): Effect.Effect<GuestRun.RunResult, GuestRun.RunFailed> =>
      pool.execute(request).pipe(
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
                cpu: request.cpu
              })
            )
            : Effect.fail(
              new GuestRun.RunFailed({
                reason: error.reason === "WorkerLost" ? "WorkerLost" : "Unavailable",
                message: error.message
              })
            )),
        Effect.withSpan("GuestPool.run", {
          attributes: { program: GuestRun.programName(request.program), cpu: request.cpu }
        })
      )
    return { run, pool }
  })

/**
 * The pool as the {@link GuestRunner} (its workers end when the layer is released).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<GuestRunner, WorkerPool.WorkerPoolError> =>
  Layer.scoped(GuestRunner, make(options))
