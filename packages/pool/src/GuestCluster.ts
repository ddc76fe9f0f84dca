/**
 * `GuestCluster`: guest runs spread over a fleet of runner processes with `@effect/cluster`.
 *
 * A guest run is a `GuestRun` entity whose one message is the {@link GuestRun.RunGuest} request
 * itself (an RPC made from the `Schema.TaggedRequest`), persisted: the client writes each request
 * to the cluster's SQL storage before any runner sees it, a runner answers by writing the
 * {@link GuestRun.RunResult} beside it, and the client reads that reply. Each run is its own
 * entity (its id a cluster-wide snowflake), so runs hash evenly over the shards and the shards
 * over the runners. When a runner dies, its shard locks expire, live runners take its shards,
 * and the runs it had not answered are delivered again from storage.
 *
 * What is guaranteed, precisely:
 *
 * - Every submitted run gets exactly one reply: its `RunResult`, or a `RunFailed` (the cluster
 *   could not take the request: "Cluster"; the run was cut short and may not be repeated:
 *   "Interrupted"). Nothing is lost while the storage lasts.
 * - Each runner records in the storage (table `zxsim_guest_runs`) every time it starts a run,
 *   before the guest starts, and the run's result as soon as it has one. A run delivered again
 *   after its runner died answers with the stored result when there is one (the runner died after
 *   the run, before its reply reached the cluster: nothing runs twice). A run whose runner died
 *   while running it is:
 *   - run again from its start when it has no effects outside its kernel (no read-write mount):
 *     a guest sees only its own kernel, so the second run is the only one anybody observes (its
 *     result, output and instruction count are those of a whole run);
 *   - not run again when it has a read-write mount, whose host directory the first attempt may
 *     have changed: its reply is `RunFailed` "Interrupted", and the attempt left what it left.
 *   So a run with effects is carried out at most once, and one without effects is observed once.
 * - A client that submits the same request twice makes two runs (each `run` is a new entity).
 *
 * Storage is whatever `SqlClient` the layers get: `@effect/sql-sqlite-node`'s `SqliteClient` for
 * runners on one machine, `@effect/sql-pg`'s `PgClient` (one database every runner reaches) for
 * runners on many. Runners talk to each other over TCP (`NodeClusterSocket`).
 *
 * @since 0.1.0
 */
import * as ClusterSchema from "@effect/cluster/ClusterSchema"
import * as Entity from "@effect/cluster/Entity"
import { RunnerAddress } from "@effect/cluster/RunnerAddress"
import * as Sharding from "@effect/cluster/Sharding"
import type * as ShardingConfig from "@effect/cluster/ShardingConfig"
import * as NodeClusterSocket from "@effect/platform-node/NodeClusterSocket"
import type * as SocketServer from "@effect/platform/SocketServer"
import * as Rpc from "@effect/rpc/Rpc"
import * as SqlClient from "@effect/sql/SqlClient"
import type { ConfigError } from "effect/ConfigError"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as GuestRun from "./GuestRun.js"
import { GuestRunner, type GuestRunnerShape } from "./GuestRunner.js"

/**
 * The entity's message: the guest-run request as an RPC, its reply the result.
 *
 * @since 0.1.0
 * @category utils
 */
export const RunGuestRpc = Rpc.fromTaggedRequest(GuestRun.RunGuest)

/**
 * The guest-run entity: one per run, its message persisted in the cluster's storage. A run that
 * has started is not interrupted when its shard moves to another runner (it ends by its deadline
 * at the latest): it finishes where it started and its reply is stored, so only a runner's death
 * makes a run start again.
 *
 * @since 0.1.0
 * @category utils
 */
export const GuestRunEntity = Entity.make("GuestRun", [RunGuestRpc])
  .annotateRpcs(ClusterSchema.Persisted, true)
  .annotateRpcs(ClusterSchema.Uninterruptible, "server")

/**
 * Sharding settings for a small fleet that should notice a dead runner within seconds rather
 * than the library's default of about a minute: shard locks refreshed every second and expiring
 * after five, assignments and unprocessed messages looked at every second, replies every 100 ms.
 *
 * @since 0.1.0
 * @category utils
 */
export const quickFailover: Partial<ShardingConfig.ShardingConfig["Type"]> = {
  shardsPerGroup: 60,
  shardLockRefreshInterval: "1 second",
  shardLockExpiration: "5 seconds",
  refreshAssignmentsInterval: "1 second",
  entityMessagePollInterval: "1 second",
  entityReplyPollInterval: "100 millis",
  runnerHealthCheckInterval: "2 seconds",
  sendRetryInterval: "100 millis",
  entityMaxIdleTime: "5 seconds"
}

