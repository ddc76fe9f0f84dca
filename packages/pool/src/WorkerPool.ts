/**
 * A pool of workers speaking a `Schema.TaggedRequest` protocol, on `@effect/platform`'s
 * serialized worker pool (`Worker.makePoolSerialized` over `@effect/platform-node`'s
 * `NodeWorker` layer): requests and replies are encoded and decoded with their schemas on both
 * sides of the boundary. Workers are threads of this process by default, or child processes
 * (`isolation: "process"`), each then with a V8 of its own: its own heap, its own compiler and
 * garbage collector threads, its own address space. On top of it, what a pool of guest machines
 * needs:
 *
 * - each worker runs one request at a time, and the pool has one worker per core by default; a
 *   pool may send a worker its next requests before the last is answered (`inFlight`), so that
 *   the worker goes from one to the next without waiting for the pool to hear of the last;
 * - a request may carry a deadline; a worker still busy with it past the deadline is stopped
 *   (its thread terminated, which works even when its event loop never comes back) and replaced,
 *   the request fails with `WorkerPoolError` "Deadline", and the requests of other workers go on;
 * - a worker that dies (an uncaught error, running out of memory) is replaced likewise, failing
 *   only the request it was running ("WorkerLost");
 * - closing the pool's scope ends every worker (a child process also ends by itself when this
 *   process goes away without closing it).
 *
 * The worker entry is a module path (TypeScript or JavaScript) bundled by {@link WorkerBundle};
 * it runs `WorkerRunner.layerSerialized` for the same request schema, and reads what the pool
 * gives every worker (`data`) with {@link workerData}.
 *
 * A process costs more than a thread to start (a Node of its own) and to talk to (messages go
 * through a pipe), and a crash of its V8 takes only itself down. On this repository's 2-core
 * machine the difftest ran as fast on two processes as on two threads, within the run-to-run
 * spread; `README.md` has the figures.
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
import * as ChildProcess from "node:child_process"
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
  /**
   * Where workers run: `"thread"` (the default), worker threads of this process; `"process"`,
   * child processes of plain Node (`child_process.fork` with an IPC channel).
   */
  readonly isolation?: Isolation
  /** A JSON value every worker reads with {@link workerData} (as `workerData` in a thread, through its environment in a process). */
  readonly data?: unknown
  /** Options for each thread (resource limits, environment), besides what the pool sets; threads only. */
  readonly workerOptions?: Omit<WorkerThreads.WorkerOptions, "eval" | "workerData">
  /** Node and V8 options for each process (`--max-old-space-size=512`); processes only. */
  readonly execArgv?: ReadonlyArray<string>
  /**
   * Requests sent to one worker before it has answered the earlier ones: 1 by default. With 2 the
   * worker finds its next request waiting when it finishes one, instead of idling while its answer
   * travels to this thread and the next request back (the worker still runs them one at a time,
   * in the order sent). A deadline counts from when its request was sent, so a queued request's
   * includes the wait, and a worker stopped at a deadline fails the requests queued on it too
   * (`WorkerLost`): pools with deadlines keep 1.
   */
  readonly inFlight?: number
  /**
   * Called with a worker's id once its thread has ended (stopped, dead, or closed with the pool),
   * so state kept per worker (see {@link WorkerPool.executeOn}) can be dropped.
   */
  readonly onExit?: (worker: number) => void
}

/**
 * Where a pool's workers run: threads of this process, or child processes.
 *
 * @since 0.1.0
 * @category models
 */
export type Isolation = "thread" | "process"

/**
 * A pool of workers for the requests `I`.
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
  /**
   * Like {@link WorkerPool.execute}, for the request `prepare` makes once the worker that will run
   * it is known (by its id, unique over the pool's life, a replacement's too): for protocols where
   * what to send depends on what that worker already holds. `prepare` runs just before the request
   * is sent; with `inFlight` 1, nothing else is sent to that worker in between.
   */
  readonly executeOn: <Req extends I>(
    prepare: (worker: number) => Req
  ) => Effect.Effect<
    Schema.WithResult.Success<Req>,
    Schema.WithResult.Failure<Req> | WorkerPoolError,
    Schema.WithResult.Context<Req>
  >
  /** Workers stopped and replaced so far (past a deadline, or dead). */
  readonly replaced: Effect.Effect<number>
  /** Workers (threads or processes) started and not yet ended (0 once the pool's scope has closed). */
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

