/**
 * A pool of worker threads speaking a `Schema.TaggedRequest` protocol, on `@effect/platform`'s
 * serialized worker pool (`Worker.makePoolSerialized` over `@effect/platform-node`'s
 * `NodeWorker` layer): requests and replies are encoded and decoded with their schemas on both
 * sides of the thread boundary. On top of it, what a pool of guest machines needs:
 *
 * - each worker runs one request at a time, and the pool has one worker per core by default;
 * - a request may carry a deadline; a worker still busy with it past the deadline is stopped
 *   (its thread terminated, which works even when its event loop never comes back) and replaced,
 *   the request fails with `WorkerPoolError` "Deadline", and the requests of other workers go on;
 * - a worker that dies (an uncaught error, running out of memory) is replaced likewise, failing
 *   only the request it was running ("WorkerLost");
 * - closing the pool's scope ends every worker thread.
 *
 * The worker entry is a module path (TypeScript or JavaScript) bundled by {@link WorkerBundle};
 * it runs `WorkerRunner.layerSerialized` for the same request schema.
 *
 * @since 0.1.0
 */
import * as NodeWorker from "@effect/platform-node/NodeWorker"
import * as Worker from "@effect/platform/Worker"
import { isWorkerError } from "@effect/platform/WorkerError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Pool from "effect/Pool"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { availableParallelism } from "node:os"
import * as WorkerThreads from "node:worker_threads"
import * as WorkerBundle from "./WorkerBundle.js"

/**
 * Why a request got no answer from the pool.
 *
 * @since 0.1.0
 * @category errors
 */
export class WorkerPoolError extends Schema.TaggedError<WorkerPoolError>()("WorkerPoolError", {
  /**
   * `Deadline`: its worker was still busy with it at its deadline and was stopped; `WorkerLost`:
   * its worker died; `Spawn`: no worker could be started; `Encode`: the request did not encode.
   */
  reason: Schema.Literal("Deadline", "WorkerLost", "Spawn", "Encode"),
  message: Schema.String
}) {}

/**
 * How a pool is made.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options<I> {
  /** The worker's entry module (an absolute path; TypeScript is bundled first). */
  readonly entry: string
  /** Worker threads; the number of cores (`os.availableParallelism()`) by default. */
  readonly size?: number
  /** How long a worker may take over `request` before it is stopped; no limit when undefined. */
  readonly deadline?: (request: I) => Duration.DurationInput | undefined
  /** Options for each thread (resource limits, environment), besides what the pool sets. */
  readonly workerOptions?: Omit<WorkerThreads.WorkerOptions, "eval">
}

/**
 * A pool of worker threads for the requests `I`.
 *
 * @since 0.1.0
 * @category models
 */
export interface WorkerPool<I extends Schema.TaggedRequest.All> {
  /** The number of workers. */
  readonly size: number
  /**
   * Runs `request` on the next free worker and answers with its decoded reply; fails with the
   * request's own error, or with {@link WorkerPoolError} when no worker answered.
   */
  readonly execute: <Req extends I>(
    request: Req
  ) => Effect.Effect<
    Schema.WithResult.Success<Req>,
    Schema.WithResult.Failure<Req> | WorkerPoolError,
    Schema.WithResult.Context<Req>
  >
  /** Workers stopped and replaced so far (past a deadline, or dead). */
  readonly replaced: Effect.Effect<number>
  /** Worker threads started and not yet ended (0 once the pool's scope has closed). */
  readonly threads: Effect.Effect<number>
}

/**
 * The worker failure behind an error, if it is one: the serialized pool runs a lost worker's
 * `WorkerError` through the request's failure schema, so it arrives as the `actual` value of a
 * `ParseError` unless that schema accepts it.
 */
const workerErrorOf = (error: unknown): unknown =>
  ParseResult.isParseError(error) && isWorkerError(error.issue.actual) ? error.issue.actual : error

/**
 * Runs `effect` (and the fibers it forks, which keep the setting) without warnings: the platform's
 * worker logs a warning whenever a worker thread ends other than by its close message, which here
 * is the pool's own doing (a stopped worker, the pool closing) or is reported to the request's
 * caller as a {@link WorkerPoolError}.
 */