/**
 * How a runner joins the fleet.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunnerOptions {
  /** The host other runners and clients reach this runner at. */
  readonly host: string
  /** Its TCP port. */
  readonly port: number
  /** Sharding settings besides the address ({@link quickFailover}, or the library's defaults). */
  readonly sharding?: Partial<ShardingConfig.ShardingConfig["Type"]>
  /** Runs a runner carries out at once: 1 by default; the size of its pool when it runs a `GuestPool`. */
  readonly concurrency?: number
}

/**
 * The table where runners record the runs they carry out: one row per run (its entity id) with
 * the attempts started, the runner of the last one, and the encoded result once there is one. It
 * grows by one row per run, as the cluster's message table does; plain SQL that SQLite (3.35 or
 * later) and PostgreSQL both run.
 *
 * @since 0.1.0
 * @category constants
 */
export const runsTable = "zxsim_guest_runs"

/**
 * Whether a run has effects outside its kernel: a read-write mount, whose host directory it may
 * change. Such a run is never started twice.
 *
 * @since 0.1.0
 * @category utils
 */
export const hasOutsideEffects = (request: GuestRun.RunGuest): boolean => request.mounts.some((m) => !m.readOnly)

const ResultJson = Schema.parseJson(GuestRun.RunResult)

/**
 * Records in the storage that `runner` starts the run `runId` now: answers the attempt's number
 * (1 for the first) and the result an earlier attempt stored, if one did.
 */
const recordAttempt = (sql: SqlClient.SqlClient, runId: string, runner: string) =>
  sql<{ readonly attempts: number | bigint; readonly result: string | null }>`
    INSERT INTO ${sql(runsTable)} (run_id, runner, attempts) VALUES (${runId}, ${runner}, 1)
    ON CONFLICT (run_id) DO UPDATE SET attempts = ${sql(runsTable)}.attempts + 1, runner = ${runner}
    RETURNING attempts, result`.pipe(
    Effect.map((rows) => ({ attempt: Number(rows[0]?.attempts ?? 1), stored: rows[0]?.result ?? null }))
  )

/**
 * The entity's handler on this runner: each request goes to the {@link GuestRunner} in context
 * (the in-process runner, or a `GuestPool` to use every core of the runner's machine), at most
 * `concurrency` at a time (1 by default: the in-process runner runs one guest at a time). Each
 * run is recorded in {@link runsTable} just before it starts (so a run still waiting for its turn
 * on a runner that dies has not started) and its result just after it ends, so a delivery of a
 * run that has a result answers with it without running anything. See the module's note for the
 * rest.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerEntity = (
  options: {
    readonly concurrency?: number
    readonly maxIdleTime?: Duration.DurationInput
    /** The runner's name in {@link runsTable} (its address). */
    readonly runner?: string
  } = {}
) =>
  GuestRunEntity.toLayer(
    Effect.gen(function*() {
      const runner = yield* GuestRunner
      const sql = yield* SqlClient.SqlClient
      const self = options.runner ?? "runner"
      yield* sql`CREATE TABLE IF NOT EXISTS ${sql(runsTable)} (
        run_id TEXT PRIMARY KEY,
        runner TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        result TEXT
      )`.pipe(Effect.orDie)
      const turns = yield* Effect.makeSemaphore(options.concurrency ?? 1)
      // SQLite answers "database is locked" while another runner writes: a few tries, then a failure.
      const retried = <A, E>(effect: Effect.Effect<A, E>) =>
        Effect.retry(effect, Schedule.intersect(Schedule.exponential("50 millis"), Schedule.recurs(5)))
      const storageFailed =
        (request: GuestRun.RunGuest, runId: string, doing: string) => (e: { readonly message: string }) =>
          new GuestRun.RunFailed({
            reason: "Cluster",
            message: `${doing} run ${runId}: ${e.message}`,
            ...GuestRun.echoRequestId(request)
          })
      const carryOut = (runId: string, request: GuestRun.RunGuest) =>
        Effect.gen(function*() {
          const { attempt, stored } = yield* retried(recordAttempt(sql, runId, self)).pipe(
            Effect.mapError(storageFailed(request, runId, "recording"))
          )
          if (stored !== null) {
            // It ran to its end before, and its reply was lost with that runner: the same reply again.
            return yield* Schema.decode(ResultJson)(stored).pipe(
              Effect.mapError(storageFailed(request, runId, "reading"))
            )
          }
          if (attempt > 1 && hasOutsideEffects(request)) {
            return yield* new GuestRun.RunFailed({
              reason: "Interrupted",
              message: `run ${runId} was started before on a runner that stopped while running it; it has a ` +
                "read-write mount, so it is not started again (its host directory holds what that attempt did)",
              ...GuestRun.echoRequestId(request)
            })
          }
          if (attempt > 1) yield* Effect.logInfo(`run ${runId}: attempt ${attempt}, its last runner stopped`)
          const result = yield* runner.run(request)
          const encoded = yield* Schema.encode(ResultJson)(result).pipe(Effect.orDie)
          yield* retried(sql`UPDATE ${sql(runsTable)} SET result = ${encoded} WHERE run_id = ${runId}`).pipe(
            Effect.mapError(storageFailed(request, runId, "storing the result of"))
          )
          return result
        })
      return GuestRunEntity.of({
        RunGuest: (envelope) =>
          // The handler is uninterruptible (see the entity), but waiting for a turn is not: a run
          // that has not started yet may move with its shard.
          Effect.zipRight(
            Effect.interruptible(turns.take(1)),
            carryOut(envelope.address.entityId, envelope.payload).pipe(Effect.ensuring(turns.release(1)))
          )
      })
    }),
    {
      // Requests beyond the turns wait in the handler, not in the mailbox, so other entities' go on.
      concurrency: "unbounded",
      ...(options.maxIdleTime === undefined ? {} : { maxIdleTime: options.maxIdleTime })
    }
  )