/** The environment variable a child-process worker finds the pool's `data` in. */
const DATA_VARIABLE = "ZXSIM_WORKER_DATA"

/**
 * What the pool gave its workers as `data`, read inside a worker (thread or process); undefined
 * where the pool gave none, or outside a pool's worker.
 *
 * @since 0.1.0
 * @category utils
 */
export const workerData = (): unknown => {
  if (!WorkerThreads.isMainThread) return WorkerThreads.workerData ?? undefined
  const text = process.env[DATA_VARIABLE]
  return text === undefined ? undefined : JSON.parse(text)
}

/**
 * Preloaded into a child-process worker: it exits when its IPC channel to the pool closes, which
 * happens when the pool's process ends without closing the pool (a thread needs nothing of the
 * kind: it ends with its process).
 */
const lifeline = `data:text/javascript,${encodeURIComponent("process.once('disconnect', () => process.exit(0))")}`

/** A started worker as the pool sees it: how to end it. */
interface Running {
  /** Ends the worker at once (a thread terminated, a process killed) and resolves once it has exited. */
  readonly end: () => Promise<void>
}

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
    const inFlight = options.inFlight ?? 1
    if (!Number.isInteger(inFlight) || inFlight < 1) {
      return yield* new WorkerPoolError({
        reason: "Spawn",
        message: `inFlight must be a positive integer: ${inFlight}`
      })
    }
    const script = yield* WorkerBundle.ensure(options.entry).pipe(
      Effect.mapError((e) => new WorkerPoolError({ reason: "Spawn", message: `bundling ${e.entry}: ${e.message}` }))
    )
    // The live worker behind each worker id, so a stuck one can be ended from here.
    const threads = new Map<number, Running>()
    const exited = (id: number, running: Running) => () => {
      if (threads.get(id) === running) threads.delete(id)
      options.onExit?.(id)
    }
    const spawnThread = (id: number) => {
      const thread = new WorkerThreads.Worker(script, {
        ...options.workerOptions,
        name: `zxsim-pool-${id}`,
        ...(options.data === undefined ? {} : { workerData: options.data })
      })
      const running: Running = { end: () => thread.terminate().then(() => undefined) }
      threads.set(id, running)
      thread.once("exit", exited(id, running))
      return thread
    }
    const spawnProcess = (id: number) => {
      const child = ChildProcess.fork(script, [], {
        // Not this process's options: under tsx they would load TypeScript support the bundle does not need.
        execArgv: ["--import", lifeline, ...(options.execArgv ?? [])],
        serialization: "advanced",
        env: options.data === undefined
          ? process.env
          : { ...process.env, [DATA_VARIABLE]: JSON.stringify(options.data) }
      })
      const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()))
      const running: Running = {
        end: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
          return gone
        }
      }
      threads.set(id, running)
      child.once("exit", exited(id, running))
      return child
    }
    const spawn = options.isolation === "process" ? spawnProcess : spawnThread
    const pool = yield* Worker.makePoolSerialized<I>(
      { size, concurrency: inFlight } as Worker.SerializedWorkerPool.Options<I>
    )
      .pipe(
        Effect.provide(NodeWorker.layer(spawn)),
        Effect.mapError((e) => new WorkerPoolError({ reason: "Spawn", message: `starting a worker: ${e.message}` })),
        quiet
      )
    // Runs before the pool's own finalizer, which waits for requests in flight to finish: every
    // thread ends now (a stuck one too), its request fails, and the pool then closes at once.
    yield* Effect.addFinalizer(() =>
      Effect.promise(() => Promise.all(Array.from(threads.values(), (running) => running.end())))
    )
    let replaced = 0
    const stop = (worker: Worker.SerializedWorker<I>) =>
      Effect.suspend(() => {
        replaced++
        const running = threads.get(worker.id)
        if (running !== undefined) void running.end()
        return Pool.invalidate(pool.backing, worker)
      })

    const executeOn = <Req extends I>(prepare: (worker: number) => Req) =>
      Effect.scoped(Effect.gen(function*() {
        const worker = yield* pool.backing.get.pipe(
          Effect.mapError((e) => new WorkerPoolError({ reason: "Spawn", message: `starting a worker: ${e.message}` }))
        )
        const request = prepare(worker.id)
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
      execute: (request) => executeOn(() => request),
      executeOn,
      replaced: Effect.sync(() => replaced),
      threads: Effect.sync(() => threads.size)
    } satisfies WorkerPool<I>
  })