const quiet = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Logger.withMinimumLogLevel(effect, LogLevel.Error)

/**
 * The pool size when none is given: one worker per core.
 *
 * @since 0.1.0
 * @category utils
 */
export const defaultSize = (): number => availableParallelism()

/**
 * Makes a pool whose workers live until the scope closes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <I extends Schema.TaggedRequest.All>(
  options: Options<I>
): Effect.Effect<WorkerPool<I>, WorkerPoolError, Scope.Scope> =>
  Effect.gen(function*() {
    const size = options.size ?? defaultSize()
    const script = yield* WorkerBundle.ensure(options.entry).pipe(
      Effect.mapError((e) => new WorkerPoolError({ reason: "Spawn", message: `bundling ${e.entry}: ${e.message}` }))
    )
    // The live thread behind each worker id, so a stuck one can be terminated from here.
    const threads = new Map<number, WorkerThreads.Worker>()
    const spawn = (id: number) => {
      const thread = new WorkerThreads.Worker(script, { ...options.workerOptions, name: `zxsim-pool-${id}` })
      threads.set(id, thread)
      thread.once("exit", () => {
        if (threads.get(id) === thread) threads.delete(id)
      })
      return thread
    }
    const pool = yield* Worker.makePoolSerialized<I>({ size, concurrency: 1 } as Worker.SerializedWorkerPool.Options<I>)
      .pipe(
        Effect.provide(NodeWorker.layer(spawn)),
        Effect.mapError((e) => new WorkerPoolError({ reason: "Spawn", message: `starting a worker: ${e.message}` })),
        quiet
      )
    // Runs before the pool's own finalizer, which waits for requests in flight to finish: every
    // thread ends now (a stuck one too), its request fails, and the pool then closes at once.
    yield* Effect.addFinalizer(() =>
      Effect.promise(() => Promise.all(Array.from(threads.values(), (thread) => thread.terminate())))
    )
    let replaced = 0
    const stop = (worker: Worker.SerializedWorker<I>) =>
      Effect.suspend(() => {
        replaced++
        const thread = threads.get(worker.id)
        if (thread !== undefined) void thread.terminate()
        return Pool.invalidate(pool.backing, worker)
      })

    const execute = <Req extends I>(request: Req) =>
      Effect.scoped(Effect.gen(function*() {
        const worker = yield* pool.backing.get.pipe(
          Effect.mapError((e) => new WorkerPoolError({ reason: "Spawn", message: `starting a worker: ${e.message}` }))
        )
        const reply = worker.executeEffect(request) as Effect.Effect<
          Schema.WithResult.Success<Req>,
          unknown,
          Schema.WithResult.Context<Req>
        >
        const limit = options.deadline?.(request)
        const answered = yield* (limit === undefined
          ? Effect.map(Effect.either(reply), Option.some)
          : Effect.timeoutOption(Effect.either(reply), limit))
        if (Option.isNone(answered)) {
          yield* stop(worker)
          return yield* new WorkerPoolError({
            reason: "Deadline",
            message: `worker ${worker.id} was still busy with ${request._tag} after ${
              Duration.format(Duration.decode(limit!))
            }; it was stopped and replaced`
          })
        }
        if (Either.isRight(answered.value)) return answered.value.right
        const error = workerErrorOf(answered.value.left)
        if (isWorkerError(error)) {
          if (error.reason === "encode") {
            return yield* new WorkerPoolError({
              reason: "Encode",
              message: `${request._tag} did not encode: ${error.message}`
            })
          }
          yield* stop(worker)
          const cause = error.cause instanceof Error ? `: ${error.cause.message}` : ""
          return yield* new WorkerPoolError({
            reason: "WorkerLost",
            message: `worker ${worker.id} failed running ${request._tag}: ${error.message}${cause}`
          })
        }
        return yield* Effect.fail(error as Schema.WithResult.Failure<Req>)
      })).pipe(quiet)

    return {
      size,
      execute,
      replaced: Effect.sync(() => replaced),
      threads: Effect.sync(() => threads.size)
    } satisfies WorkerPool<I>
  })