/**
 * A runner process's part of the fleet: it registers with the others through the storage, serves
 * the entity on the shards it holds, and leaves (releasing its shards) when the layer is released.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerRunner = (
  options: RunnerOptions
): Layer.Layer<never, SocketServer.SocketServerError | ConfigError, GuestRunner | SqlClient.SqlClient> =>
  layerEntity({
    runner: `${options.host}:${options.port}`,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency })
  }).pipe(
    Layer.provide(NodeClusterSocket.layer({
      storage: "sql",
      shardingConfig: {
        ...options.sharding,
        runnerAddress: Option.some(RunnerAddress.make({ host: options.host, port: options.port }))
      }
    }))
  )

/**
 * How a client reaches the fleet.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientOptions {
  /** Sharding settings; they must agree with the runners' (shards per group, intervals). */
  readonly sharding?: Partial<ShardingConfig.ShardingConfig["Type"]>
}

/**
 * Makes the {@link GuestRunner} of a cluster client: each run becomes a new entity whose one
 * message is the request; the answer is its reply. Needs the cluster's `Sharding`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeClient: Effect.Effect<GuestRunnerShape, never, Sharding.Sharding> = Effect.gen(function*() {
  const sharding = yield* Sharding.Sharding
  const client = yield* GuestRunEntity.client
  return {
    run: (request: GuestRun.RunGuest) =>
      Effect.flatMap(sharding.getSnowflake, (id) => client(String(id)).RunGuest(request)).pipe(
        Effect.catchAll((error) =>
          error._tag === "RunFailed"
            ? Effect.fail(error)
            : Effect.fail(
              new GuestRun.RunFailed({
                reason: "Cluster",
                message: `${error._tag}: ${describe(error)}`,
                ...GuestRun.echoRequestId(request)
              })
            )
        ),
        Effect.withSpan("GuestCluster.run", {
          attributes: { program: GuestRun.programName(request.program), cpu: request.cpu }
        })
      )
  }
})

const describe = (error: unknown): string =>
  typeof error === "object" && error !== null && "message" in error && typeof error.message === "string"
    ? error.message
    : String(error)

/**
 * The fleet as the {@link GuestRunner} of a client process: runs go to whichever runner holds
 * their shard. The client serves no shards itself.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerClient = (options: ClientOptions = {}): Layer.Layer<GuestRunner, ConfigError, SqlClient.SqlClient> =>
  Layer.effect(GuestRunner, makeClient).pipe(
    Layer.provide(NodeClusterSocket.layer({
      clientOnly: true,
      storage: "sql",
      ...(options.sharding === undefined ? {} : { shardingConfig: options.sharding })
    }))
  )
